from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from grants.models import (
    Application,
    AttachmentKind,
    BudgetLine,
    ChangeRequest,
    Decision,
    GrantCall,
    OtherFunding,
    Review,
    ReviewRequest,
    ScoringCriterion,
    UseOfFundsReport,
)
from grants.services import decision_problems, unverified_problem
from portal.forms import CheckedModelMultipleChoiceField
from portal.money import MoneyField, euros, money_formfield
from portal.municipalities import MunicipalitiesField
from portal.submissions import OncePerSubmissionForm
from portal.uploads import MultipleUploadField, UploadField
from portal.validators import no_control_characters, plausible_year

if TYPE_CHECKING:
    from organisations.models import Organisation
    from portal.models import User

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class GrantCallForm(OncePerSubmissionForm, forms.ModelForm):
    required_attachments = forms.MultipleChoiceField(
        label=_("Required attachments"),
        choices=[c for c in AttachmentKind.choices if c[0] != AttachmentKind.USE_OF_FUNDS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = GrantCall
        formfield_callback = staticmethod(money_formfield)
        fields = [
            "title_fi",
            "title_sv",
            "description_fi",
            "description_sv",
            "grant_type",
            "funding_year",
            "budget",
            "max_amount",
            "opens_at",
            "closes_at",
            "required_attachments",
            "terms_fi",
            "terms_sv",
        ]
        widgets = {
            "opens_at": DATETIME_WIDGET,
            "closes_at": DATETIME_WIDGET,
            "description_fi": forms.Textarea(attrs={"rows": 5}),
            "description_sv": forms.Textarea(attrs={"rows": 5}),
            "terms_fi": forms.Textarea(attrs={"rows": 5}),
            "terms_sv": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "opens_at": _("Finnish time."),
            "closes_at": _("Finnish time. Submissions end at this moment."),
            "terms_fi": _("The terms of the grants of this call. They are printed on every decision document."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("title_fi", "title_sv"):
            self.fields[name].validators.append(no_control_characters)
        for name in ("opens_at", "closes_at"):
            cast(forms.DateTimeField, self.fields[name]).input_formats = [
                "%Y-%m-%dT%H:%M",
                "%Y-%m-%d %H:%M",
                "%d.%m.%Y %H:%M",
            ]
            self.fields[name].validators.append(plausible_year)
        if self.instance.pk and Decision.objects.filter(application__call=self.instance).exists():
            # Decisions are in the funding ledger under this year and type: they stay as decided.
            for name in ("funding_year", "grant_type"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Fixed once decisions have been recorded.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The call must close after it opens."))
        budget, largest = cleaned.get("budget"), cleaned.get("max_amount")
        if budget and largest and largest > budget:
            self.add_error("max_amount", _("The largest grant cannot exceed the appropriation."))
        return cleaned


class RowsFormSet(BaseInlineFormSet):
    """Rows of a table in a form; ``row_label`` names one in the legends and the error summary."""

    row_label = _("Row")

    def add_fields(self, form: forms.ModelForm, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this row")

    def _construct_form(self, i: int, **kwargs: Any) -> forms.ModelForm:
        form = super()._construct_form(i, **kwargs)  # type: ignore[misc]  # missing from the stubs
        # A new row removed in the browser before saving (static/js/formset.js) leaves a gap in the
        # indexes: nothing of it is sent. It is no row at all, even where a field has a default
        # (the state of other funding), which would otherwise read as a change and be required.
        if self.is_bound and i >= self.initial_form_count():
            sent = any(key.startswith(f"{form.prefix}-") for key in self.data)
            if not sent:
                form.empty_permitted = True
                form.has_changed = lambda: False
        return form


class CriterionRows(RowsFormSet):
    row_label = _("Criterion")


class BudgetRows(RowsFormSet):
    row_label = _("Budget line")


class FundingRows(RowsFormSet):
    row_label = _("Funding")


CriterionFormSet = forms.inlineformset_factory(
    GrantCall,
    ScoringCriterion,
    formset=CriterionRows,
    fields=["name_fi", "name_sv", "weight"],
    extra=2,
    max_num=20,
    absolute_max=20,  # a forged form count builds no more forms than that
    validate_max=True,
    can_delete=True,
    can_delete_extra=False,  # a row not saved yet is removed in place (static/js/formset.js) or left empty
)


class ApplicationForm(OncePerSubmissionForm, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    municipalities = MunicipalitiesField(label=_("Municipalities served"), required=False)

    class Meta:
        model = Application
        formfield_callback = staticmethod(money_formfield)
        fields = [
            "title",
            "summary",
            "planned_activities",
            "target_groups",
            "municipalities",
            "expected_participants",
            "expected_volunteers",
            "requested_amount",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "planned_activities": forms.Textarea(attrs={"rows": 8}),
            "target_groups": forms.CheckboxSelectMultiple,
        }
        field_classes = {"target_groups": CheckedModelMultipleChoiceField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].validators.append(no_control_characters)
        self.fields["version"].initial = self.instance.version
        if self.instance.pk:
            self.initial["municipalities"] = [
                str(pk) for pk in self.instance.municipalities.values_list("pk", flat=True)
            ]
        self.fields["summary"].help_text = _("Two or three sentences: what, for whom, and why.")
        if self.instance.call_id and self.instance.call.max_amount:
            self.fields["requested_amount"].help_text = _("At most %(amount)s, and no more than the net cost.") % {
                "amount": euros(self.instance.call.max_amount)
            }

    def save_relations(self) -> None:
        self.instance.target_groups.set(self.cleaned_data["target_groups"])
        self.instance.municipalities.set([int(pk) for pk in self.cleaned_data["municipalities"]])


BudgetLineFormSet = forms.inlineformset_factory(
    Application,
    BudgetLine,
    formset=BudgetRows,
    fields=["kind", "category", "description", "amount"],
    formfield_callback=money_formfield,
    extra=2,
    max_num=100,
    absolute_max=100,  # a forged form count builds no more forms than that
    validate_max=True,
    can_delete=True,
    can_delete_extra=False,  # a row not saved yet is removed in place (static/js/formset.js) or left empty
)
OtherFundingFormSet = forms.inlineformset_factory(
    Application,
    OtherFunding,
    formset=FundingRows,
    fields=["funder", "amount", "state"],
    formfield_callback=money_formfield,
    extra=1,
    max_num=30,
    absolute_max=30,  # a forged form count builds no more forms than that
    validate_max=True,
    can_delete=True,
    can_delete_extra=False,  # a row not saved yet is removed in place (static/js/formset.js) or left empty
)


def budget_rows(formset: BaseInlineFormSet[BudgetLine, Application, Any]) -> list[tuple[str, Decimal]]:
    """(kind, amount) of the rows a valid budget formset keeps."""
    return [
        (row.cleaned_data["kind"], row.cleaned_data["amount"])
        for row in formset.forms
        if row.cleaned_data and not row.cleaned_data.get("DELETE") and row.cleaned_data.get("amount") is not None
    ]


DRAFT_ATTACHMENT_KINDS = [c for c in AttachmentKind.choices if c[0] != AttachmentKind.USE_OF_FUNDS]


class AttachmentForm(forms.Form):
    """An attachment added from the form it belongs to (the application, the report on the use of
    funds) and saved together with it, so that nothing typed is lost by attaching."""

    # Required only when attaching: the form is posted with every save of the draft.
    kind = forms.ChoiceField(label=_("Attachment"), choices=DRAFT_ATTACHMENT_KINDS, required=False)
    file = UploadField(label=_("File"), required=False)

    def __init__(self, *args: Any, attaching: bool = False, kind: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, prefix="attachment", **kwargs)  # type: ignore[misc]  # args hold data and files only
        self.attaching = attaching
        for field in self.fields.values():
            field.optional_hint = False  # type: ignore[attr-defined]  # read by the field template; needed when attaching, not when saving: "(optional)" would mislead
        if kind is not None:  # one kind only: nothing to choose
            self.fields["kind"] = forms.ChoiceField(
                choices=[(kind, kind)], initial=kind, widget=forms.HiddenInput, required=False
            )

    def clean_kind(self) -> str:
        kind = self.cleaned_data["kind"] or self.fields["kind"].initial
        if self.attaching and not kind:
            raise forms.ValidationError(_("Choose what the attachment is."), code="required")
        return kind

    def clean_file(self) -> UploadedFile | None:
        file = self.cleaned_data["file"]
        if self.attaching and not file:
            raise forms.ValidationError(_("Choose the file to attach."), code="required")
        return file


class TransitionForm(forms.Form):
    text = forms.CharField(
        label=_("Message"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AnswerForm(TransitionForm):
    """The applicant's answer to a request for information, with the documents asked for."""

    kind = forms.ChoiceField(
        label=_("Kind of the attached documents"),
        choices=[c for c in AttachmentKind.choices if c[0] != AttachmentKind.USE_OF_FUNDS],
        initial=AttachmentKind.OTHER,
        required=False,
    )
    # The metaclass moves declared fields into base_fields: this does not hide BaseForm.files.
    files = MultipleUploadField(label=_("Attach documents"), required=False)  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].label = _("Your answer")
        self.fields["text"].required = True


class MessageForm(OncePerSubmissionForm, forms.Form):
    text = forms.CharField(label=_("Message"), max_length=10000, widget=forms.Textarea(attrs={"rows": 3}))
    internal = forms.BooleanField(label=_("Internal note (not shown to the applicant)"), required=False)


class AssignForm(forms.Form):
    reviewer: forms.ModelChoiceField[User] = forms.ModelChoiceField(label=_("Reviewer"), queryset=None)

    def __init__(self, *args: Any, reviewers: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from portal.models import User

        field = cast(forms.ModelChoiceField, self.fields["reviewer"])
        field.queryset = User.objects.filter(pk__in=[r.pk for r in reviewers])  # what a choice must be
        # The options from the people already read, not from a second query of the same.
        field.widget.choices = [("", field.empty_label), *((r.pk, field.label_from_instance(r)) for r in reviewers)]


class ReviewForm(forms.ModelForm):
    class Meta:
        model = Review
        formfield_callback = staticmethod(money_formfield)
        fields = ["recommended_outcome", "recommended_amount", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, criteria: list[ScoringCriterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        scores = self.instance.scores if self.instance.pk else {}
        for criterion in criteria:
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=_("%(criterion)s (weight %(weight)s)")
                % {"criterion": criterion.name, "weight": criterion.weight},
                choices=[("", "—")] + [(n, str(n)) for n in range(6)],
                coerce=int,
                initial=scores.get(str(criterion.pk)),
                help_text=_("0 = does not meet the criterion, 5 = meets it excellently."),
            )
        self.order_fields([f"score_{c.pk}" for c in criteria] + list(self.Meta.fields))

    def scores(self) -> dict[str, int]:
        return {str(c.pk): self.cleaned_data[f"score_{c.pk}"] for c in self.criteria}


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you cannot review this application"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DecisionForm(OncePerSubmissionForm, forms.ModelForm):
    confirm_overrun = forms.BooleanField(
        label=_("I confirm granting more than the remaining appropriation"), required=False
    )
    confirm_unverified = forms.BooleanField(
        label=_("I confirm the grant although no coordinator has verified the organisation"), required=False
    )
    change_reason = forms.CharField(
        label=_("Why the decision is changed"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The applicant sees this on the timeline and in the email."),
    )
    # A multi-year partnership grant: the two following funding years, conditional on their budgets.
    second_year_amount = MoneyField(required=False, min_value=Decimal("0.01"))
    third_year_amount = MoneyField(required=False, min_value=Decimal("0.01"))

    class Meta:
        model = Decision
        formfield_callback = staticmethod(money_formfield)
        fields = ["outcome", "amount", "conditions", "rationale", "reference", "report_due_on", "payment_schedule"]
        widgets = {
            "conditions": forms.Textarea(attrs={"rows": 3}),
            "payment_schedule": forms.Textarea(attrs={"rows": 2}),
            "rationale": forms.Textarea(attrs={"rows": 4}),
            "report_due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {"reference": _("For example § 123/2026.")}

    def __init__(self, *args: Any, application: Application, remaining: Decimal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Checked here to show the message beside the box; the service checks again under a lock.
        self.application = application
        self.remaining = remaining
        self.fields["amount"].required = False  # a rejection has none
        self.fields["amount"].optional_hint = False  # type: ignore[attr-defined]  # read by the field template
        self.fields["amount"].help_text = _("Leave empty for a rejection.")
        if not self.instance.pk:
            self.initial.setdefault("amount", application.requested_amount)
        self.fields["reference"].validators.append(no_control_characters)
        self.fields["report_due_on"].validators.append(plausible_year)
        if application.organisation.verified_at is not None:
            del self.fields["confirm_unverified"]
        if not self.instance.pk:
            del self.fields["change_reason"]
        year = application.call.funding_year
        for offset, name in enumerate(("second_year_amount", "third_year_amount"), start=1):
            self.fields[name].label = _("Grant for %(year)s (EUR)") % {"year": year + offset}
            self.fields[name].help_text = _(
                "For a multi-year partnership grant: conditional on the area's appropriation for %(year)s until "
                "it is confirmed. Leave empty for a grant of one year."
            ) % {"year": year + offset}
        if self.instance.pk:
            for grant_year in self.instance.later_years.all():
                name = "second_year_amount" if grant_year.year == year + 1 else "third_year_amount"
                self.initial.setdefault(name, grant_year.amount)
        self.order_fields(["outcome", "amount", "second_year_amount", "third_year_amount"])

    def later_years(self) -> dict[int, Decimal]:
        """The later years' amounts given, by funding year."""
        year = self.application.call.funding_year
        data = self.cleaned_data
        amounts = {year + 1: data.get("second_year_amount"), year + 2: data.get("third_year_amount")}
        if self.cleaned_data.get("outcome") == Decision.Outcome.REJECTED:
            return {}
        return {later: amount for later, amount in amounts.items() if amount}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        outcome = cleaned.get("outcome")
        if "change_reason" in self.fields and not cleaned.get("change_reason", "").strip():
            self.add_error("change_reason", _("Say why the decision is changed: the applicant reads it."))
        granting = outcome in (Decision.Outcome.APPROVED, Decision.Outcome.PARTLY_APPROVED)
        if granting and "confirm_unverified" in self.fields and not cleaned.get("confirm_unverified"):
            self.add_error("confirm_unverified", unverified_problem(self.application))
        amount = cleaned["amount"] = cleaned.get("amount") or Decimal("0")
        if outcome == Decision.Outcome.REJECTED:
            amount = cleaned["amount"] = Decimal("0")
        if outcome and "rationale" in cleaned:
            for field, problem in decision_problems(self.application, outcome, amount, cleaned["rationale"]).items():
                self.add_error(field, problem)
        if cleaned.get("third_year_amount") and not cleaned.get("second_year_amount"):
            self.add_error("second_year_amount", _("A grant for the third year needs one for the second."))
        largest = self.application.call.max_amount
        for name in ("second_year_amount", "third_year_amount"):
            if largest and (cleaned.get(name) or 0) > largest:
                self.add_error(name, _("The call's largest grant is %(largest)s a year.") % {"largest": euros(largest)})
        already = self.instance.amount if self.instance.pk and self.instance.is_grant else Decimal("0")
        if (
            outcome != Decision.Outcome.REJECTED
            and amount - already > self.remaining
            and not cleaned.get("confirm_overrun")
        ):
            self.add_error(
                "confirm_overrun",
                _("This exceeds the remaining appropriation (%(remaining)s). Confirm to go ahead.")
                % {"remaining": euros(self.remaining)},
            )
        return cleaned


class BulkReferenceForm(forms.Form):
    reference = forms.CharField(label=_("Decision reference"), max_length=50, validators=[no_control_characters])
    decisions = CheckedModelMultipleChoiceField(
        label=_("Decisions"), queryset=Decision.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, decisions: QuerySet[Decision], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(CheckedModelMultipleChoiceField, self.fields["decisions"])
        field.queryset = decisions
        field.label_from_instance = lambda d: f"{d.application.organisation} – {d.application.title}"  # type: ignore[assignment]  # set on the field, called with the decision only


class PaymentForm(OncePerSubmissionForm, forms.Form):
    amount = MoneyField(label=_("Amount (EUR)"), min_value=Decimal("0.01"))
    # A date box takes its value as 2027-02-01 whatever the language; another format shows empty.
    paid_on = forms.DateField(
        label=_("Paid on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[plausible_year],
    )
    reference = forms.CharField(label=_("Payment reference"), max_length=50, required=False)
    confirm_unverified = forms.BooleanField(
        label=_("I confirm the payment although no coordinator has verified the organisation"), required=False
    )

    def __init__(self, *args: Any, verified: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if verified:
            del self.fields["confirm_unverified"]


class UseOfFundsForm(OncePerSubmissionForm, forms.ModelForm):
    class Meta:
        model = UseOfFundsReport
        formfield_callback = staticmethod(money_formfield)
        fields = ["amount_used", "narrative", "results"]
        widgets = {"narrative": forms.Textarea(attrs={"rows": 6}), "results": forms.Textarea(attrs={"rows": 6})}


class StartApplicationForm(OncePerSubmissionForm, forms.Form):
    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=_("Organisation"), queryset=None, empty_label=None
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = organisations


class WaiverForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for waiving the return"), max_length=2000, validators=[no_control_characters]
    )


class ReviewRequestForm(OncePerSubmissionForm, forms.Form):
    """A request for review: what the document's instructions say it must contain."""

    demand = forms.CharField(
        label=_("The change you demand"),
        help_text=_("For example: the grant is raised to the amount applied for."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    grounds = forms.CharField(
        label=_("Grounds"),
        help_text=_("Why the decision should be changed."),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    contact = forms.CharField(
        label=_("Your contact details"),
        help_text=_("Name, and a postal address, email address or telephone number for the area to reach you."),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # The metaclass moves declared fields into base_fields: this does not hide BaseForm.files.
    files = MultipleUploadField(label=_("Attach documents"), required=False)  # type: ignore[assignment]


class ResolutionForm(forms.Form):
    """The decision-maker's resolution of a request for review."""

    resolution = forms.ChoiceField(
        label=_("Resolution"), choices=ReviewRequest.Resolution.choices, widget=forms.RadioSelect
    )
    outcome = forms.ChoiceField(
        label=_("New outcome"),
        choices=[("", "–"), *Decision.Outcome.choices],
        required=False,
        help_text=_("Only when the decision is changed."),
    )
    amount = MoneyField(label=_("New amount granted (EUR)"), required=False, min_value=Decimal("0"))
    grounds = forms.CharField(
        label=_("Grounds of the resolution"),
        help_text=_("The organisation reads them in the decision document."),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    confirm_overrun = forms.BooleanField(
        label=_("Go ahead although the call's remaining appropriation is exceeded"), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("resolution") == ReviewRequest.Resolution.CHANGED:
            if not data.get("outcome"):
                self.add_error("outcome", _("Choose the new outcome."))
            elif data["outcome"] != Decision.Outcome.REJECTED and data.get("amount") is None:
                self.add_error("amount", _("Give the new amount granted."))
        return data


BUDGET_LINE_CHOICES = [("", "–"), *BudgetLine.Category.choices]


class ChangeRequestForm(OncePerSubmissionForm, forms.Form):
    """A change request on a grant in use."""

    kind = forms.ChoiceField(label=_("What do you ask to change?"), choices=ChangeRequest.Kind.choices,
                             widget=forms.RadioSelect)  # fmt: skip
    description = forms.CharField(
        label=_("The change"),
        help_text=_("What would be done differently, and how it affects the activities."),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    grounds = forms.CharField(
        label=_("Grounds"),
        help_text=_("Why the change is needed."),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    new_use_until = forms.DateField(
        label=_("New end of the period of use"),
        help_text=_("Only for an extension."),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[plausible_year],
    )
    move_from = forms.ChoiceField(
        label=_("Money moves from the budget line"),
        choices=BUDGET_LINE_CHOICES,
        required=False,
        help_text=_("Only when moving money between budget lines."),
    )
    move_to = forms.ChoiceField(label=_("to the budget line"), choices=BUDGET_LINE_CHOICES, required=False)
    move_amount = MoneyField(label=_("Amount moved (EUR)"), required=False, min_value=Decimal("0.01"))


class ChangeResolutionForm(forms.Form):
    resolution = forms.ChoiceField(
        label=_("Resolution"), choices=ChangeRequest.Resolution.choices, widget=forms.RadioSelect
    )
    grounds = forms.CharField(
        label=_("Grounds of the resolution"),
        help_text=_("The organisation reads them in the decision document."),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    accepted_use_until = forms.DateField(
        label=_("Accepted end of the period of use"),
        help_text=_("Only when an extension is accepted with changes."),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[plausible_year],
    )
    accepted_move_amount = MoneyField(
        label=_("Accepted amount moved (EUR)"),
        help_text=_("Only when moving money is accepted with changes."),
        required=False,
        min_value=Decimal("0.01"),
    )
