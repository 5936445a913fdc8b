"""The dashboard's continuity figures: computed by jobs and stored, never in the request; refreshed
by each report, each import and each decision of the area, and every night."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation

from funding import figures, imports
from funding.models import ContinuityFigures, ContinuityReport, FundingRecord
from funding.tasks import build_continuity_report, refresh_all_continuity_figures
from grants import services
from portal.models import WelfareArea
from tests.factories import GROUNDS, ApplicationFactory, AreaRoleFactory, GrantCallFactory, OrganisationFactory, area
from tests.test_continuity import fund
from tests.test_funding_import import csv_bytes

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


@pytest.fixture
def councillor(client, settings):
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    client.cookies["django_language"] = "en"
    client.force_login(AreaRoleFactory.councillor(area=area("05")).user)


def continuity_section(client, year: int = YEAR) -> str:
    html = client.get(reverse("workspace:dashboard", kwargs={"code": "05"}), {"year": str(year)}).content.decode()
    return html[html.index('id="continuity-heading"') : html.index('id="family-heading"')]


def test_the_dashboard_shows_the_stored_figures_with_their_date_not_todays_ledger(
    client, councillor, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory.in_area("05")
    fund(organisation, YEAR - 1, 10000)
    fund(organisation, YEAR, 4000)
    figures.refresh(area("05"), [YEAR])
    computed_at = ContinuityFigures.objects.get(area=area("05"), year=YEAR).computed_at
    # A row written behind the portal's back (no signal): the page does not compute continuity itself.
    FundingRecord.objects.filter(organisation=organisation, year=YEAR).update(amount=Decimal(10000))

    with CaptureQueriesContext(connection) as queries:
        section = continuity_section(client)
    assert not any("funding_fundingrecord" in query["sql"] for query in queries.captured_queries)
    with translation.override("en"):
        date = formats.date_format(timezone.localtime(computed_at), "SHORT_DATETIME_FORMAT")
    assert f"{YEAR} compared with {YEAR - 1}, as computed on {date}." in section
    assert '<th scope="row">Reduced</th><td>1</td><td>10,000.00\xa0€</td><td>4,000.00\xa0€</td>' in section
    assert "Funding by funder kind, five years" in section

    with django_capture_on_commit_callbacks(execute=True):
        refresh_all_continuity_figures()  # the nightly run
    continued = '<th scope="row">Continued</th><td>1</td><td>10,000.00\xa0€</td><td>10,000.00\xa0€</td>'
    assert continued in continuity_section(client)


def test_the_nightly_run_covers_every_area_and_year_offered():
    areas = WelfareArea.objects.count()
    assert refresh_all_continuity_figures() == areas
    assert ContinuityFigures.objects.count() == areas * len(figures.years_offered())
    schedule = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert "funding.tasks.refresh_all_continuity_figures" in schedule


def test_a_decision_refreshes_its_areas_figures_for_its_year_and_the_next(
    client, councillor, django_capture_on_commit_callbacks
):
    figures.refresh(area("05"), [YEAR, YEAR + 1])
    application = ApplicationFactory.in_review(call=GrantCallFactory(funding_year=YEAR), requested_amount=7500)
    coordinator = AreaRoleFactory.coordinator(area=area("05")).user
    with django_capture_on_commit_callbacks(execute=True):
        services.record_decision(application, coordinator, outcome="approved", amount=Decimal(7500), rationale=GROUNDS)
    assert '<th scope="row">New</th><td>1</td><td>0.00\xa0€</td><td>7,500.00\xa0€</td>' in continuity_section(client)
    # Next year's baseline is this year's funding.
    assert '<th scope="row">Discontinued</th><td>1</td><td>7,500.00\xa0€</td>' in continuity_section(client, YEAR + 1)


def test_a_run_of_changes_makes_one_refresh(monkeypatch, django_capture_on_commit_callbacks):
    queued = []
    monkeypatch.setattr(
        "funding.tasks.refresh_continuity_figures.apply_async", lambda args, countdown: queued.append(args)
    )
    with django_capture_on_commit_callbacks(execute=True):
        figures.schedule_refresh(area("05"), [YEAR])
        figures.schedule_refresh(area("05"), [YEAR])
        figures.schedule_refresh(area("06"), [YEAR])
    assert queued == [(area("05").pk, [YEAR, YEAR + 1]), (area("06").pk, [YEAR, YEAR + 1])]
    figures.start_refresh(area("05").pk, [YEAR, YEAR + 1])  # the job began: the next change counts again
    with django_capture_on_commit_callbacks(execute=True):
        figures.schedule_refresh(area("05"), [YEAR])
    assert len(queued) == 3


def test_an_import_refreshes_the_years_it_brings(client, councillor, django_capture_on_commit_callbacks):
    row = ["1234567-1", "", "Kaarinan Kävelykaverit ry", "202", "welfare_area", "05", "Hyvinvointialue",
           str(YEAR - 1), "2000", "", ""]  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        record = imports.run(ContentFile(csv_bytes([row]), name="h.csv"), "h.csv", area("05"), None, dry_run=False)
    assert record.state == "imported"
    assert '<th scope="row">Discontinued</th><td>1</td><td>2,000.00\xa0€</td>' in continuity_section(client)


def test_a_report_stores_its_figures_and_the_dashboard_links_it(client, settings):
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    organisation = OrganisationFactory.in_area("05")
    fund(organisation, YEAR - 1, 3000)
    report = ContinuityReport.objects.create(area=area("05"), year=YEAR, baseline_year=YEAR - 1, language="en")
    build_continuity_report(report.pk)
    report.refresh_from_db()
    assert Decimal(report.figures["baseline"]) == 3000
    assert {row["status"]: row["organisations"] for row in report.figures["by_status"]}["discontinued"] == 1
    stored = ContinuityFigures.objects.get(area=area("05"), year=YEAR)
    assert stored.report == report

    client.cookies["django_language"] = "en"
    client.force_login(AreaRoleFactory.coordinator(area=area("05")).user)
    section = continuity_section(client)
    assert f'href="{reverse("funding:report_html", kwargs={"pk": report.pk})}"' in section
    assert "The report these figures come from" in section
    # A report against another baseline year is not what the dashboard compares: it keeps its own.
    other = ContinuityReport.objects.create(area=area("05"), year=YEAR, baseline_year=YEAR - 3, language="en")
    build_continuity_report(other.pk)
    assert ContinuityFigures.objects.get(area=area("05"), year=YEAR).report == report


def test_without_stored_figures_the_page_says_they_are_coming_and_asks_for_them(
    client, councillor, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(
        "funding.tasks.refresh_continuity_figures.apply_async", lambda args, countdown: queued.append(args)
    )
    with django_capture_on_commit_callbacks(execute=True):
        section = continuity_section(client)
    assert "The continuity figures of this year are being computed. Reload the page in a few minutes." in section
    assert queued == [(area("05").pk, [YEAR])]
    # A year outside those offered is never computed on request.
    with django_capture_on_commit_callbacks(execute=True):
        continuity_section(client, 1999)
    assert len(queued) == 1


def test_stored_figures_keep_every_cent():
    organisation = OrganisationFactory.in_area("05")
    fund(organisation, YEAR - 1, 1)
    FundingRecord.objects.filter(organisation=organisation).update(amount=Decimal("1234567.89"))
    figures.refresh(area("05"), [YEAR])
    latest = figures.latest(area("05"), YEAR)
    assert latest.baseline == Decimal("1234567.89")
    assert latest.trend[-2][0] == YEAR - 1 and sum(latest.trend[-2][1]) == Decimal("1234567.89")
    assert latest.computed_at > timezone.now() - datetime.timedelta(minutes=1)
