"""Select boxes that read well and cost nothing per option.

Django renders every <option> through a template of its own, which made a filter form with the
293 municipalities of Finland the slowest part of the directory. ``FastSelect`` writes the same
HTML by joining strings. The reference lists (municipalities, areas, themes, activity types) are
the same for everyone in a language, so their options are built once per language and process,
in the alphabetical order of that language, and kept for a few minutes: a change shows at once
in the process that made it and in the others within ``KEEP_SECONDS`` (as the municipality
picker does).

A blank choice says what it means: "All" in a filter, "Choose…" in a form, never "---------".
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import Model
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.choices import BaseChoiceIterator
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.models import ActivityType, Municipality, Theme, WelfareArea

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

KEEP_SECONDS = 300
REFERENCE_MODELS: tuple[type[Model], ...] = (Municipality, WelfareArea, Theme, ActivityType)
DJANGO_BLANK_LABELS = frozenset({"---------", ""})
CHOOSE = _("Choose…")
ALL = _("All")

# Å, Ä and Ö come after Z in Finnish and Swedish, in this order.
_ALPHABET = str.maketrans({"å": "{a", "ä": "{b", "æ": "{b", "ö": "{c", "ø": "{c"})


def alphabetical_key(name: str) -> str:
    """Sorts names as a Finnish or Swedish reader expects: ... X, Y, Z, Å, Ä, Ö."""
    return name.lower().translate(_ALPHABET)


def html_attrs(attrs: dict[str, Any]) -> str:
    """Attributes as Django's widget templates write them (django/forms/widgets/attrs.html):
    ``True`` bare, ``False`` left out, anything else as text, in the order given."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class FastSelect(forms.Select):
    """Django's <select>, written without a template per option; the blank choice in words."""

    blank_label: StrOrPromise = CHOOSE

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final["multiple"] = True
        chosen = set(self.format_value(value))
        parts = [f'<select name="{escape(name)}"{html_attrs(final)}>']
        if isinstance(self.choices, ReferenceChoices):
            parts += self.choices.markup(chosen, self.blank_label)
            parts.append("</select>")
            return mark_safe("".join(parts))  # noqa: S308 - the options were escaped when built
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):  # an optgroup: (group label, [(value, label), …])
                parts.append(f'<optgroup label="{escape(option_value)}">')
                parts += [self._option(value, text, chosen) for value, text in label]
                parts.append("</optgroup>")
            else:
                parts.append(self._option(option_value, label, chosen))
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value and label is escaped above

    def _option(self, value: Any, label: Any, chosen: set[str]) -> str:
        text = "" if value is None else str(value)
        if text == "" and str(label) in DJANGO_BLANK_LABELS:
            label = self.blank_label
        selected = " selected" if text in chosen else ""
        return f'<option value="{escape(text)}"{selected}>{conditional_escape(label)}</option>'


class FastSelectMultiple(FastSelect):
    allow_multiple_selected = True

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return forms.SelectMultiple.value_from_datadict(self, data, files, name)  # type: ignore[arg-type]

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False  # an empty multiple select sends nothing, which means "none chosen"


# (model, query, key field, language) -> (built at, [(value, label, <option> markup)])
_built: dict[tuple[str, str, str, str], tuple[float, tuple[tuple[str, str, str], ...]]] = {}


class ReferenceChoices(BaseChoiceIterator):
    """The options of a model choice field over a reference list, named in the language active
    when they are read and in its alphabetical order; built, with their markup, once per language
    and process."""

    def __init__(self, field: forms.ModelChoiceField) -> None:
        self.field = field

    def __iter__(self) -> Iterator[tuple[str, str]]:
        if self.field.empty_label is not None:
            yield ("", str(self.field.empty_label))
        for value, label, _markup in self.options():
            yield (value, label)

    def markup(self, chosen: set[str], blank_label: StrOrPromise) -> list[str]:
        """The <option> elements, with ``chosen`` selected."""
        parts = []
        if self.field.empty_label is not None:
            selected = " selected" if "" in chosen else ""
            parts.append(f'<option value=""{selected}>{conditional_escape(blank_label)}</option>')
        for value, _label, markup in self.options():
            parts.append(markup.replace("<option ", "<option selected ", 1) if value in chosen else markup)
        return parts

    def options(self) -> tuple[tuple[str, str, str], ...]:
        queryset = self.field.queryset
        assert queryset is not None  # only fields with a queryset get these choices
        if queryset.query.is_empty():
            return ()
        # The whole list is known by its model; a part of it by its query (which costs more to name).
        query = str(queryset.query) if queryset.query.where else "all"
        key = (queryset.model._meta.label, query, self.field.to_field_name or "pk", (get_language() or "fi")[:2])
        found = _built.get(key)
        if found is None or time.monotonic() - found[0] > KEEP_SECONDS:
            labelled = [(str(self.field.prepare_value(obj)), self.field.label_from_instance(obj)) for obj in queryset]
            labelled.sort(key=lambda option: alphabetical_key(option[1]))
            options = tuple(
                (value, label, f'<option value="{escape(value)}">{escape(label)}</option>') for value, label in labelled
            )
            found = (time.monotonic(), options)
            _built[key] = found
        return found[1]


