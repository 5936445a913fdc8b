from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum import iban as iban_number
from stdnum.exceptions import ValidationError as NumberError
from stdnum.fi import ytunnus

from organisations.models import (
    Invitation,
    JoinRequest,
    Membership,
    Organisation,
    OrganisationDocument,
    ServiceLanguage,
)
from portal.forms import CheckedModelMultipleChoiceField
from portal.models import Municipality, WelfareArea
from portal.municipalities import MunicipalitiesField, area_groups
from portal.submissions import OncePerSubmissionForm
from portal.uploads import UploadField
from portal.validators import no_control_characters

REGISTER_NUMBER = re.compile(r"^(\d{1,3})\.?(\d{3})$")


def normalise_business_id(value: str) -> str | None:
    if not value.strip():
        return None
    try:
        return ytunnus.format(ytunnus.validate(value))
    except NumberError as error:
        raise ValidationError(
            _("This is not a valid Business ID. It has seven digits, a hyphen and a check digit, e.g. 1234567-1."),
            code="invalid_business_id",
        ) from error


def normalise_register_number(value: str) -> str | None:
    compact = value.strip().replace(" ", "")
    if not compact:
        return None
    match = REGISTER_NUMBER.match(compact)
    if not match:
        raise ValidationError(
            _("This is not a valid association register number. It looks like 123.456."),
            code="invalid_register_number",
        )
    return f"{int(match.group(1))}.{match.group(2)}"


