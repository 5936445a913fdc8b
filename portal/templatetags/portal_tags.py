from __future__ import annotations

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat

from portal import money

register = template.Library()


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: str | int) -> str:
    """The current query string with some parameters replaced, e.g. for pagination links."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        query[key] = value
    return query.urlencode()


register.filter("euros", money.euros)


@register.filter
def percent(value: Decimal | float | str | None) -> str:
    """A change in per cent in the reader's locale, with a minus sign and a no-break space: never
    broken across lines."""
    if value in (None, ""):
        return "–"
    return f"{floatformat(value, 1)}\xa0%".replace("-", "\u2212")
