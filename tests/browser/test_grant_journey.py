from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from grants.models import Application, Decision, FundingRecord, Status
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, enable_totp
from tests.factories import PDF_BYTES, AreaRoleFactory, MembershipFactory, OrganisationFactory, area

pytestmark = pytest.mark.browser

CALL_TITLE = "Järjestöavustukset 2027"


def local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def click_and_check(ui, page, role: str, name: str | re.Pattern) -> None:
    page.get_by_role(role, name=name).first.click()
    ui.check()


def test_the_whole_grant_journey(new_ui):
    organisation = OrganisationFactory.in_area("05", name_fi="Kaarinan Kävelykaverit ry", business_id="1234567-1")
    ngo_admin = MembershipFactory.admin(organisation=organisation, user__preferred_language="en").user
    coordinator = AreaRoleFactory.coordinator(area=area("05"), user__preferred_language="en").user
    reviewer = AreaRoleFactory.reviewer(
        area=area("05"), user__preferred_language="en", user__full_name="Rita Reviewer"
    ).user
    coordinator_secret = enable_totp(coordinator)

    # The coordinator publishes a call.
    staff_ui = new_ui()
    staff = log_in(staff_ui, coordinator.email, PASSWORD, totp_secret=coordinator_secret)
    click_and_check(staff_ui, staff, "link", re.compile("Area work"))
    click_and_check(staff_ui, staff, "link", "Grant calls of the area")
    click_and_check(staff_ui, staff, "link", "New grant call")
    staff.get_by_label("Title in Finnish").fill(CALL_TITLE)
    staff.get_by_label("Description in Finnish").fill("Avustuksia sote-järjestöjen toimintaan.")
    staff.get_by_label("Grant type").select_option("yleisavustus")
    staff.get_by_label("Funding year").fill("2027")
    staff.get_by_label("Appropriation (EUR)").fill("100000")
    staff.get_by_label("Largest grant (EUR)").fill("30000")
    staff.get_by_label("Opens").fill(local(timezone.now() - datetime.timedelta(days=1)))
    staff.get_by_label("Closes").fill(local(timezone.now() + datetime.timedelta(days=30)))
    staff.get_by_role("group", name="Required attachments").get_by_label("Budget").check()
    staff.locator("#id_criteria-0-name_fi").fill("Vaikuttavuus")
    staff.locator("#id_criteria-0-weight").fill("3")
    staff.get_by_role("button", name="Save").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(CALL_TITLE)
    staff_ui.check()
    click_and_check(staff_ui, staff, "button", "Publish the call")

    # The NGO drafts, attaches and submits.
    ngo_ui = new_ui()
    ngo = log_in(ngo_ui, ngo_admin.email, PASSWORD)
    ngo = ngo_ui.goto("/calls/")
    click_and_check(ngo_ui, ngo, "link", CALL_TITLE)
    click_and_check(ngo_ui, ngo, "button", "Start an application")
    ngo.get_by_label("Title", exact=True).fill("Kävelyryhmät ikääntyneille")
    ngo.get_by_label("Summary").fill("Viikoittaiset kävelyryhmät.")
    ngo.get_by_label("Planned activities").fill("Ryhmät kolmessa kunnassa, vapaaehtoisten koulutus.")
    ngo.get_by_label("Amount applied for (EUR)").fill("12000")
    ngo.locator("#id_budget-0-kind").select_option("expense")
    ngo.locator("#id_budget-0-category").select_option("activities")
    ngo.locator("#id_budget-0-amount").fill("12000")
    ngo.get_by_role("button", name="Save the draft").click()
    expect(ngo.get_by_text("The draft was saved.")).to_be_visible()
    ngo_ui.check()
    click_and_check(ngo_ui, ngo, "link", "Edit the draft")
    ngo.get_by_label("Attachment", exact=True).select_option("budget")
    ngo.get_by_label("File").set_input_files(
        files=[{"name": "budjetti.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    ngo.get_by_role("button", name="Add the attachment").click()
    expect(ngo.get_by_role("link", name="budjetti.pdf")).to_be_visible()
    ngo_ui.check()
    click_and_check(ngo_ui, ngo, "link", "Cancel")
    click_and_check(ngo_ui, ngo, "button", "Submit the application")
    expect(ngo.locator(".status-line")).to_contain_text("Submitted")
    application = Application.objects.get()
    assert application.status == Status.SUBMITTED

    # The coordinator starts the review and assigns a reviewer.
    staff = staff_ui.goto("/workspace/areas/05/applications/")
    click_and_check(staff_ui, staff, "link", "Kävelyryhmät ikääntyneille")
    click_and_check(staff_ui, staff, "button", "Start the review")
    staff.get_by_label("Assign a reviewer").select_option(label="Rita Reviewer")
    click_and_check(staff_ui, staff, "button", "Assign")

    # The reviewer scores.
    reviewer_ui = new_ui()
    review = log_in(reviewer_ui, reviewer.email, PASSWORD)
    click_and_check(reviewer_ui, review, "link", "My reviews")
    click_and_check(reviewer_ui, review, "link", "Kävelyryhmät ikääntyneille")
    review.get_by_label(re.compile("Vaikuttavuus")).select_option("4")
    review.get_by_label("Recommendation").select_option("approve")
    review.get_by_label("Recommended amount (EUR)").fill("12000")
    click_and_check(reviewer_ui, review, "button", "Save the review")

    # The coordinator asks for more information; the NGO answers.
    staff = staff_ui.goto(f"/applications/{application.pk}/")
    expect(staff.get_by_text("Average weighted score: 4.00 / 5")).to_be_visible()
    staff.get_by_label("What information is needed").fill("Kuinka monta vapaaehtoista on mukana?")
    click_and_check(staff_ui, staff, "button", "Ask for more information")
    ngo = ngo_ui.goto(f"/applications/{application.pk}/")
    expect(ngo.get_by_text("Kuinka monta vapaaehtoista on mukana?")).to_be_visible()
    ngo.get_by_label("Your answer").fill("Kaksitoista vapaaehtoista.")
    click_and_check(ngo_ui, ngo, "button", "Send the answer")

    # The decision is recorded and published.
    staff = staff_ui.goto(f"/applications/{application.pk}/")
    click_and_check(staff_ui, staff, "button", "Start the review")
    click_and_check(staff_ui, staff, "link", "Record the decision")
    staff.get_by_label("Outcome").select_option("approved")
    staff.get_by_label("Amount granted (EUR)").fill("12000")
    staff.get_by_label("Rationale").fill("Hakemus täyttää haun ehdot.")
    staff.get_by_label("Decision reference").fill("§ 45/2026")
    click_and_check(staff_ui, staff, "button", "Record the decision")
    expect(staff.locator(".status-line")).to_contain_text("Decided")
    staff = staff_ui.goto(f"/calls/{application.call_id}/decisions/")
    click_and_check(staff_ui, staff, "button", "Publish the confirmed decisions")
    public_ui = new_ui()
    public = public_ui.goto("/areas/05/decisions/?year=2027")
    expect(public.get_by_role("cell", name="§ 45/2026")).to_be_visible()

    # A payment.
    staff = staff_ui.goto(f"/applications/{application.pk}/")
    staff.get_by_label("Amount (EUR)").fill("12000")
    click_and_check(staff_ui, staff, "button", "Record the payment")
    click_and_check(staff_ui, staff, "button", "Mark as paid")

    # The NGO reports on the use of funds; the coordinator accepts.
    ngo = ngo_ui.goto(f"/applications/{application.pk}/")
    click_and_check(ngo_ui, ngo, "link", "Write the report on the use of funds")
    ngo.get_by_label("Amount used (EUR)").fill("11800")
    ngo.get_by_label("What was done").fill("Kävelyryhmiä kokoontui 40 kertaa.")
    ngo.get_by_label("Results").fill("Osallistujia 85.")
    click_and_check(ngo_ui, ngo, "button", "Save the report")
    click_and_check(ngo_ui, ngo, "button", "Submit the report on the use of funds")
    staff = staff_ui.goto(f"/applications/{application.pk}/")
    click_and_check(staff_ui, staff, "button", "Accept the report and close")
    expect(staff.locator(".status-line")).to_contain_text("Closed")

    application.refresh_from_db()
    assert application.status == Status.CLOSED
    assert Decision.objects.get(application=application).published_at is not None
    assert FundingRecord.objects.get(application=application).amount == 12000
