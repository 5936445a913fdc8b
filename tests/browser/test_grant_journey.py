"""The whole grant journey in a real browser, as the people take it: the coordinator publishes a
call; a volunteer types, adds budget rows, attaches and submits; a reviewer scores; the coordinator
asks for more and the volunteer answers with a document; the decision-maker decides with the
reviews beside the form and then corrects the decision; the coordinator pays in two instalments;
the volunteer reports. Each step asserts what the person sees and the emails they get."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from funding.models import FundingRecord
from grants.models import Application, ApplicationAttachment, Decision, Status
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, enable_totp
from tests.factories import PDF_BYTES, AreaRoleFactory, MembershipFactory, OrganisationFactory, area

pytestmark = pytest.mark.browser

CALL_TITLE = "Järjestöavustukset 2027"
SUMMARY = "Viikoittaiset kävelyryhmät ikääntyneille kolmessa kunnassa."
ACTIVITIES = "Ryhmät kokoontuvat kerran viikossa; vapaaehtoiset koulutetaan keväällä."


def local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def click_and_check(ui, page, role: str, name: str | re.Pattern) -> None:
    page.get_by_role(role, name=name).first.click()
    ui.check()


def pdf(name: str) -> list[dict[str, object]]:
    return [{"name": name, "mimeType": "application/pdf", "buffer": PDF_BYTES}]


def emails_to(address: str) -> list[str]:
    return [f"{message.subject}\n{message.body}" for message in mail.outbox if address in message.to]


def test_the_whole_grant_journey(new_ui):
    organisation = OrganisationFactory.in_area("05", name_fi="Kaarinan Kävelykaverit ry", business_id="1234567-1")
    ngo_admin = MembershipFactory.admin(organisation=organisation, user__preferred_language="en").user
    coordinator = AreaRoleFactory.coordinator(area=area("05"), user__preferred_language="en").user
    decision_maker = AreaRoleFactory.decision_maker(area=area("05"), user__preferred_language="en").user
    reviewer = AreaRoleFactory.reviewer(
        area=area("05"), user__preferred_language="en", user__full_name="Rita Reviewer"
    ).user

    # The coordinator publishes a call; amounts are written with spaces between thousands.
    staff_ui = new_ui()
    staff = log_in(staff_ui, coordinator.email, PASSWORD, totp_secret=enable_totp(coordinator))
    click_and_check(staff_ui, staff, "link", re.compile("Area work"))
    click_and_check(staff_ui, staff, "link", "Grant calls of the area")
    click_and_check(staff_ui, staff, "link", "New grant call")
    staff.get_by_label("Title in Finnish").fill(CALL_TITLE)
    staff.get_by_label("Description in Finnish").fill("Avustuksia sote-järjestöjen toimintaan.")
    staff.get_by_label("Grant type").select_option("yleisavustus")
    staff.get_by_label("Funding year").fill("2027")
    staff.get_by_label("Appropriation (EUR)").fill("100 000")
    staff.get_by_label("Largest grant (EUR)").fill("30 000")
    staff.get_by_label("Opens").fill(local(timezone.now() - datetime.timedelta(days=1)))
    staff.get_by_label("Closes").fill(local(timezone.now() + datetime.timedelta(days=30)))
    staff.get_by_role("group", name="Required attachments").get_by_label("Budget").check()
    staff.locator("#id_criteria-0-name_fi").fill("Vaikuttavuus")
    staff.locator("#id_criteria-0-weight").fill("3")
    staff.get_by_role("button", name="Save").click()
    expect(staff.get_by_role("heading", level=1)).to_have_text(CALL_TITLE)
    staff_ui.check()
    click_and_check(staff_ui, staff, "button", "Publish the call")

    # The volunteer starts an application and types it, with a Finnish decimal comma.
    ngo_ui = new_ui()
    ngo = log_in(ngo_ui, ngo_admin.email, PASSWORD)
    ngo = ngo_ui.goto("/calls/")
    click_and_check(ngo_ui, ngo, "link", CALL_TITLE)
    expect(ngo.get_by_text("30,000.00 €").first).to_be_visible()
    click_and_check(ngo_ui, ngo, "button", "Start an application")
    expect(ngo.get_by_text("At most 30,000.00 €")).to_be_visible()
    ngo.get_by_label("Title", exact=True).fill("Kävelyryhmät ikääntyneille")
    ngo.get_by_label("Summary").fill(SUMMARY)
    ngo.get_by_label("Planned activities").fill(ACTIVITIES)
    ngo.get_by_label("Amount applied for (EUR)").fill("12 000,00")
    ngo.locator("#id_budget-0-kind").select_option("expense")
    ngo.locator("#id_budget-0-category").select_option("activities")
    ngo.locator("#id_budget-0-amount").fill("11 500,50")
    # A third row, added before the first save; the totals follow what is typed.
    ngo.get_by_role("button", name="Add a row: Budget line").click()
    ngo.locator("#id_budget-2-kind").select_option("expense")
    ngo.locator("#id_budget-2-category").select_option("travel")
    ngo.locator("#id_budget-2-amount").fill("499,50")
    expect(ngo.locator("#budget-totals")).to_contain_text("12,000.00 €")
    expect(ngo.locator("#budget-totals")).to_contain_text("100 % of the net cost")
    # Then the budget file is attached: attaching saves what was typed.
    ngo.get_by_label("Attachment", exact=True).select_option("budget")
    ngo.get_by_label("File", exact=True).set_input_files(files=pdf("budjetti.pdf"))
    ngo.get_by_role("button", name="Save and add the attachment").click()
    expect(ngo.get_by_text("The draft was saved and the attachment added.")).to_be_visible()
    ngo_ui.check()
    expect(ngo.get_by_label("Summary")).to_have_value(SUMMARY)
    expect(ngo.get_by_label("Planned activities")).to_have_value(ACTIVITIES)
    expect(ngo.get_by_role("link", name="budjetti.pdf")).to_be_visible()
    application = Application.objects.get()
    assert sorted(application.budget_lines.values_list("amount", flat=True)) == [499.50, 11500.50]

    # Submitting asks first, and a receipt arrives.
    click_and_check(ngo_ui, ngo, "link", "Cancel")
    click_and_check(ngo_ui, ngo, "link", "Submit the application…")
    expect(ngo.get_by_text("Once submitted, the application can no longer be edited.")).to_be_visible()
    click_and_check(ngo_ui, ngo, "button", "Submit the application")
    expect(ngo.get_by_text("The application was submitted.")).to_be_visible()
    expect(ngo.locator(".status-line")).to_contain_text("Submitted")
    assert any("Received:" in email and CALL_TITLE in email for email in emails_to(ngo_admin.email))
    ngo.go_back()  # the back button to the confirmation page
    ngo_ui.check()
    expect(ngo.get_by_text("The application was submitted on")).to_be_visible()

    # The coordinator starts the review and assigns a reviewer, who is emailed.
    staff = staff_ui.goto("/workspace/areas/05/applications/")
    click_and_check(staff_ui, staff, "link", "Kävelyryhmät ikääntyneille")
    click_and_check(staff_ui, staff, "button", "Start the review")
    staff.get_by_label("Assign a reviewer").select_option(label="Rita Reviewer")
    click_and_check(staff_ui, staff, "button", "Assign")
    assert any("A review for you" in email for email in emails_to(reviewer.email))

    reviewer_ui = new_ui()
    review = log_in(reviewer_ui, reviewer.email, PASSWORD)
    click_and_check(reviewer_ui, review, "link", "My reviews")
    click_and_check(reviewer_ui, review, "link", "Kävelyryhmät ikääntyneille")
    review.get_by_label(re.compile("Vaikuttavuus")).select_option("4")
    review.get_by_label("Recommendation").select_option("approve_partly")
    review.get_by_label("Recommended amount (EUR)").fill("10 000")
    click_and_check(reviewer_ui, review, "button", "Save the review")

    # The coordinator asks for the activity plan; the volunteer answers with it, beside the request.
    staff = staff_ui.goto(f"/applications/{application.pk}/")
    expect(staff.get_by_text("Average weighted score: 4.00 / 5")).to_be_visible()
    staff.get_by_label("What information is needed").fill("Liittäkää toimintasuunnitelma.")
    click_and_check(staff_ui, staff, "button", "Ask for more information")
    ngo = ngo_ui.goto(f"/applications/{application.pk}/")
    answer_box = ngo.locator(
        "section", has=ngo.get_by_role("heading", name="The coordinator asks for more information")
    )
    expect(answer_box.get_by_text("Liittäkää toimintasuunnitelma.")).to_be_visible()
    ngo.get_by_label("Your answer").fill("Suunnitelma liitteenä.")
    ngo.get_by_label("Kind of the attached documents").select_option("activity_plan")
    ngo.get_by_label("Attach documents").set_input_files(files=pdf("toimintasuunnitelma.pdf"))
    click_and_check(ngo_ui, ngo, "button", "Send the answer")
    expect(ngo.get_by_text("Your answer was sent.")).to_be_visible()
    expect(ngo.locator(".status-line")).to_contain_text("In review")  # straight back into the review
    assert ApplicationAttachment.objects.filter(kind="activity_plan", original_name="toimintasuunnitelma.pdf").exists()

    # The decision-maker decides with what it is decided on beside the form.
    maker_ui = new_ui()
    maker = log_in(maker_ui, decision_maker.email, PASSWORD, totp_secret=enable_totp(decision_maker))
    maker = maker_ui.goto(f"/applications/{application.pk}/")
    click_and_check(maker_ui, maker, "link", "Record the decision")
    facts = maker.locator(".decision-facts")
    expect(facts).to_contain_text("12,000.00 €")
    expect(facts).to_contain_text("30,000.00 €")
    expect(facts).to_contain_text("Rita Reviewer")
    expect(facts).to_contain_text("Approve in part, 10,000.00 €")
    maker.get_by_label("Outcome").select_option("approved")
    maker.get_by_label("Amount granted (EUR)").fill("60 000")
    maker.get_by_label("Rationale").fill("x")
    click_and_check(maker_ui, maker, "button", "Record the decision")
    expect(maker.locator("#id_amount_error")).to_contain_text("cannot exceed the amount applied for")
    expect(maker.locator("#id_rationale_error")).to_contain_text("at least 20 characters")
    maker.get_by_label("Amount granted (EUR)").fill("12 000")
    maker.get_by_label("Rationale").fill("Hakemus täyttää haun ehdot ja toiminta on vakiintunutta.")
    maker.get_by_label("Decision reference").fill("§ 45/2026")
    click_and_check(maker_ui, maker, "button", "Record the decision")
    expect(maker.locator(".status-line")).to_contain_text("Decided")
    assert any("Approved, 12,000.00 €" in email.replace("\u00a0", " ") for email in emails_to(ngo_admin.email))

    # And corrects it, with the reason: an event on the timeline and an email.
    click_and_check(maker_ui, maker, "link", "Change the decision")
    maker.get_by_label("Outcome").select_option("partly_approved")
    maker.get_by_label("Amount granted (EUR)").fill("10 000")
    maker.get_by_label("Why the decision is changed").fill("Määräraha jaetaan useammalle hakijalle.")
    click_and_check(maker_ui, maker, "button", "Record the decision")
    expect(maker.locator(".timeline")).to_contain_text(
        "The decision was changed: Approved, 12,000.00 € → Partly approved, 10,000.00 €"
    )
    changed = [email for email in emails_to(ngo_admin.email) if "The decision was changed" in email]
    assert changed and "Määräraha jaetaan useammalle hakijalle." in changed[0]
    staff = staff_ui.goto(f"/calls/{application.call_id}/decisions/")
    click_and_check(staff_ui, staff, "button", "Publish the confirmed decisions")

    # Two instalments; the date box is filled in, and the last one marks the grant paid.
    staff = staff_ui.goto(f"/applications/{application.pk}/")
    expect(staff.get_by_label("Paid on")).to_have_value(timezone.localdate().isoformat())
    staff.get_by_label("Amount (EUR)").fill("6 000")
    click_and_check(staff_ui, staff, "button", "Record the payment")
    staff.get_by_label("Amount (EUR)").fill("4 000,00")
    click_and_check(staff_ui, staff, "button", "Record the payment")
    expect(staff.get_by_text("The grant is now paid in full")).to_be_visible()
    expect(staff.locator(".status-line")).to_contain_text("Paid")

    # The volunteer reports using more than was paid, and is told; the coordinator accepts.
    ngo = ngo_ui.goto(f"/applications/{application.pk}/")
    click_and_check(ngo_ui, ngo, "link", "Write the report on the use of funds")
    expect(ngo.get_by_text("Paid").first).to_be_visible()
    ngo.get_by_label("Amount used (EUR)").fill("10 450")
    ngo.get_by_label("What was done").fill("Kävelyryhmiä kokoontui 40 kertaa.")
    ngo.get_by_label("Results").fill("Osallistujia 85.")
    click_and_check(ngo_ui, ngo, "button", "Save the report")
    expect(ngo.get_by_text("You report 450.00 € more used than was paid")).to_be_visible()
    click_and_check(ngo_ui, ngo, "button", "Submit the report on the use of funds")
    staff = staff_ui.goto(f"/applications/{application.pk}/")
    expect(staff.get_by_text("450.00 € more was used than was paid")).to_be_visible()
    click_and_check(staff_ui, staff, "button", "Accept the report and close")
    expect(staff.locator(".status-line")).to_contain_text("Closed")

    application.refresh_from_db()
    assert application.status == Status.CLOSED
    assert Decision.objects.get(application=application).published_at is not None
    assert FundingRecord.objects.get(application=application).amount == 10000
