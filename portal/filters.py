"""The base of every list's filters."""

from __future__ import annotations

import django_filters
from django import forms

from portal.choices import FilterForm


class PortalFilterSet(django_filters.FilterSet):
    """A filter set whose form is a ``FilterForm``: no "optional" on every filter, "All" as the
    empty choice, and fast select boxes with the reference lists in the reader's language."""

    def get_form_class(self) -> type[forms.Form]:
        return type(f"{type(self).__name__}Form", (FilterForm, super().get_form_class()), {})