def forget(**kwargs: Any) -> None:
    _built.clear()


for _model in REFERENCE_MODELS:
    post_save.connect(forget, sender=_model, dispatch_uid=f"forget-choices-{_model.__name__}-save")
    post_delete.connect(forget, sender=_model, dispatch_uid=f"forget-choices-{_model.__name__}-delete")
# Migrations (and the test database being emptied) replace the reference data wholesale.
post_migrate.connect(forget, dispatch_uid="forget-choices-migrate")


# Django's templates of these widgets only include input.html (or are textarea.html).
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{kind}.html"
    for kind in ("input", "text", "number", "email", "url", "password", "hidden", "date", "datetime", "time",
                 "checkbox", "search", "tel")
)  # fmt: skip
TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"


def render_input(widget: forms.Widget, name: str, value: Any, attrs: dict[str, Any] | None) -> SafeString:
    """What django/forms/widgets/input.html writes, from the widget's own context."""
    context = widget.get_context(name, value, attrs)["widget"]
    shown = "" if context["value"] is None else f' value="{escape(context["value"])}"'
    return mark_safe(  # noqa: S308 - every part is escaped
        f'<input type="{escape(context["type"])}" name="{escape(name)}"{shown}{html_attrs(context["attrs"])}>'
    )


def render_textarea(widget: forms.Widget, name: str, value: Any, attrs: dict[str, Any] | None) -> SafeString:
    """What django/forms/widgets/textarea.html writes."""
    context = widget.get_context(name, value, attrs)["widget"]
    text = conditional_escape(context["value"]) if context["value"] else ""
    return mark_safe(f'<textarea name="{escape(name)}"{html_attrs(context["attrs"])}>\n{text}</textarea>')  # noqa: S308


class FastRendering:
    """Renders the widget it stands for with ``render`` instead of a template; everything else
    (attributes, value handling, localisation) is the widget's own."""

    def __init__(self, widget: forms.Widget, render: Any) -> None:
        self.__dict__["widget"] = widget
        self.__dict__["_render"] = render

    def __getattr__(self, name: str) -> Any:
        return getattr(self.widget, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self.widget, name, value)

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        return self._render(self.widget, name, value, attrs)


def fast_widget_for(field: forms.BoundField) -> forms.Widget | FastRendering | None:
    """The widget to render ``field`` with, writing the same HTML as Django's without a template:
    for a text box, number, date, checkbox or text area the field's own widget rendered by hand;
    for a select box a fast one with the blank choice in the form's words (``blank_label`` on the
    form, "Choose…" unless it says otherwise) and reference lists from the per-language store.
    None for anything else (radio buttons, checkbox lists, custom widgets): Django renders those."""
    widget = field.field.widget
    template = getattr(widget, "template_name", "")
    renders_its_template = type(widget).render is forms.Widget.render  # a widget of its own is left alone
    if (
        renders_its_template
        and template in INPUT_TEMPLATES
        and isinstance(widget, forms.widgets.Input | forms.CheckboxInput)
    ):
        return FastRendering(widget, render_input)
    if renders_its_template and template == TEXTAREA_TEMPLATE:
        return FastRendering(widget, render_textarea)
    if type(widget) is forms.Select:
        fast: FastSelect = FastSelect(attrs=widget.attrs)
    elif type(widget) is forms.SelectMultiple:
        fast = FastSelectMultiple(attrs=widget.attrs)
    else:
        return None
    fast.is_required = widget.is_required
    fast.blank_label = getattr(field.form, "blank_label", CHOOSE)
    model_field = field.field
    if (
        isinstance(model_field, forms.ModelChoiceField)
        and model_field.queryset is not None
        and model_field.queryset.model in REFERENCE_MODELS
    ):
        fast.choices = ReferenceChoices(model_field)
    else:
        fast.choices = widget.choices
    return fast


class FilterForm(forms.Form):
    """The form of a list's filters: every filter may be left empty, so none says "optional", and
    an empty choice reads "All"."""

    blank_label = ALL

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.optional_hint = False  # type: ignore[attr-defined]