def municipality_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Municipalities grouped by wellbeing area, for a select with option groups."""
    return [(group.name, [(int(pk), name) for pk, name in group.municipalities]) for group in area_groups()]


class OrganisationForm(OncePerSubmissionForm, forms.ModelForm):
    business_id = forms.CharField(
        label=_("Business ID"),
        required=False,
        max_length=20,
        help_text=_("Y-tunnus, e.g. 1234567-1. Give this or the register number, or both."),
    )
    register_number = forms.CharField(
        label=_("Association register number"),
        required=False,
        max_length=20,
        help_text=_("Yhdistysrekisterinumero, e.g. 123.456."),
    )
    municipalities = MunicipalitiesField(label=_("Municipalities of operation"), required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages served"),
        choices=ServiceLanguage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https", max_length=200)
    iban = forms.CharField(
        label=_("IBAN"),
        required=False,
        max_length=42,
        help_text=_(
            "For grant payments, e.g. FI21 1234 5600 0007 85. Only your organisation and the coordinators see it."
        ),
    )

    class Meta:
        model = Organisation
        fields = [
            "name_fi",
            "name_sv",
            "business_id",
            "register_number",
            "kind",
            "parent",
            "home_municipality",
            "municipalities",
            "themes",
            "activity_types",
            "languages",
            "decision_language",
            "contact_email",
            "phone",
            "website",
            "description_fi",
            "description_sv",
            "iban",
        ]
        widgets = {
            "themes": forms.CheckboxSelectMultiple,
            "activity_types": forms.CheckboxSelectMultiple,
            "description_fi": forms.Textarea(attrs={"rows": 4}),
            "description_sv": forms.Textarea(attrs={"rows": 4}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel"}),
        }
        help_texts = {"parent": _("For a local association: its district or national organisation.")}
        field_classes = {"themes": CheckedModelMultipleChoiceField, "activity_types": CheckedModelMultipleChoiceField}

    # What the organisation is and how it is reached and paid: its administrators change these. Its
    # municipalities too, for they decide which areas' coordinators see its bank account and documents.
    IDENTITY_FIELDS = (
        "name_fi",
        "name_sv",
        "business_id",
        "register_number",
        "kind",
        "parent",
        "home_municipality",
        "municipalities",
        "decision_language",
        "electronic_service",
        "contact_email",
        "phone",
        "website",
        "iban",
    )

    electronic_service = forms.BooleanField(
        label=_("Decisions may be served to the organisation electronically in Järjestöportaali"),
        help_text=_(
            "A decision served electronically is deemed received on the third day after it is sent (13/2003 § 19). "
            "Without this consent decisions are sent by post as letters, deemed received on the seventh day."
        ),
        required=False,
    )

    def __init__(self, *args: Any, whole_profile: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("electronic_service", self.instance.electronic_service_consent_at is not None)
        if self.instance.pk:
            self.initial["municipalities"] = [
                str(pk) for pk in self.instance.municipalities.values_list("pk", flat=True)
            ]
            self.initial["languages"] = self.instance.languages
        if not whole_profile:
            # A member's form: what the organisation is stays as its administrators keep it.
            for name in self.IDENTITY_FIELDS:
                del self.fields[name]
            return
        for name in ("name_fi", "name_sv", "phone"):
            self.fields[name].validators.append(no_control_characters)
        self.fields["decision_language"].required = False  # left out: kept as it is (Finnish at first)
        cast(forms.ModelChoiceField, self.fields["home_municipality"]).queryset = Municipality.objects.order_by(
            "name_fi"
        )
        parents = Organisation.objects.filter(kind__in=[Organisation.Kind.NATIONAL, Organisation.Kind.DISTRICT])
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
            self.initial["iban"] = self.instance.iban_display
        cast(forms.ModelChoiceField, self.fields["parent"]).queryset = parents
        for name in ("name_fi", "home_municipality", "kind"):
            self.fields[name].required = True

    def clean_business_id(self) -> str | None:
        return normalise_business_id(self.cleaned_data["business_id"])

    def clean_register_number(self) -> str | None:
        return normalise_register_number(self.cleaned_data["register_number"])

    def clean_decision_language(self) -> str:
        return self.cleaned_data["decision_language"] or self.instance.decision_language or "fi"

    def clean_iban(self) -> str:
        value = self.cleaned_data["iban"]
        if not value.strip():
            return ""
        try:
            return iban_number.validate(value)
        except NumberError as error:
            raise ValidationError(
                _("This is not a valid IBAN. Check the number; a Finnish IBAN starts with FI and has 18 characters."),
                code="invalid_iban",
            ) from error

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        if "business_id" not in self.fields:
            return cleaned
        identifier_given = cleaned.get("business_id") or cleaned.get("register_number")
        identifier_invalid = self.has_error("business_id") or self.has_error("register_number")
        if not identifier_given and not identifier_invalid:
            self.add_error("business_id", _("Give a Business ID or an association register number."))
        return cleaned

    def validate_unique(self) -> None:
        # Registering an organisation that already exists is a claim or a join request, decided
        # by the view; only an edit must not take another organisation's identifiers.
        if self.instance.pk:
            super().validate_unique()

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]  # private hook, not in the stubs
        for code in ServiceLanguage.values:
            setattr(self.instance, f"serves_{code}", code in self.cleaned_data.get("languages", []))

    def save_relations(self, organisation: Organisation) -> None:
        """Save the many-to-many choices onto ``organisation`` (the claimed row when claiming)."""
        organisation.themes.set(self.cleaned_data["themes"])
        organisation.activity_types.set(self.cleaned_data["activity_types"])
        if "municipalities" in self.cleaned_data:
            organisation.municipalities.set([int(pk) for pk in self.cleaned_data["municipalities"]])


class RegisterLookupForm(forms.Form):
    """The Business ID to look up in PRH's register before filling in the registration form."""

    prefix = "lookup"
    business_id = forms.CharField(
        label=_("Business ID"),
        max_length=20,
        help_text=_("The name and home municipality are filled in from PRH's association register."),
        error_messages={"required": _("Give the Business ID to look the organisation up in the register.")},
    )

    def clean_business_id(self) -> str | None:
        return normalise_business_id(self.cleaned_data["business_id"])


class InvitationForm(OncePerSubmissionForm, forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "role"]
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "off"})}


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class JoinRequestForm(forms.ModelForm):
    class Meta:
        model = JoinRequest
        fields = ["message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"message": _("Tell who you are, what you do in the organisation and how to reach you.")}


class DocumentForm(OncePerSubmissionForm, forms.ModelForm):
    file = UploadField(label=_("File"))

    class Meta:
        model = OrganisationDocument
        fields = ["kind", "year", "file"]

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        this_year = timezone.localdate().year
        if not 1900 <= year <= this_year + 1:
            raise ValidationError(
                _("Give a year between 1900 and %(last)s."), code="year", params={"last": this_year + 1}
            )
        return year


class ClosureRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the organisation should be closed in the portal"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example: the association was dissolved, merged with another or moved its activity elsewhere."),
    )


class NoteForm(OncePerSubmissionForm, forms.Form):
    area = forms.ModelChoiceField(label=_("Area"), queryset=WelfareArea.objects.none())
    text = forms.CharField(label=_("Note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, areas: QuerySet[WelfareArea], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["area"]).queryset = areas
        if len(areas) == 1:
            self.fields["area"].initial = areas[0]
            self.fields["area"].widget = forms.HiddenInput()
