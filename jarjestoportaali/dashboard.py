"""The area dashboard (knowledge management): figures of one area for coordinators and councillors."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Sum
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from familycentre.models import CooperationAgreement, FamilyCentre
from familycentre.services import REMINDER_DAYS
from funding import figures
from grants.models import Application, Decision, GrantCall, Status
from organisations.models import Organisation
from portal import charts, fragments
from portal.models import Theme, WelfareArea


def years_offered(year: int) -> list[int]:
    """The funding years to choose from, newest first, and the year shown, if someone asked for another."""
    return sorted({*figures.years_offered(), year}, reverse=True)


@dataclass
class OrganisationFigures:
    organisations: int
    by_theme: list[tuple[str, int]]
    by_kind: list[tuple[str, int]]

    def theme_chart(self) -> str:
        return charts.bar_chart(_("Organisations by theme"), self.by_theme)


@dataclass
class GrantFigures:
    calls: list[GrantCall]
    appropriation: Decimal
    decided_total: Decimal
    by_status: list[tuple[str, int]]

    def status_chart(self) -> str:
        return charts.bar_chart(_("Applications by status"), self.by_status, colour="#2e7d32")


@dataclass
class Dashboard:
    """What the dashboard shows around its sections, which the view keeps as fragments until
    their data changes."""

    area: WelfareArea
    year: int
    years: list[int]


def organisation_figures(area: WelfareArea) -> OrganisationFigures:
    organisations = Organisation.objects.operating_in(area)
    themes = (
        Theme.objects.filter(organisations__in=organisations).annotate(count=Count("organisations", distinct=True))
        .order_by("-count", "name_fi")
    )  # fmt: skip
    kinds = dict(Organisation.Kind.choices)
    by_kind = [
        (str(kinds[row["kind"]]), row["count"])
        for row in organisations.values("kind").annotate(count=Count("pk")).order_by("kind")
    ]
    return OrganisationFigures(
        organisations=sum(count for _kind, count in by_kind),
        by_theme=[(theme.name, theme.count) for theme in themes],
        by_kind=by_kind,
    )


def grant_figures(area: WelfareArea, year: int) -> GrantFigures:
    calls = list(GrantCall.objects.in_area(area).filter(funding_year=year).order_by("closes_at"))
    statuses = dict(Status.choices)
    by_status = [
        (str(statuses[row["status"]]), row["count"])
        for row in Application.objects.in_area(area).filter(call__funding_year=year).submitted()
        .values("status").annotate(count=Count("pk")).order_by("status")
    ]  # fmt: skip
    decided = Decision.objects.granted().filter(application__call__in=calls).aggregate(total=Sum("amount"))
    return GrantFigures(
        calls=calls,
        appropriation=sum((call.budget for call in calls), Decimal(0)),
        decided_total=decided["total"] or Decimal(0),
        by_status=by_status,
    )


def build(area: WelfareArea, year: int | None = None) -> Dashboard:
    year = year or timezone.localdate().year
    return Dashboard(area=area, year=year, years=years_offered(year))


def continuity_context(area: WelfareArea, year: int, report_readers: str) -> dict[str, object]:
    """The continuity figures as the latest job computed them, and the report they came from when
    ``report_readers`` ("all" or "published") may read it; asks for figures when there are none."""
    stored = figures.latest(area, year)
    if stored is None:
        figures.request_figures(area, year)
    report = stored.stored.report if stored else None
    visible = report is not None and (
        report_readers == "all" or (report_readers == "published" and report.published_at is not None)
    )
    return {"continuity": stored, "year": year, "figures_report": report if visible else None}


def family_context(area: WelfareArea) -> dict[str, object]:
    return {
        "centres_without_ngo": [
            c
            for c in FamilyCentre.objects.in_area(area).with_ngo_representation()
            if not c.has_ngo_representative  # type: ignore[attr-defined]  # annotated by with_ngo_representation
        ],
        "ending_agreements": list(
            CooperationAgreement.objects.in_area(area)
            .ending_within(REMINDER_DAYS)
            .select_related("centre", "organisation")
        ),
    }


# What the dashboard's sections show, read in one lookup (its link to the latest report too).
TOPICS = ["figures", "activities", "agreements", "organisations", "reference", "grants"]


def sections(area: WelfareArea, year: int, report_readers: str) -> dict[str, SafeString]:
    """The dashboard's sections as HTML. The same for everyone who may see the dashboard (the view
    checks that every time; which reports a person may read is part of the key), so they are kept
    until what they show changes: organisations, calls, decisions and submitted applications, the
    stored continuity figures, family centres and agreements (and the day, for agreements ending)."""
    no_query = QueryDict()
    organisations = functools.cache(functools.partial(organisation_figures, area))  # the lead and its section

    def lead() -> str:
        return render_to_string("workspace/includes/dashboard_lead.html", {"year": year, "section": organisations()})

    def organisations_section() -> str:
        return render_to_string("workspace/includes/dashboard_organisations.html", {"section": organisations()})

    def grants_section() -> str:
        return render_to_string("workspace/includes/dashboard_grants.html", {"section": grant_figures(area, year)})

    def continuity_section() -> str:
        return render_to_string(
            "workspace/includes/dashboard_continuity.html", continuity_context(area, year, report_readers)
        )

    def family_section() -> str:
        return render_to_string("workspace/includes/dashboard_family.html", family_context(area))

    today = timezone.localdate().isoformat()
    with fragments.read_together(TOPICS):
        return {
            "continuity_section": fragments.cached(
                f"dashboard-continuity:{area.code}:{year}:{report_readers}", no_query, ["figures"], continuity_section
            ),
            "family_section": fragments.cached(
                f"dashboard-family:{area.code}:{today}",
                no_query,
                ["activities", "agreements", "organisations"],
                family_section,
            ),
            "lead": fragments.cached(f"dashboard-lead:{area.code}:{year}", no_query, ["organisations"], lead),
            "organisations_section": fragments.cached(
                f"dashboard-organisations:{area.code}", no_query, ["organisations", "reference"], organisations_section
            ),
            "grants_section": fragments.cached(
                f"dashboard-grants:{area.code}:{year}", no_query, ["grants"], grants_section
            ),
        }
