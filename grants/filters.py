from __future__ import annotations

from typing import Any, cast

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from grants.models import Application, GrantCall, Status
from portal.filters import PortalFilterSet
from portal.models import Municipality, Theme


class ApplicationFilter(PortalFilterSet):
    """The coordinator's work list: filters, text search and sorting."""

    # Long enough for any title; a longer pattern is more than SQLite's LIKE takes.
    # "Search" and "Call" are both "Haku" in Finnish: labels of their own.
    q = django_filters.CharFilter(label=_("Words to search for"), method="search", max_length=200)
    call = django_filters.ModelChoiceFilter(label=_("Grant call"), queryset=GrantCall.objects.none())
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Status.choices)
    # Many-to-many filters as subqueries, so that no application is listed twice.
    theme = django_filters.ModelChoiceFilter(
        label=_("Target group"), queryset=Theme.objects.all(), method="filter_theme", to_field_name="code"
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality served"),
        queryset=Municipality.objects.none(),
        method="filter_municipality",
        to_field_name="code",
    )
    amount_min = django_filters.NumberFilter(
        label=_("Amount applied for, at least"), field_name="requested_amount", lookup_expr="gte"
    )
    amount_max = django_filters.NumberFilter(
        label=_("Amount applied for, at most"), field_name="requested_amount", lookup_expr="lte"
    )
    # Every choice spelt out in words of its own: django-filter's "(descending)" is not translated.
    # No empty choice: the list is in the first order until another is chosen.
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        empty_label=None,
        fields=[
            ("submitted_at", "submitted"),
            ("requested_amount", "amount"),
            ("organisation__name_fi", "organisation"),
        ],
        choices=[
            ("-submitted", _("Newest submitted first")),
            ("submitted", _("Oldest submitted first")),
            ("-amount", _("Largest amount first")),
            ("amount", _("Smallest amount first")),
            ("organisation", _("Organisation, A to Ö")),
            ("-organisation", _("Organisation, Ö to A")),
        ],
    )

    class Meta:
        model = Application
        fields = ["q", "call", "status", "theme", "municipality", "amount_min", "amount_max", "sort"]

    def __init__(
        self, *args: Any, calls: QuerySet[GrantCall], municipalities: QuerySet[Municipality], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(django_filters.ModelChoiceFilter, self.filters["call"]).queryset = calls
        cast(django_filters.ModelChoiceFilter, self.filters["municipality"]).queryset = municipalities

    def search(self, queryset: QuerySet[Application], name: str, value: str) -> QuerySet[Application]:
        text = value.strip()
        return queryset.filter(
            Q(title__icontains=text) | Q(summary__icontains=text) | Q(organisation__name_fi__icontains=text)
        )

    def filter_theme(self, queryset: QuerySet[Application], name: str, value: Theme) -> QuerySet[Application]:
        through = Application.target_groups.through
        return queryset.filter(Exists(through.objects.filter(application=OuterRef("pk"), theme=value)))

    def filter_municipality(
        self, queryset: QuerySet[Application], name: str, value: Municipality
    ) -> QuerySet[Application]:
        through = Application.municipalities.through
        return queryset.filter(Exists(through.objects.filter(application=OuterRef("pk"), municipality=value)))
