from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def no_control_characters(value: str) -> None:
    """Refuse line breaks, tabs and other invisible control characters in one-line text."""
    if any(unicodedata.category(character) == "Cc" for character in value):
        raise ValidationError(_("Remove line breaks and other control characters."), code="control_characters")
