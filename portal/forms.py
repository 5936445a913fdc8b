from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.models import AccessibilityFeedback, Municipality, User
from portal.municipalities import find_by_name

# The largest key a database integer column holds.
LARGEST_KEY = 2**63 - 1


class CheckedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, except that a number too large for a database key is refused as an invalid
    value: Django passes it on to the lookup, and SQLite cannot even take it as a parameter."""

    def clean(self, value: Any) -> QuerySet[Any]:
        assert self.queryset is not None  # given when the field is made
        meta = self.queryset.model._meta
        key_field = meta.get_field(self.to_field_name) if self.to_field_name else meta.pk
        if isinstance(key_field, models.IntegerField) and isinstance(value, list | tuple):
            for key in value:
                if _too_large(key):
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": key}
                    )
        return super().clean(value)


def _too_large(key: Any) -> bool:
    try:
        return abs(int(str(key))) > LARGEST_KEY
    except ValueError:  # not a number at all, or too long to read as one: Django refuses it
        return False


class SignupForm(forms.Form):
    """Extra fields of allauth's sign-up form: the person's name; their language is the page's."""

    full_name = forms.CharField(
        label=_("Full name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )

    field_order = ["full_name", "email", "password1", "password2"]

    def signup(self, request: HttpRequest, user: User) -> None:
        user.full_name = self.cleaned_data["full_name"].strip()
        user.preferred_language = (get_language() or "fi")[:2]
        user.save(update_fields=["full_name", "preferred_language"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "preferred_language"]
        widgets = {"full_name": forms.TextInput(attrs={"autocomplete": "name"})}


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."), code="wrong_password")
        return password


class AccessibilityFeedbackForm(forms.ModelForm):
    """Feedback on the portal's accessibility: the sender's email is required, to answer it."""

    class Meta:
        model = AccessibilityFeedback
        fields = ["name", "email", "page", "message"]
        labels = {
            "name": _("Your name"),
            "email": _("Your email address"),
            "page": _("The page or service your feedback is about"),
            "message": _("What did you find difficult to use, or what content could you not reach?"),
        }
        help_texts = {
            "email": _("We answer to this address."),
            "page": _("For example its address or title."),
        }
        error_messages = {
            "email": {"required": _("Write your email address, so that we can answer you.")},
            "message": {"required": _("Write your feedback.")},
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "message": forms.Textarea(attrs={"rows": 6}),
        }


class MunicipalitySearchForm(forms.Form):
    """The front page's question: where do you live? A municipality's Finnish or Swedish name."""

    municipality = forms.CharField(
        label=_("Your municipality"),
        max_length=100,
        help_text=_("In Finnish or in Swedish, for example Espoo or Esbo."),
        error_messages={"required": _("Write the name of your municipality.")},
        widget=forms.TextInput(attrs={"autocomplete": "address-level2", "list": "municipality-names"}),
    )

    def clean_municipality(self) -> Municipality:
        typed = self.cleaned_data["municipality"]
        found = find_by_name(typed)
        if found is None:
            raise ValidationError(
                _("No municipality is called “%(name)s”. Check the spelling, or choose a name from the list."),
                code="unknown",
                params={"name": typed.strip()},
            )
        return found


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's refusal on the form: each field's problem beside its field, the rest above."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error)
