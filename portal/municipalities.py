"""Choosing municipalities: checkboxes grouped by wellbeing area, each area with a choice for all of
its municipalities at once. One field and widget for every form that asks where something happens.

The list is the same for everyone in a language, so it is built once per language and process and
kept for a few minutes (a change in the reference data shows at once in the process that made it,
in the others within that time).
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models.signals import post_delete, post_migrate, post_save
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.models import Municipality, WelfareArea

WHOLE_AREA = "area:"  # the value of an area's own checkbox: "area:05"
KEEP_SECONDS = 300


@dataclass(frozen=True)
class AreaGroup:
    code: str
    name: str
    municipalities: tuple[tuple[str, str], ...]  # (primary key as text, name), in alphabetical order

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(key for key, _name in self.municipalities)


_built: dict[str, tuple[float, tuple[AreaGroup, ...]]] = {}
# The picker's markup per (language, field name, id), made from the groups it was built with.
_skeletons: dict[tuple[str, str, str], tuple[tuple[AreaGroup, ...], list[str]]] = {}

# Å, Ä and Ö come after Z in Finnish and Swedish, in this order.
_ALPHABET = str.maketrans({"å": "{a", "ä": "{b", "æ": "{b", "ö": "{c", "ø": "{c"})


def _sort_key(name: str) -> str:
    return name.lower().translate(_ALPHABET)


def area_groups(language: str | None = None) -> tuple[AreaGroup, ...]:
    """Every wellbeing area with its municipalities, named in ``language`` (the active one)."""
    language = (language or get_language() or "fi")[:2]
    found = _built.get(language)
    if found is None or time.monotonic() - found[0] > KEEP_SECONDS:
        found = (time.monotonic(), _build(language))
        if found[1]:  # an empty database (before the reference data is loaded) is not kept
            _built[language] = found
    return found[1]


def _build(language: str) -> tuple[AreaGroup, ...]:
    # Named as ``localized`` names them: in the language, or in Finnish where it has no name.
    own = f"name_{language}"
    members: dict[str, list[tuple[str, str]]] = {}
    for municipality in Municipality.objects.only("pk", "name_fi", "name_sv", "area__code").select_related("area"):
        name = getattr(municipality, own, "") or municipality.name_fi
        members.setdefault(municipality.area.code, []).append((str(municipality.pk), name))
    return tuple(
        AreaGroup(
            area.code,
            getattr(area, own, "") or area.name_fi,
            tuple(sorted(members[area.code], key=lambda item: _sort_key(item[1]))),
        )
        for area in WelfareArea.objects.order_by("code")
        if area.code in members
    )


def forget(**kwargs: Any) -> None:
    _built.clear()
    _skeletons.clear()


for _model in (Municipality, WelfareArea):
    post_save.connect(forget, sender=_model, dispatch_uid=f"forget-area-groups-{_model.__name__}-save")
    post_delete.connect(forget, sender=_model, dispatch_uid=f"forget-area-groups-{_model.__name__}-delete")
# Migrations (and the test database being emptied) replace the reference data wholesale.
post_migrate.connect(forget, dispatch_uid="forget-area-groups-migrate")


def _comparable(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().replace("-", " - ").split())


def find_by_name(text: str, language: str | None = None) -> Municipality | None:
    """The municipality named ``text`` in Finnish or in Swedish, whatever its case and spacing
    ("esbo", "ESPOO", "Mänttä-Vilppula"). A name written the same in both languages is one town;
    where a name could mean two, the one named so in ``language`` (the active one) wins."""
    wanted = _comparable(text)
    if not wanted:
        return None
    own = f"name_{(language or get_language() or 'fi')[:2]}"
    found = [
        m
        for m in Municipality.objects.select_related("area")
        if wanted in (_comparable(m.name_fi), _comparable(m.name_sv))
    ]
    found.sort(key=lambda m: _comparable(getattr(m, own, "") or m.name_fi) != wanted)
    return found[0] if found else None


def names(language: str | None = None) -> list[str]:
    """Every municipality's name in ``language`` (Finnish where it has none), in alphabetical order."""
    return sorted((name for group in area_groups(language) for _key, name in group.municipalities), key=_sort_key)


