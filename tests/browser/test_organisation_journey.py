from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from organisations.models import Membership, Organisation
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, enable_totp
from tests.factories import PDF_BYTES, AreaRoleFactory, UserFactory, area

pytestmark = pytest.mark.browser

VALID_BUSINESS_ID = "1234567-1"


def fill_registration(page, business_id: str, iban: str) -> None:
    page.get_by_label("Name in Finnish").fill("Kaarinan Kävelykaverit ry")
    page.locator("#id_business_id").fill(business_id)  # the look-up form above has one too
    page.get_by_label("Kind").select_option(label="Local association")
    page.get_by_label("Home municipality").select_option(label="Kaarina")
    page.locator("summary", has_text="Wellbeing services county of Southwest Finland").click()
    page.get_by_role("group", name="Wellbeing services county of Southwest Finland").get_by_label(
        "The whole area (all 27 municipalities)"
    ).check()
    page.get_by_role("group", name="Themes").get_by_label("Older people").check()
    page.get_by_role("group", name="Languages served").get_by_label("Finnish").check()
    page.get_by_label("IBAN").fill(iban)
    page.get_by_role("button", name="Register", exact=True).click()


def test_ngo_admin_registers_invites_a_colleague_and_a_coordinator_verifies(new_ui):
    admin = UserFactory(full_name="Aino Järvinen", preferred_language="en")
    ui = new_ui()
    page = log_in(ui, admin.email, PASSWORD)
    page.get_by_role("link", name="Register an organisation").click()
    ui.check()

    # Wrong numbers are explained next to their fields, and nothing is saved.
    fill_registration(page, business_id="1234567-2", iban="FI21 1234 5600 0007 86")
    expect(page.get_by_role("alert")).to_contain_text("This is not a valid Business ID")
    expect(page.locator("#id_business_id_error")).to_contain_text("not a valid Business ID")
    expect(page.locator("#id_iban_error")).to_contain_text("not a valid IBAN")
    ui.check()
    assert not Organisation.objects.exists()

    page.locator("#id_business_id").fill(VALID_BUSINESS_ID)
    page.get_by_label("IBAN").fill("FI21 1234 5600 0007 85")
    page.get_by_role("button", name="Register", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kaarinan Kävelykaverit ry")
    ui.check()
    organisation = Organisation.objects.get(business_id=VALID_BUSINESS_ID)

    # Documents: upload the rules.
    page.get_by_role("link", name="Documents").click()
    ui.check()
    page.get_by_label("Document", exact=True).select_option(label="Rules of the association")
    page.get_by_label("Year").fill("2024")
    page.get_by_label("File").set_input_files(
        files=[{"name": "saannot.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("link", name="saannot.pdf")).to_be_visible()
    ui.check()

    # Invite a colleague.
    page.get_by_role("link", name="Back to the organisation").click()
    ui.check()
    page.get_by_role("link", name="Members").click()
    ui.check()
    page.get_by_label("Email address").fill("mikko@example.org")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("An invitation was sent to mikko@example.org")).to_be_visible()
    ui.check()
    invitation_path = re.search(r"https?://[^/\s]+(/invitations/[^\s]+/)", mail.outbox[-1].body).group(1)

    colleague = UserFactory(email="mikko@example.org", full_name="Mikko Lahtinen", preferred_language="en")
    colleague_ui = new_ui()
    log_in(colleague_ui, colleague.email, PASSWORD)
    colleague_page = colleague_ui.goto(invitation_path)
    colleague_page.get_by_role("button", name="Accept the invitation").click()
    expect(colleague_page.get_by_role("heading", level=1)).to_have_text("Kaarinan Kävelykaverit ry")
    colleague_ui.check()
    assert Membership.objects.filter(user=colleague, organisation=organisation).exists()

    # Someone else registering the same Business ID is offered to ask to join instead.
    stranger_ui = new_ui()
    stranger_page = log_in(stranger_ui, UserFactory(preferred_language="en").email, PASSWORD)
    stranger_page = stranger_ui.goto("/organisations/register/")
    fill_registration(stranger_page, business_id=VALID_BUSINESS_ID, iban="")
    expect(stranger_page.get_by_role("heading", level=1)).to_have_text("Join Kaarinan Kävelykaverit ry")
    stranger_ui.check()
    stranger_page.get_by_role("button", name="Send request").click()
    expect(stranger_page.get_by_text("Your request was sent")).to_be_visible()
    stranger_ui.check()
    assert Organisation.objects.count() == 1

    # The area's coordinator verifies the organisation.
    coordinator = AreaRoleFactory.coordinator(
        area=area("05"), user__full_name="Sanna Virtanen", user__preferred_language="en"
    ).user
    secret = enable_totp(coordinator)
    coordinator_ui = new_ui()
    coordinator_page = log_in(coordinator_ui, coordinator.email, PASSWORD, totp_secret=secret)
    coordinator_page.get_by_role("link", name=re.compile("Area work")).click()
    coordinator_ui.check()
    coordinator_page.get_by_role("link", name="Organisations operating in the area").click()
    coordinator_ui.check()
    coordinator_page.get_by_role("link", name="Kaarinan Kävelykaverit ry").click()
    coordinator_ui.check()
    coordinator_page.get_by_role("button", name="Mark as verified").click()
    expect(coordinator_page.get_by_text("Verified by Sanna Virtanen")).to_be_visible()
    coordinator_ui.check()
    organisation.refresh_from_db()
    assert organisation.verified_by == coordinator


def test_the_public_directory_filters_in_finnish(ui):
    from organisations import demo

    demo.seed(admin=UserFactory(), member=UserFactory(), coordinator=UserFactory())
    page = ui.goto("/organisations/")
    page.get_by_label("Wellbeing area").select_option(label="Wellbeing services county of Southwest Finland")
    page.get_by_label("Theme").select_option(label="Memory disorders")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("link", name="Naantalin Muistiyhdistys ry")).to_be_visible()
    expect(page.get_by_text("1 organisation found")).to_be_visible()
    ui.check()
    page.get_by_role("link", name="Naantalin Muistiyhdistys ry").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Naantalin Muistiyhdistys ry")
    ui.check()
    page.get_by_role("button", name="Suomi").click()
    expect(page.get_by_role("heading", name="Teemat")).to_be_visible()
    ui.check()
