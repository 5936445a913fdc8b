from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import expect

from funding import reports
from funding.models import ContinuityReport, FundingRecord
from portal.models import Theme
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, enable_totp
from tests.factories import ApplicationFactory, AreaRoleFactory, GrantCallFactory, OrganisationFactory, area

pytestmark = pytest.mark.browser


def test_coordinator_requests_and_publishes_a_report_that_the_councillor_downloads(new_ui):
    organisation = OrganisationFactory(name_fi="Vakaa Yhdistys ry")
    for year, amount in ((2025, 800), (2026, 900)):
        FundingRecord.objects.create(
            organisation=organisation, funder_kind="welfare_area", funder_area=area("05"), funder_name="Alue",
            year=year, amount=Decimal(amount), source="import",
        )  # fmt: skip
    coordinator = AreaRoleFactory.coordinator(area=area("05"), user__preferred_language="en").user
    councillor = AreaRoleFactory.councillor(area=area("05"), user__preferred_language="en").user
    outsider = AreaRoleFactory.councillor(area=area("90"), user__preferred_language="en").user

    staff_ui = new_ui()
    staff = log_in(staff_ui, coordinator.email, PASSWORD, totp_secret=enable_totp(coordinator))
    staff.get_by_role("link", name=re.compile("Area work")).click()
    staff_ui.check()
    staff.get_by_role("link", name="Funding continuity reports").click()
    staff_ui.check()
    staff.get_by_label("Year", exact=True).fill("2026")
    staff.get_by_label("Baseline year").fill("2025")
    staff.get_by_label("Language").select_option("en")
    staff.get_by_role("button", name="Request the report").click()
    # The job runs in-process here; the bar reaches 100 % and offers the files.
    expect(staff.locator("#progress-bar")).to_have_attribute("value", "100")
    expect(staff.get_by_role("link", name="Download the PDF")).to_be_visible()
    staff_ui.check()
    staff.get_by_role("link", name="Read the report on this site").click()
    expect(staff.get_by_role("rowheader", name="Vakaa Yhdistys ry").first).to_be_visible()
    staff_ui.check()
    staff.get_by_role("link", name="Back to the report").click()
    staff_ui.check()
    staff.get_by_role("button", name="Publish for the councillors").click()
    expect(staff.get_by_text("The report is published")).to_be_visible()
    staff_ui.check()
    report = ContinuityReport.objects.get()
    assert report.published_at is not None

    # The councillor is told by email, in English as they chose, and follows its link.
    [message] = [message for message in mail.outbox if message.to == [councillor.email]]
    assert message.subject == "Continuity report published: Wellbeing services county of Southwest Finland, 2026"
    link = re.search(r"https?://[^/\s]+(/reports/\d+/view/)", message.body).group(1)
    councillor_ui = new_ui()
    page = log_in(councillor_ui, councillor.email, PASSWORD)
    councillor_ui.goto(link)
    expect(page.get_by_role("rowheader", name="Vakaa Yhdistys ry").first).to_be_visible()
    councillor_ui.goto("/workspace/")
    page.get_by_role("link", name=re.compile("Area work")).click()
    councillor_ui.check()
    page.get_by_role("link", name="Area dashboard").click()
    expect(page.get_by_role("heading", name="Funding continuity")).to_be_visible()
    councillor_ui.check()
    # The dashboard links the report just published and shows another year on request.
    expect(
        page.get_by_role("link", name="The latest published continuity report: 2026 compared with 2025")
    ).to_be_visible()
    page.get_by_label("Funding year").select_option("2025")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text(re.compile(r"^Funding year 2025 ·"))).to_be_visible()
    councillor_ui.check()
    page.get_by_role("link", name="The latest published continuity report: 2026 compared with 2025").click()
    expect(page.get_by_role("rowheader", name="Vakaa Yhdistys ry").first).to_be_visible()
    councillor_ui.check()
    councillor_ui.goto("/workspace/areas/05/")
    page.get_by_role("link", name="Funding continuity reports").click()
    councillor_ui.check()
    page.get_by_role("link", name="2026 compared with 2025").click()
    councillor_ui.check()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the PDF").click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    outsider_ui = new_ui()
    log_in(outsider_ui, outsider.email, PASSWORD)
    refused = outsider_ui.goto(f"/reports/{report.pk}/")
    expect(refused.get_by_role("heading", level=1)).to_have_text("No access")


