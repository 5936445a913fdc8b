from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation, OrganisationQuerySet, ServiceLanguage
from portal.filters import PortalFilterSet
from portal.models import ActivityType, Municipality, Theme, WelfareArea


class OrganisationFilter(PortalFilterSet):
    """The directory's filters; the coordinator's list adds ``verified``."""

    # Long enough for any name; a longer pattern is more than SQLite's LIKE takes.
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=200)
    area = django_filters.ModelChoiceFilter(
        label=_("Wellbeing area"), queryset=WelfareArea.objects.all(), method="filter_area", to_field_name="code"
    )
    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"),
        queryset=Municipality.objects.order_by("name_fi"),
        method="filter_municipality",
        to_field_name="code",
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"), queryset=Theme.objects.all(), field_name="themes", to_field_name="code"
    )
    activity_type = django_filters.ModelChoiceFilter(
        label=_("Activity type"), queryset=ActivityType.objects.all(), field_name="activity_types", to_field_name="code"
    )
    language = django_filters.ChoiceFilter(
        label=_("Language"), choices=ServiceLanguage.choices, method="filter_language"
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Organisation.Kind.choices)

    class Meta:
        model = Organisation
        fields = ["q", "area", "municipality", "theme", "activity_type", "language", "kind"]

    def search(self, queryset: QuerySet[Organisation], name: str, value: str) -> QuerySet[Organisation]:
        match = Q()
        for field in ("name_fi", "name_sv", "description_fi", "description_sv"):
            match |= Q(**{f"{field}__icontains": value.strip()})
        return queryset.filter(match)

    def filter_area(self, queryset: OrganisationQuerySet, name: str, value: WelfareArea) -> QuerySet[Organisation]:
        return queryset.operating_in(value)

    def filter_municipality(
        self, queryset: OrganisationQuerySet, name: str, value: Municipality
    ) -> QuerySet[Organisation]:
        return queryset.in_municipality(value)

    def filter_language(self, queryset: QuerySet[Organisation], name: str, value: str) -> QuerySet[Organisation]:
        return queryset.filter(**{f"serves_{value}": True})


class CoordinatorOrganisationFilter(OrganisationFilter):
    verified = django_filters.BooleanFilter(
        label=_("Verified"), field_name="verified_at", lookup_expr="isnull", exclude=True
    )

    class Meta(OrganisationFilter.Meta):
        fields = [*OrganisationFilter.Meta.fields, "verified"]
