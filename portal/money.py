"""Money as people write and read it: ``1 200,50``, ``1200,50`` and ``1200.50`` are all 1200.50
euros, and amounts are shown in the reader's locale (1 200,50 € in Finnish and Swedish)."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import forms
from django.db import models
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

# Digits with an optional decimal part of one or two digits after a comma or a dot, once the
# spaces a person or a spreadsheet puts between thousands are gone.
WRITTEN_AMOUNT = re.compile(r"^-?\d+([.,]\d{1,2})?$")
SPACES = ("\u00a0", "\u202f", " ", "€")


def parse(value: str) -> Decimal | None:
    """The amount a person wrote, or None when it is not one."""
    compact = value
    for space in SPACES:
        compact = compact.replace(space, "")
    if not WRITTEN_AMOUNT.match(compact):
        return None
    try:
        return Decimal(compact.replace(",", "."))
    except InvalidOperation:
        return None


CENT = Decimal("0.01")


def euros(value: Decimal | float | str | None) -> str:
    """``1 234,50 €`` in Finnish and Swedish, ``1,234.50 €`` in English: the separators of the
    reader's locale, grouped by thousands, rounded to the cent as a bookkeeper rounds. Written out
    by hand because long tables of amounts show it on every row."""
    if value in (None, ""):
        return "–"
    try:
        amount = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return "–"
    grouped = f"{amount:,.2f}".replace(",", "\0").replace(".", get_format("DECIMAL_SEPARATOR"))
    return f"{grouped.replace(chr(0), get_format('THOUSAND_SEPARATOR'))}\xa0€"


class MoneyField(forms.DecimalField):
    """A text box for euros (a number box would reject the decimal comma and show nothing on many
    phones): ``inputmode="decimal"`` for the numeric keyboard, and the value shown in the reader's
    locale."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    default_error_messages = {
        "invalid": _("Write the amount in euros, for example 1 200,50."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # stubs: DecimalField derives IntegerField
        if value in self.empty_values:
            return None
        amount = parse(str(value).strip())
        if amount is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return amount

    def widget_attrs(self, widget: forms.Widget) -> dict[str, str]:
        # Not the number box's min, max and step: they would only confuse a text box.
        return {}


def money_formfield(db_field: models.Field, **kwargs: Any) -> forms.Field | None:
    """``formfield_callback`` for model forms: every euro amount gets a MoneyField."""
    if isinstance(db_field, models.DecimalField) and db_field.decimal_places == 2:
        return db_field.formfield(form_class=MoneyField, **kwargs)
    return db_field.formfield(**kwargs)
