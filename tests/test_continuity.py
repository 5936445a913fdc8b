"""Funding continuity by docs/design.md, “Funding continuity”: every status, the reasons, and the edges."""

from __future__ import annotations

from decimal import Decimal

import pytest

from funding import continuity
from funding.models import FundingRecord
from grants.models import Decision
from portal.models import Municipality
from tests.factories import ApplicationFactory, GrantCallFactory, OrganisationFactory, area

pytestmark = pytest.mark.django_db

YEAR, BASELINE = 2026, 2025


def fund(organisation, year: int, amount: int, kind: str = "municipality", municipality: str = "853", code: str = "05"):
    municipality_row = Municipality.objects.get(code=municipality) if kind == "municipality" else None
    return FundingRecord.objects.create(
        organisation=organisation, funder_kind=kind, year=year, amount=Decimal(amount), source="import",
        funder_municipality=municipality_row,
        funder_area=municipality_row.area if municipality_row else (area(code) if kind != "state" else None),
        funder_name="Rahoittaja",
    )  # fmt: skip


def row_of(result, organisation):
    return next(row for row in result.rows if row.organisation == organisation)


@pytest.fixture
def call():
    return GrantCallFactory(funding_year=YEAR)


@pytest.mark.parametrize(
    ("baseline", "current", "pending", "status"),
    [
        (1000, 1000, 0, "continued"),
        (1000, 1500, 0, "continued"),
        (1000, 400, 0, "reduced"),
        (1000, 400, 800, "reduced"),
        (1000, 0, 900, "pending"),
        (1000, 0, 0, "discontinued"),
        (0, 500, 0, "new"),
        (0, 500, 300, "new"),
        (0, 0, 700, "new_applicant"),
    ],
)
def test_status_rules_in_their_order(baseline, current, pending, status):
    assert continuity.status_of(Decimal(baseline), Decimal(current), Decimal(pending)) == status


def test_every_status_in_one_scenario(call):
    continued, reduced, pending, discontinued, new, applicant, outside = (OrganisationFactory() for _ in range(7))
    for organisation in (continued, reduced, pending, discontinued):
        fund(organisation, BASELINE, 10000)
    fund(continued, YEAR, 10000, kind="welfare_area")
    fund(reduced, YEAR, 6000, kind="welfare_area")
    ApplicationFactory.submitted(organisation=pending, call=call, requested_amount=Decimal(9000))
    fund(new, YEAR, 2000, kind="welfare_area")
    ApplicationFactory.in_review(organisation=applicant, call=call, requested_amount=Decimal(3000))
    result = continuity.compute(area("05"), YEAR)
    statuses = {row.organisation: row.status for row in result.rows}
    assert statuses == {
        continued: "continued", reduced: "reduced", pending: "pending", discontinued: "discontinued",
        new: "new", applicant: "new_applicant",
    }  # fmt: skip
    assert outside not in statuses
    assert row_of(result, discontinued).reason == "not_applied"
    assert row_of(result, reduced).change_pct == Decimal("-40.0")
    assert (result.baseline_total, result.current_total, result.pending_total) == (40000, 18000, 12000)
    assert {row.status for row in result.at_risk()} == {"reduced", "pending", "discontinued"}


def test_several_funders_in_one_year_add_up():
    organisation = OrganisationFactory()
    fund(organisation, BASELINE, 3000, municipality="853")
    fund(organisation, BASELINE, 2000, municipality="734")
    fund(organisation, BASELINE, 1000, kind="joint_authority")
    fund(organisation, YEAR, 6000, kind="welfare_area")
    row = row_of(continuity.compute(area("05"), YEAR), organisation)
    assert (row.baseline, row.current, row.status) == (6000, 6000, "continued")


def test_state_funding_and_other_areas_municipalities_are_ignored():
    organisation = OrganisationFactory()
    fund(organisation, BASELINE, 5000, kind="state")
    fund(organisation, BASELINE, 5000, municipality="091")  # Helsinki is not in Varsinais-Suomi
    fund(organisation, YEAR, 100, kind="welfare_area", code="90")
    assert continuity.compute(area("05"), YEAR).rows == []
    assert row_of(continuity.compute(area("90"), YEAR), organisation).status == "reduced"


@pytest.mark.parametrize(("how", "reason"), [("rejected", "rejected"), ("withdrawn", "withdrawn")])
def test_the_reason_a_grant_was_discontinued(call, how, reason):
    organisation = OrganisationFactory()
    fund(organisation, BASELINE, 4000)
    if how == "rejected":
        application = ApplicationFactory.in_state("decided", organisation=organisation, call=call)
        Decision.objects.filter(application=application).update(outcome="rejected", amount=0)
    else:
        ApplicationFactory.in_state("withdrawn", organisation=organisation, call=call)
    row = row_of(continuity.compute(area("05"), YEAR), organisation)
    assert (row.status, row.reason) == ("discontinued", reason)


def test_an_association_known_only_by_its_register_number():
    organisation = OrganisationFactory(business_id=None, register_number="123.456")
    fund(organisation, BASELINE, 1500)
    row = row_of(continuity.compute(area("05"), YEAR), organisation)
    assert row.status == "discontinued"


def test_another_baseline_year_can_be_chosen():
    organisation = OrganisationFactory()
    fund(organisation, 2023, 1000)
    fund(organisation, YEAR, 1000, kind="welfare_area")
    assert row_of(continuity.compute(area("05"), YEAR, baseline_year=2023), organisation).status == "continued"
    assert row_of(continuity.compute(area("05"), YEAR), organisation).status == "new"


def test_the_trend_shows_five_years_by_funder_kind_with_state_for_context():
    organisation = OrganisationFactory.in_area("05")
    fund(organisation, 2022, 1000)
    fund(organisation, 2026, 700, kind="welfare_area")
    fund(organisation, 2026, 300, kind="state")
    trend = continuity.trend(area("05"), YEAR)
    assert list(trend) == [2022, 2023, 2024, 2025, 2026]
    assert trend[2022]["municipality"] == 1000
    assert (trend[2026]["welfare_area"], trend[2026]["state"]) == (700, 300)
