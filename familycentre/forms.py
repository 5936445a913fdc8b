from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from familycentre.models import CooperationAgreement, FamilyCentre, FamilyCentreActivity, NetworkMember
from organisations.forms import municipality_choices
from organisations.models import Organisation, ServiceLanguage
from portal.forms import CheckedModelMultipleChoiceField
from portal.submissions import OncePerSubmissionForm
from portal.validators import no_control_characters, plausible_year

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FamilyCentreForm(OncePerSubmissionForm, forms.ModelForm):
    municipalities = forms.MultipleChoiceField(
        label=_("Municipalities served"), required=False, widget=forms.SelectMultiple(attrs={"size": 8})
    )

    class Meta:
        model = FamilyCentre
        fields = [
            "name_fi",
            "name_sv",
            "name_en",
            "kind",
            "municipalities",
            "address",
            "meeting_places_fi",
            "meeting_places_sv",
            "meeting_places_en",
        ]
        widgets = {f"meeting_places_{code}": forms.Textarea(attrs={"rows": 3}) for code in ("fi", "sv", "en")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area = self.instance.area
        cast(forms.MultipleChoiceField, self.fields["municipalities"]).choices = [
            g for g in municipality_choices() if g[0] == area.name
        ]
        if self.instance.pk:
            self.initial["municipalities"] = [
                str(pk) for pk in self.instance.municipalities.values_list("pk", flat=True)
            ]
        for name in ("name_fi", "name_sv", "name_en", "address"):
            self.fields[name].validators.append(no_control_characters)

    def save_relations(self) -> None:
        self.instance.municipalities.set([int(pk) for pk in self.cleaned_data["municipalities"]])


class NetworkMemberForm(OncePerSubmissionForm, forms.ModelForm):
    class Meta:
        model = NetworkMember
        fields = [
            "member_type",
            "organisation",
            "name",
            "representative_name",
            "representative_email",
            "joined_on",
            "left_on",
        ]
        widgets = {"joined_on": DATE_WIDGET, "left_on": DATE_WIDGET}
        help_texts = {"organisation": _("For an NGO: the organisation registered in the portal.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = Organisation.objects.order_by("name_fi")
        for name in ("joined_on", "left_on"):
            self.fields[name].validators.append(plausible_year)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        if cleaned.get("member_type") == NetworkMember.Type.NGO and not cleaned.get("organisation"):
            self.add_error("organisation", _("Choose the organisation of an NGO member."))
        if cleaned.get("member_type") not in (None, NetworkMember.Type.NGO) and not cleaned.get("name"):
            self.add_error("name", _("Give the name of the member."))
        joined, left = cleaned.get("joined_on"), cleaned.get("left_on")
        if joined and left and left < joined:
            self.add_error("left_on", _("The member cannot leave before joining."))
        return cleaned


class AgreementForm(OncePerSubmissionForm, forms.ModelForm):
    class Meta:
        model = CooperationAgreement
        fields = [
            "organisation",
            "language",
            "scope",
            "responsibilities",
            "premises",
            "area_contact",
            "organisation_contact",
            "area_privacy_contact",
            "organisation_privacy_contact",
            "valid_from",
            "valid_to",
        ]
        widgets = {
            "scope": forms.Textarea(attrs={"rows": 4}),
            "responsibilities": forms.Textarea(attrs={"rows": 4}),
            "premises": forms.Textarea(attrs={"rows": 2}),
            "valid_from": DATE_WIDGET,
            "valid_to": DATE_WIDGET,
        }

    def __init__(self, *args: Any, organisations: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organisation"]).queryset = Organisation.objects.filter(
            pk__in=[o.pk for o in organisations]
        )
        self.fields["organisation"].help_text = _("An NGO that is an active member of the centre's network.")
        for name in ("area_contact", "organisation_contact", "area_privacy_contact", "organisation_privacy_contact"):
            self.fields[name].validators.append(no_control_characters)
        for name in ("valid_from", "valid_to"):
            self.fields[name].validators.append(plausible_year)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        start, end = cleaned.get("valid_from"), cleaned.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("The agreement cannot end before it begins."))
        return cleaned


# The texts of an activity, in each language families read it in.
ACTIVITY_TEXTS = ("name", "description", "time_and_place")


class ActivityForm(OncePerSubmissionForm, forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=ServiceLanguage.choices, widget=forms.CheckboxSelectMultiple, initial=["fi"]
    )

    class Meta:
        model = FamilyCentreActivity
        # The languages come before the texts: they say which texts are needed.
        fields = [
            "centres",
            "target_group",
            "age_from",
            "age_to",
            "languages",
            *(f"{text}_fi" for text in ACTIVITY_TEXTS),
            *(f"{text}_sv" for text in ACTIVITY_TEXTS),
            *(f"{text}_en" for text in ACTIVITY_TEXTS),
            "contact",
        ]
        field_classes = {"centres": CheckedModelMultipleChoiceField}
        widgets = {
            "centres": forms.CheckboxSelectMultiple,
            **{f"description_{code}": forms.Textarea(attrs={"rows": 4}) for code in ("fi", "sv", "en")},
        }
        help_texts = {
            "centres": _("Choose every centre the activity is offered through; families find it once."),
            **{f"{text}_sv": _("Required when the activity is offered in Swedish.") for text in ACTIVITY_TEXTS},
        }

    def __init__(self, *args: Any, centres: list[FamilyCentre], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["centres"]).queryset = FamilyCentre.objects.filter(
            pk__in=[c.pk for c in centres]
        )
        if self.instance.pk:
            self.initial["languages"] = [c for c in ServiceLanguage.values if getattr(self.instance, f"serves_{c}")]
            # Centres whose network the organisation has left are no longer offered, nor kept.
            self.initial["centres"] = [c.pk for c in self.instance.centres.all() if c in centres]
        for name in (
            "contact",
            *(f"{text}_{code}" for text in ("name", "time_and_place") for code in ("fi", "sv", "en")),
        ):
            self.fields[name].validators.append(no_control_characters)
        for name in ("age_from", "age_to"):
            cast(forms.IntegerField, self.fields[name]).max_value = 120
            self.fields[name].widget.attrs["max"] = 120

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        low, high = cleaned.get("age_from"), cleaned.get("age_to")
        for name in ("age_from", "age_to"):
            if cleaned.get(name) is not None and cleaned[name] > 120:
                self.add_error(name, _("Give an age between 0 and 120."))
        if low is not None and high is not None and high < low:
            self.add_error("age_to", _("The upper age cannot be below the lower age."))
        if "sv" in cleaned.get("languages", []):  # families who read Swedish find it in Swedish
            for text in ACTIVITY_TEXTS:
                if not cleaned.get(f"{text}_sv") and f"{text}_sv" not in self.errors:
                    self.add_error(f"{text}_sv", _("Write this in Swedish too: the activity is offered in Swedish."))
        return cleaned

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]  # private hook, not in the stubs
        for code in ServiceLanguage.values:
            setattr(self.instance, f"serves_{code}", code in self.cleaned_data.get("languages", []))
