"""An organisation's profile as its members and administrators keep it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.browser


def test_a_member_sees_the_bank_account_and_edits_the_description_of_activity(ui):
    organisation = OrganisationFactory.in_area("05", name_fi="Salon Seniorit ry", iban="FI2112345600000785")
    MembershipFactory.admin(organisation=organisation, user__full_name="Anna Pääkäyttäjä")
    member = MembershipFactory(organisation=organisation, user__preferred_language="en").user
    page = log_in(ui, member.email, PASSWORD)
    page = ui.goto(f"/organisations/{organisation.pk}/")
    expect(page.get_by_text("FI21 1234 5600 0007 85")).to_be_visible()
    expect(page.get_by_role("link", name="Edit details")).to_have_count(0)
    page.get_by_role("link", name="Edit the description of activity").click()
    ui.check()
    expect(page.get_by_text("changed by its administrators: Anna Pääkäyttäjä.")).to_be_visible()
    expect(page.get_by_label("IBAN")).to_have_count(0)
    expect(page.get_by_label("Name in Finnish")).to_have_count(0)
    page.get_by_label("Description in Finnish").fill("Kävelyryhmiä ikääntyneille Salossa.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The changes were saved.")).to_be_visible()
    expect(page.get_by_text("Kävelyryhmiä ikääntyneille Salossa.")).to_be_visible()
    ui.check()
    organisation.refresh_from_db()
    assert organisation.iban == "FI2112345600000785"
