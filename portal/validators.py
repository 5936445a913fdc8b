from __future__ import annotations

import datetime
import unicodedata

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def no_control_characters(value: str) -> None:
    """Refuse line breaks, tabs and other invisible control characters in one-line text."""
    if any(unicodedata.category(character) == "Cc" for character in value):
        raise ValidationError(_("Remove line breaks and other control characters."), code="control_characters")


FIRST_YEAR, LAST_YEAR = 1900, 2100


def plausible_year(value: datetime.date) -> None:
    """Refuse dates too far away to mean anything: the year 1 or 9999 cannot even be moved to
    another time zone or by a day."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        # The message names 1900 as FIRST_YEAR does.
        raise ValidationError(_("Give a year between 1900 and %(last)s."), code="year", params={"last": LAST_YEAR})


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, saying what the password needs in words Django translates: Django 5.2 reworded its
    "too short" message and has no Finnish for the new wording, so the Finnish sign-up page showed
    it in English. Its help text says the same and is translated."""

    def get_error_message(self) -> str:
        return self.get_help_text()
