"""The continuity figures that dashboards show, computed by jobs, never in a request.

Computing an area's continuity reads its whole ledger (a large area takes a good part of a second),
so the figures are stored (``ContinuityFigures``): by each continuity report of a funding year
compared with the year before, every night for every area and year a dashboard offers, and shortly
after an import or a decision changes an area's ledger. A dashboard is so never older than a day.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

from funding import continuity
from funding.models import ContinuityFigures, ContinuityReport, FundingRecord
from portal import jobs
from portal.models import WelfareArea

logger = logging.getLogger(__name__)

# The areas took over from the municipalities on 2023-01-01: their first funding year.
FIRST_YEAR = 2023
# An import or a decision refreshes its area this long after it: a run of them makes one refresh.
GATHER_SECONDS = 30


def years_offered() -> range:
    """The funding years a dashboard offers: the areas' first to next year (whose calls open in
    the autumn)."""
    return range(FIRST_YEAR, timezone.localdate().year + 2)


def summary(result: continuity.Continuity) -> dict[str, Any]:
    """The figures of a computation as JSON: euros as strings, so that no cent is rounded."""
    return {
        "by_status": [
            dict(
                zip(
                    ("status", "organisations", "baseline", "current", "pending"),
                    (code, count, str(baseline), str(current), str(pending)),
                    strict=True,
                )
            )
            for code, _label, count, baseline, current, pending in result.by_status()
        ],
        "organisations": len(result.rows),
        "baseline": str(result.baseline_total),
        "current": str(result.current_total),
        "pending": str(result.pending_total),
        "conditional": str(result.conditional_total),
        "appropriation": str(result.appropriation),
        "decided_total": str(result.decided_total),
        "trend": [
            {"year": year, "amounts": {kind: str(amount) for kind, amount in amounts.items()}}
            for year, amounts in result.trend.items()
        ],
    }


def store(
    result: continuity.Continuity, report: ContinuityReport | None = None, figures: dict[str, Any] | None = None
) -> ContinuityFigures | None:
    """Keep ``result`` as its area's figures for its year, when it compares with the year before
    (the comparison a dashboard shows)."""
    if result.baseline_year != result.year - 1:
        return None
    stored, _created = ContinuityFigures.objects.update_or_create(
        area=result.area,
        year=result.year,
        defaults={
            "baseline_year": result.baseline_year,
            "computed_at": timezone.now(),
            "report": report,
            "figures": figures or summary(result),
        },
    )
    return stored


def refresh(area: WelfareArea, years: Iterable[int]) -> None:
    for year in years:
        store(continuity.compute(area, year))


def refresh_all() -> int:
    """Every area's figures for every year offered: the nightly run."""
    areas = list(WelfareArea.objects.order_by("code"))
    for area in areas:
        refresh(area, years_offered())
    return len(areas)


def years_affected(years: Iterable[int]) -> list[int]:
    """A year's ledger is the current funding of that year and the baseline of the next."""
    offered = years_offered()
    return sorted({y for year in years for y in (year, year + 1) if y in offered})


def schedule_refresh(area: WelfareArea, years: Iterable[int]) -> None:
    """Refresh the area's figures for ``years`` shortly after this transaction commits."""
    affected = years_affected(years)
    if affected:
        transaction.on_commit(lambda: _enqueue(area.pk, affected))


def request_figures(area: WelfareArea, year: int) -> None:
    """A dashboard found no figures for the year (a year past the nightly run's range, or a new
    database): compute them now."""
    if year in years_offered():
        transaction.on_commit(lambda: _enqueue(area.pk, [year], countdown=0))


def _enqueue(area_id: int, years: list[int], countdown: int = GATHER_SECONDS) -> None:
    from funding.tasks import refresh_continuity_figures  # tasks import this module

    year_of = {pending_key(area_id, year): year for year in years}

    def send(keys: list[str]) -> None:
        refresh_continuity_figures.apply_async((area_id, [year_of[key] for key in keys]), countdown=countdown)

    jobs.send_gathered(list(year_of), send, GATHER_SECONDS * 6)


def pending_key(area_id: int, year: int) -> str:
    return f"continuity-figures-pending-{area_id}-{year}"


def start_refresh(area_id: int, years: Iterable[int]) -> None:
    """The job has started: changes from now on need a refresh of their own."""
    jobs.gathered_job_started([pending_key(area_id, year) for year in years])


# --- Reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatusRow:
    code: str
    label: str
    organisations: int
    baseline: Decimal
    current: Decimal
    pending: Decimal


@dataclass(frozen=True)
class Figures:
    """Stored figures as a dashboard shows them."""

    stored: ContinuityFigures
    by_status: list[StatusRow]
    organisations: int
    baseline: Decimal
    current: Decimal
    pending: Decimal
    conditional: Decimal  # later years of multi-year grants, not yet confirmed
    trend: list[tuple[int, list[Decimal]]]  # per year, euros per funder kind in FunderKind order

    @property
    def computed_at(self) -> Any:
        return self.stored.computed_at

    @property
    def baseline_year(self) -> int:
        return self.stored.baseline_year

    @property
    def funder_kinds(self) -> list[tuple[str, StrPromise]]:
        """The columns of ``trend``."""
        return FundingRecord.FunderKind.choices


def status_row(row: dict[str, Any]) -> StatusRow:
    amounts = (Decimal(row[key]) for key in ("baseline", "current", "pending"))
    return StatusRow(row["status"], str(continuity.STATUS_LABELS[row["status"]]), row["organisations"], *amounts)


def latest(area: WelfareArea, year: int) -> Figures | None:
    stored = ContinuityFigures.objects.filter(area=area, year=year).first()
    if stored is None:
        return None
    data = stored.figures
    kinds = FundingRecord.FunderKind.values
    return Figures(
        stored=stored,
        by_status=[status_row(row) for row in data["by_status"]],
        organisations=data["organisations"],
        baseline=Decimal(data["baseline"]),
        current=Decimal(data["current"]),
        pending=Decimal(data["pending"]),
        conditional=Decimal(data.get("conditional", "0")),  # figures stored before multi-year grants
        trend=[
            (entry["year"], [Decimal(entry["amounts"].get(kind, "0")) for kind in kinds]) for entry in data["trend"]
        ],
    )