class MunicipalityPicker(forms.Widget):
    """A fieldset per wellbeing area, folded in a <details> (open where something is chosen), with a
    checkbox for the whole area and one per municipality. Works without JavaScript; with it, a search
    box filters the list and the whole-area box ticks and follows its municipalities.

    The markup is the same for everyone but for what is ticked and open: the template is rendered
    once per language and field with a marker in each such place, and a request fills them in.
    """

    use_fieldset = True
    allow_multiple_selected = True
    template = "includes/municipality_picker.html"

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        return data.getlist(name) if hasattr(data, "getlist") else list(data.get(name) or [])

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return False  # nothing ticked is an answer too: no municipality

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        chosen = {str(item) for item in value or []} if isinstance(value, list | tuple | set) else set()
        base_id = (attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}"
        groups = area_groups()
        filled: dict[str, str] = {}
        for group in groups:
            whole = f"{WHOLE_AREA}{group.code}" in chosen or group.keys <= chosen
            ticked = group.keys if whole else group.keys & chosen
            if ticked:
                filled[f"open:{group.code}"] = " open"
                filled[f"count:{group.code}"] = str(
                    escape(_("%(count)s of %(total)s chosen") % {"count": len(ticked), "total": len(group.keys)})
                )
            if whole:
                filled[f"whole:{group.code}"] = " checked"
            filled.update(dict.fromkeys(ticked, " checked"))
        parts = self._skeleton(groups, name, base_id)
        # Even places hold markup, odd places the markers.
        html = "".join(part if i % 2 == 0 else filled.get(part, "") for i, part in enumerate(parts))
        return mark_safe(html)  # noqa: S308 - rendered with autoescape; what is filled in is escaped above

    def _skeleton(self, groups: tuple[AreaGroup, ...], name: str, base_id: str) -> list[str]:
        key = (get_language(), name, base_id)
        found = _skeletons.get(key)
        if found is None or found[0] is not groups:
            html = render_to_string(
                self.template,
                {
                    "name": name,
                    "id": base_id,
                    "areas": [
                        {
                            "group": group,
                            "open": _marker(f"open:{group.code}"),
                            "count": _marker(f"count:{group.code}"),
                            "whole": _marker(f"whole:{group.code}"),
                            "municipalities": [(key, label, _marker(key)) for key, label in group.municipalities],
                        }
                        for group in groups
                    ],
                    # The script fills the counts in as boxes are ticked.
                    "count_format": _("%(count)s of %(total)s chosen") % {"count": "{count}", "total": "{total}"},
                },
            )
            found = (groups, html.split(MARK))
            _skeletons[key] = found
        return found[1]


MARK = "\x00"  # no name in the reference data holds it


def _marker(name: str) -> SafeString:
    return mark_safe(f"{MARK}{name}{MARK}")  # noqa: S308 - a key or an area code, replaced before sending


class MunicipalitiesField(forms.Field):
    """Municipalities, or whole wellbeing areas (every municipality in them); cleans to the chosen
    municipalities' primary keys as text, in the order of the list."""

    widget = MunicipalityPicker
    default_error_messages = forms.MultipleChoiceField.default_error_messages

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "help_text", _("Open a wellbeing area to choose its municipalities, or choose the whole area at once.")
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list[str]:
        if not value:
            return []
        if not isinstance(value, list | tuple):
            raise ValidationError(self.error_messages["invalid_list"], code="invalid_list")
        return [str(item) for item in value]

    def validate(self, value: list[str]) -> None:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        groups = {group.code: group for group in area_groups()}
        known = frozenset().union(*(group.keys for group in groups.values()))
        for item in value:
            whole_area = item.startswith(WHOLE_AREA) and item.removeprefix(WHOLE_AREA) in groups
            if item not in known and not whole_area:
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item[:50]}
                )

    def clean(self, value: Any) -> list[str]:
        chosen = set(super().clean(value))
        return [
            key
            for group in area_groups()
            for key, _name in group.municipalities
            if key in chosen or f"{WHOLE_AREA}{group.code}" in chosen
        ]

    def has_changed(self, initial: Iterable[object] | None, data: Sequence[object] | None) -> bool:
        return {str(item) for item in initial or []} != {str(item) for item in data or []}