def test_the_finished_report_offers_its_files_and_publishing_without_a_reload(new_ui, monkeypatch):
    """The coordinator watches the bar: the job's stages arrive by htmx, and when it finishes the
    whole state is swapped in, the publish button included."""
    organisation = OrganisationFactory(name_fi="Vakaa Yhdistys ry")
    FundingRecord.objects.create(
        organisation=organisation, funder_kind="welfare_area", funder_area=area("05"), funder_name="Alue",
        year=2025, amount=Decimal(800), source="import",
    )  # fmt: skip
    coordinator = AreaRoleFactory.coordinator(area=area("05"), user__preferred_language="en").user
    # The job waits for the test to run it, as it waits for a worker in production.
    monkeypatch.setattr("funding.views.build_continuity_report.delay", lambda report_id: None)

    staff_ui = new_ui()
    staff = log_in(staff_ui, coordinator.email, PASSWORD, totp_secret=enable_totp(coordinator))
    staff_ui.goto("/workspace/areas/05/reports/")
    staff.get_by_label("Language").select_option("en")
    staff.get_by_role("button", name="Request the report").click()
    expect(staff.get_by_text("Progress: Waiting for a worker")).to_be_visible()
    staff_ui.check()
    staff.evaluate("window.__notReloaded = true")
    report = ContinuityReport.objects.get()
    ContinuityReport.objects.filter(pk=report.pk).update(state="running")  # a worker took it
    reports.set_progress(report.pk, 40, "Writing the CSV")
    expect(staff.get_by_text("Progress: Writing the CSV")).to_be_visible()
    expect(staff.locator("#progress-bar")).to_have_attribute("value", "40")
    expect(staff.get_by_role("button", name="Publish for the councillors")).to_have_count(0)

    reports.run_job(report.pk)
    expect(staff.locator("#progress-bar")).to_have_attribute("value", "100")
    expect(staff.get_by_text("Progress: Ready")).to_be_visible()
    expect(staff.get_by_role("link", name="Download the PDF")).to_be_visible()
    expect(staff.get_by_role("link", name="Download the CSV")).to_be_visible()
    expect(staff.get_by_role("link", name="Read the report on this site")).to_be_visible()
    expect(staff.get_by_text("This page updates itself")).to_have_count(0)
    assert staff.evaluate("window.__notReloaded === true")  # the same page, never reloaded
    staff_ui.check()
    staff.get_by_role("button", name="Publish for the councillors").click()
    expect(staff.get_by_text("The report is published")).to_be_visible()
    staff_ui.check()
    report.refresh_from_db()
    assert report.published_at is not None


# Every text of the page's charts that reaches past its chart's drawing area.
CLIPPED_CHART_TEXT = """() => [...document.querySelectorAll('svg.chart')].flatMap((svg) => {
  const box = svg.viewBox.baseVal;
  return [...svg.querySelectorAll('text')].filter((text) => {
    const b = text.getBBox();
    return b.x < box.x || b.y < box.y || b.x + b.width > box.x + box.width || b.y + b.height > box.y + box.height;
  }).map((text) => text.textContent);
})"""


@pytest.mark.parametrize("width", [1280, 320])
def test_the_dashboard_in_swedish_shows_every_chart_label_whole(new_ui, width):
    inclusion = Theme.objects.get(code="social-inclusion")  # "Delaktighet och motverkande av utanförskap"
    for index in range(3):
        OrganisationFactory(name_fi=f"Osallisuusyhdistys {index} ry").themes.add(inclusion)
    OrganisationFactory().themes.add(Theme.objects.get(code="substance-use"))
    ApplicationFactory.submitted(call=GrantCallFactory(funding_year=2026))
    councillor = AreaRoleFactory.councillor(area=area("05"), user__preferred_language="sv").user
    ui = new_ui()
    ui.page.set_viewport_size({"width": width, "height": 900})
    page = log_in(ui, councillor.email, PASSWORD)
    page.context.add_cookies([{"name": "django_language", "value": "sv", "url": page.url}])
    page = ui.goto("/workspace/areas/05/dashboard/?year=2026")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Egentliga Finlands välfärdsområde")
    labels = page.locator("svg.chart text").all_text_contents()
    assert "Delaktighet och motverkande av utanförskap" in " ".join(labels)  # wrapped over lines, all of it
    assert page.evaluate(CLIPPED_CHART_TEXT) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scrolling
