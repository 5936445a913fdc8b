from __future__ import annotations

from typing import Any, cast

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from familycentre.models import ActivityQuerySet, FamilyCentreActivity
from organisations.models import ServiceLanguage
from portal.filters import PortalFilterSet
from portal.models import Municipality


class ActivityFilter(PortalFilterSet):
    """What a family, or a worker guiding one, looks for."""

    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        method="filter_municipality",
        to_field_name="code",
    )
    target_group = django_filters.ChoiceFilter(
        label=_("Target group"), choices=FamilyCentreActivity.TargetGroup.choices
    )
    language = django_filters.ChoiceFilter(
        label=_("Language"), choices=ServiceLanguage.choices, method="filter_language"
    )

    class Meta:
        model = FamilyCentreActivity
        fields = ["municipality", "target_group", "language"]

    def __init__(self, *args: Any, municipalities: QuerySet[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(django_filters.ModelChoiceFilter, self.filters["municipality"]).queryset = municipalities

    def filter_municipality(
        self, queryset: ActivityQuerySet, name: str, value: Municipality
    ) -> QuerySet[FamilyCentreActivity]:
        return queryset.serving(value)

    def filter_language(
        self, queryset: QuerySet[FamilyCentreActivity], name: str, value: str
    ) -> QuerySet[FamilyCentreActivity]:
        return queryset.filter(**{f"serves_{value}": True})
