"""Form rendering: a field with the ARIA attributes that tie it to its help text and errors, and the
error summary of a page's forms."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from django import template
from django.forms import BaseForm, BaseFormSet, BoundField
from django.utils.safestring import SafeString

from portal.choices import fast_widget_for

if TYPE_CHECKING:
    from django.forms import Widget

register = template.Library()


@register.simple_tag
def field_widget(field: BoundField) -> SafeString:
    described_by = []
    attrs: dict[str, str | bool] = {}
    if field.help_text:
        described_by.append(f"{field.auto_id}_helptext")
    if field.errors:
        described_by.append(f"{field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    # A FastRendering stands in for the widget it renders: Django only calls its render.
    return field.as_widget(widget=cast("Widget | None", fast_widget_for(field)), attrs=attrs)


@dataclass(frozen=True)
class Problem:
    text: str
    target: str  # the id of the field to go to; empty when the problem is the form's as a whole


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*forms: BaseForm | BaseFormSet) -> dict[str, list[Problem]]:
    """Every error of the forms and formsets of one page, each linking to its field, so that an
    error far down a long page is seen at the top."""
    problems: list[Problem] = []
    for form in forms:
        if isinstance(form, BaseFormSet):
            problems += [Problem(str(error), "") for error in form.non_form_errors()]
            for number, row in enumerate(form.forms, start=1):
                problems += _problems_of(row, prefix=f"{getattr(form, 'row_label', '')} {number}".strip())
        elif form is not None:
            problems += _problems_of(form)
    return {"problems": problems}


def _problems_of(form: BaseForm, prefix: str = "") -> list[Problem]:
    if not form.is_bound or not form.errors:
        return []
    lead = f"{prefix}: " if prefix else ""
    problems = [Problem(f"{lead}{error}", "") for error in form.non_field_errors()]
    for field in form:
        for error in field.errors:
            if field.is_hidden:
                problems.append(Problem(f"{lead}{error}", ""))
            else:
                target = f"{field.auto_id}_error" if field.use_fieldset else field.id_for_label
                problems.append(Problem(f"{lead}{field.label}: {error}", target))
    return problems
