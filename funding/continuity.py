"""Funding continuity, exactly as docs/design.md, “Funding continuity”, defines it.

For area A, year Y and baseline year B (default Y-1):

- regional funding of an organisation in a year = its ledger rows from A itself, from the
  municipalities of A and from the joint municipal authorities of A (state and other funders are
  context only);
- in scope: organisations with regional funding in B or Y, or an application to a call of A with
  funding year Y;
- baseline = regional funding in B; current = regional funding in Y; pending = the amount applied
  for in applications to A's calls for Y that are submitted but not decided;
- conditional = the later years of multi-year grants for Y whose appropriation is not confirmed
  yet: shown apart, never counted as current funding, and for the status counted as pending;
- status, the first rule that holds: continued, reduced, pending, discontinued (with the reason:
  not applied, rejected or withdrawn), new, new applicant.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from funding.models import FundingRecord
from grants.models import Application, Decision, GrantCall, Status
from organisations.models import Organisation
from portal.models import WelfareArea

ZERO = Decimal("0")
REGIONAL_KINDS = (
    FundingRecord.FunderKind.WELFARE_AREA,
    FundingRecord.FunderKind.MUNICIPALITY,
    FundingRecord.FunderKind.JOINT_AUTHORITY,
)
PENDING_STATES = (Status.SUBMITTED, Status.IN_REVIEW, Status.INFO_REQUESTED)

CONTINUED, REDUCED, PENDING, DISCONTINUED, NEW, NEW_APPLICANT = (
    "continued", "reduced", "pending", "discontinued", "new", "new_applicant",
)  # fmt: skip
STATUS_LABELS = {
    CONTINUED: _("Continued"),
    REDUCED: _("Reduced"),
    PENDING: _("Pending"),
    DISCONTINUED: _("Discontinued"),
    NEW: _("New"),
    NEW_APPLICANT: _("New applicant"),
}
AT_RISK = (DISCONTINUED, PENDING, REDUCED)
NOT_APPLIED, REJECTED, WITHDRAWN = "not_applied", "rejected", "withdrawn"
REASON_LABELS = {
    NOT_APPLIED: _("Did not apply"),
    REJECTED: _("Application rejected"),
    WITHDRAWN: _("Application withdrawn"),
}


def regional(area: WelfareArea) -> Q:
    """Ledger rows that count as the area's regional funding. Every regional row names its area:
    a municipality's rows the area the municipality belongs to."""
    return Q(funder_kind__in=REGIONAL_KINDS, funder_area=area)


def status_of(baseline: Decimal, current: Decimal, pending: Decimal) -> str:
    if baseline > 0 and current >= baseline:
        return CONTINUED
    if baseline > 0 and current > 0:
        return REDUCED
    if baseline > 0 and pending > 0:
        return PENDING
    if baseline > 0:
        return DISCONTINUED
    if current > 0:
        return NEW
    return NEW_APPLICANT


@dataclass
class Row:
    organisation: Organisation
    baseline: Decimal = ZERO
    current: Decimal = ZERO
    pending: Decimal = ZERO
    conditional: Decimal = ZERO
    status: str = ""
    reason: str = ""

    @property
    def change_pct(self) -> Decimal | None:
        if not self.baseline:
            return None
        return ((self.current - self.baseline) / self.baseline * 100).quantize(Decimal("0.1"))

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def reason_label(self) -> str:
        return str(REASON_LABELS[self.reason]) if self.reason else ""

    @property
    def at_risk_euros(self) -> Decimal:
        return self.baseline - self.current


@dataclass
class Continuity:
    area: WelfareArea
    year: int
    baseline_year: int
    rows: list[Row] = field(default_factory=list)
    appropriation: Decimal = ZERO
    decided_total: Decimal = ZERO
    trend: dict[int, dict[str, Decimal]] = field(default_factory=dict)

    def by_status(self) -> list[tuple[str, str, int, Decimal, Decimal, Decimal]]:
        """Per status: code, label, organisations, baseline, current and pending euros."""
        table = []
        for code, label in STATUS_LABELS.items():
            rows = [row for row in self.rows if row.status == code]
            table.append(
                (code, str(label), len(rows), _sum(r.baseline for r in rows), _sum(r.current for r in rows),
                 _sum(r.pending for r in rows))
            )  # fmt: skip
        return table

    @property
    def baseline_total(self) -> Decimal:
        return _sum(row.baseline for row in self.rows)

    @property
    def current_total(self) -> Decimal:
        return _sum(row.current for row in self.rows)

    @property
    def pending_total(self) -> Decimal:
        return _sum(row.pending for row in self.rows)

    @property
    def conditional_total(self) -> Decimal:
        return _sum(row.conditional for row in self.rows)

    def at_risk(self) -> list[Row]:
        return sorted(
            (row for row in self.rows if row.status in AT_RISK),
            key=lambda row: (-row.baseline, row.organisation.name_fi),
        )

    def totals_by_municipality(self) -> list[tuple[str, Decimal, Decimal, int]]:
        totals: dict[str, list] = defaultdict(lambda: [ZERO, ZERO, 0])
        for row in self.rows:
            entry = totals[row.organisation.home_municipality.name]
            entry[0] += row.baseline
            entry[1] += row.current
            entry[2] += 1
        return sorted(((name, *values) for name, values in totals.items()), key=lambda item: (-item[1], item[0]))

    def totals_by_theme(self) -> list[tuple[str, Decimal, Decimal, int]]:
        totals: dict[str, list] = defaultdict(lambda: [ZERO, ZERO, 0])
        for row in self.rows:
            for theme in row.organisation.themes.all():
                entry = totals[theme.name]
                entry[0] += row.baseline
                entry[1] += row.current
                entry[2] += 1
        return sorted(((name, *values) for name, values in totals.items()), key=lambda item: (-item[1], item[0]))


