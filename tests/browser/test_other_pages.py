"""Pages the journeys do not pass through, each checked with axe-core."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect

from grants.models import DecisionDocument, FundsReturn
from portal.timelimits import deemed_notified, review_deadline
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, enable_totp
from tests.factories import (
    PDF_BYTES,
    AgreementFactory,
    ApplicationFactory,
    AreaRoleFactory,
    FamilyCentreActivityFactory,
    FamilyCentreFactory,
    GrantCallFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    area,
)
from tests.test_funding_import import GOOD, csv_bytes

pytestmark = pytest.mark.browser


def test_ngo_member_pages(new_ui):
    organisation = OrganisationFactory.in_area("05")
    member = MembershipFactory.admin(organisation=organisation, user__preferred_language="en").user
    centre = FamilyCentreFactory.with_ngo(organisation)
    activity = FamilyCentreActivityFactory(organisation=organisation, centres=[centre])
    ui = new_ui()
    log_in(ui, member.email, PASSWORD)
    for path in (
        "/account/profile/",
        "/account/delete/",
        f"/organisations/{organisation.pk}/edit/",
        f"/organisations/{organisation.pk}/applications/",
        f"/activities/{activity.pk}/edit/",
        "/accounts/2fa/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/no-such-page/",
    ):
        ui.goto(path)


def test_coordinator_pages_and_the_funding_import(new_ui):
    coordinator = AreaRoleFactory.coordinator(area=area("05"), user__preferred_language="en").user
    centre = FamilyCentreFactory.with_ngo(OrganisationFactory())
    draft = AgreementFactory()
    call = GrantCallFactory()
    ui = new_ui()
    page = log_in(ui, coordinator.email, PASSWORD, totp_secret=enable_totp(coordinator))
    ui.goto(f"/family-centres/{centre.pk}/network/{centre.members.get().pk}/")
    ui.goto(f"/family-centres/{centre.pk}/edit/")
    ui.goto(f"/agreements/{draft.pk}/edit/")
    ui.goto(f"/calls/{call.pk}/edit/")
    ui.goto("/workspace/areas/05/dashboard/")
    page = ui.goto("/workspace/areas/05/funding-imports/")
    page.get_by_label("File (CSV or XLSX)").set_input_files(
        files=[{"name": "rahoitus.csv", "mimeType": "text/csv", "buffer": csv_bytes(GOOD)}]
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("All 3 rows are valid.")).to_be_visible()
    ui.check()
    page.get_by_role("button", name="Import the file").click()
    expect(page.get_by_text("3 rows were imported")).to_be_visible()
    ui.check()
    page.get_by_label("File (CSV or XLSX)").set_input_files(
        files=[{"name": "virheet.csv", "mimeType": "text/csv", "buffer": csv_bytes([["x"] * 11])}]
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("Line 2")).to_be_visible()
    ui.check()


def test_operator_requests_the_national_overview(new_ui):
    operator = UserFactory.operator(preferred_language="en")
    ui = new_ui()
    log_in(ui, operator.email, PASSWORD, totp_secret=enable_totp(operator))
    page = ui.goto("/national/reports/")
    # The job runs in-process here, so the request returns only when all 22 area reports are merged.
    page.get_by_role("button", name="Request the overview").click(timeout=180_000)
    expect(page.locator("#progress-bar")).to_have_attribute("value", "100", timeout=180_000)
    ui.check()


def test_the_application_page_with_its_decision_document_and_unused_funds(new_ui):
    """The notification day, the last day for a review request, the first opening and the waiver
    form, as the coordinator and as the organisation see them."""
    application = ApplicationFactory.in_state("closed")
    decision = application.decision
    sent_at = timezone.now()
    notified = deemed_notified(timezone.localdate(sent_at))
    DecisionDocument.objects.create(
        decision=decision, language="fi", pdf=ContentFile(PDF_BYTES, name="d.pdf"), sha256="0" * 64,
        unofficial_copy=ContentFile(PDF_BYTES, name="e.pdf"), decision_decided_at=decision.decided_at,
        sent_at=sent_at, notified_on=notified, review_deadline=review_deadline(notified),
    )  # fmt: skip
    FundsReturn.objects.create(application=application, paid=20000, used=15000, amount=5000)
    coordinator = AreaRoleFactory.coordinator(area=area("05"), user__preferred_language="en").user
    ui = new_ui()
    log_in(ui, coordinator.email, PASSWORD, totp_secret=enable_totp(coordinator))
    page = ui.goto(f"/applications/{application.pk}/")
    expect(page.get_by_text("Last day for a request for review")).to_be_visible()
    expect(page.get_by_label("Reason for waiving the return")).to_be_visible()

    member = MembershipFactory(organisation=application.organisation, user__preferred_language="en").user
    ui = new_ui()
    log_in(ui, member.email, PASSWORD)
    page = ui.goto(f"/applications/{application.pk}/")
    expect(page.get_by_text("not opened yet")).to_be_visible()
    expect(page.get_by_text("To be returned")).to_be_visible()