def _sum(values: Iterable[Decimal]) -> Decimal:
    return sum(values, ZERO)


def _totals(records: QuerySet[FundingRecord], year: int) -> dict[int, Decimal]:
    return {
        row["organisation"]: row["total"]
        for row in records.filter(year=year).values("organisation").annotate(total=Sum("amount"))
    }


def compute(area: WelfareArea, year: int, baseline_year: int | None = None) -> Continuity:
    baseline_year = year - 1 if baseline_year is None else baseline_year
    records = FundingRecord.objects.filter(regional(area))
    confirmed = records.filter(conditional=False)
    baseline = _totals(confirmed, baseline_year)
    current = _totals(confirmed, year)
    conditional = _totals(records.filter(conditional=True), year)
    applications = Application.objects.filter(call__area=area, call__funding_year=year).exclude(status=Status.DRAFT)
    pending = {
        row["organisation"]: row["total"] or ZERO
        for row in applications.filter(status__in=PENDING_STATES)
        .values("organisation")
        .annotate(total=Sum("requested_amount"))
    }
    outcomes: dict[int, set[str]] = defaultdict(set)
    for organisation_id, status, outcome in applications.values_list("organisation", "status", "decision__outcome"):
        if outcome == Decision.Outcome.REJECTED:
            outcomes[organisation_id].add(REJECTED)
        if status == Status.WITHDRAWN:
            outcomes[organisation_id].add(WITHDRAWN)
        outcomes[organisation_id].add("applied")

    in_scope = set(baseline) | set(current) | set(conditional) | set(outcomes)
    organisations = (
        Organisation.objects.filter(pk__in=in_scope).select_related("home_municipality").prefetch_related("themes")
    )
    result = Continuity(area=area, year=year, baseline_year=baseline_year)
    for organisation in organisations.order_by("name_fi"):
        row = Row(
            organisation=organisation,
            baseline=baseline.get(organisation.pk, ZERO),
            current=current.get(organisation.pk, ZERO),
            pending=pending.get(organisation.pk, ZERO),
            conditional=conditional.get(organisation.pk, ZERO),
        )
        row.status = status_of(row.baseline, row.current, row.pending + row.conditional)
        if row.status == DISCONTINUED:
            seen = outcomes.get(organisation.pk, set())
            row.reason = REJECTED if REJECTED in seen else WITHDRAWN if WITHDRAWN in seen else NOT_APPLIED
        result.rows.append(row)

    calls = GrantCall.objects.filter(area=area, funding_year=year)
    result.appropriation = calls.aggregate(total=Sum("budget"))["total"] or ZERO
    result.decided_total = (
        Decision.objects.granted().filter(application__call__in=calls).aggregate(total=Sum("amount"))["total"] or ZERO
    )
    result.trend = trend(area, year)
    return result


def trend(area: WelfareArea, year: int, years: int = 5) -> dict[int, dict[str, Decimal]]:
    """Euros by funder kind for the five years up to ``year``, state and other funders included
    (for context) for the organisations that operate in the area."""
    first = year - years + 1
    regional_rows = FundingRecord.objects.filter(regional(area), year__range=(first, year), conditional=False)
    context_rows = FundingRecord.objects.filter(
        funder_kind__in=[FundingRecord.FunderKind.STATE, FundingRecord.FunderKind.OTHER],
        year__range=(first, year),
        organisation__in=Organisation.objects.operating_in(area),
    )
    table = {y: dict.fromkeys(FundingRecord.FunderKind.values, ZERO) for y in range(first, year + 1)}
    for rows in (regional_rows, context_rows):
        for row in rows.values("year", "funder_kind").annotate(total=Sum("amount")):
            table[row["year"]][row["funder_kind"]] += row["total"]
    return table
