"""An organisation's profile as its members and administrators keep it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.models import Municipality
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


def municipality(page, name: str):
    return page.get_by_role("checkbox", name=name, exact=True)


def test_an_administrator_chooses_municipalities_by_area_on_a_phone(new_ui):
    organisation = OrganisationFactory.in_area("05", name_fi="Salon Seniorit ry")
    admin = MembershipFactory.admin(organisation=organisation, user__preferred_language="en").user
    pirkanmaa = "Wellbeing services county of Pirkanmaa"
    pirkanmaa_size = Municipality.objects.filter(area__name_en=pirkanmaa).count()
    ui = new_ui(viewport={"width": 320, "height": 640})
    log_in(ui, admin.email, PASSWORD)
    page = ui.goto(f"/organisations/{organisation.pk}/edit/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    # The search narrows the list to the municipalities with that name and opens their areas.
    page.get_by_label("Find a municipality").fill("kaari")
    expect(municipality(page, "Kaarina")).to_be_visible()
    expect(municipality(page, "Tampere")).to_be_hidden()
    municipality(page, "Kaarina").check()
    page.get_by_label("Find a municipality").fill("")

    # With the keyboard: open an area, choose all of it, then leave one out.
    page.locator("summary", has_text=pirkanmaa).focus()
    page.keyboard.press("Enter")
    area = page.get_by_role("group", name=pirkanmaa)
    whole = area.get_by_label(f"The whole area (all {pirkanmaa_size} municipalities)")
    whole.focus()
    page.keyboard.press("Space")
    expect(municipality(page, "Tampere")).to_be_checked()
    expect(page.locator("summary", has_text=pirkanmaa)).to_contain_text(f"{pirkanmaa_size} of {pirkanmaa_size} chosen")
    municipality(page, "Tampere").uncheck()
    expect(whole).not_to_be_checked()
    expect(page.locator("summary", has_text=pirkanmaa)).to_contain_text(
        f"{pirkanmaa_size - 1} of {pirkanmaa_size} chosen"
    )
    ui.check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The changes were saved.")).to_be_visible()
    ui.check()
    chosen = set(organisation.municipalities.values_list("name_fi", flat=True))
    assert "Kaarina" in chosen and "Nokia" in chosen and "Tampere" not in chosen
    assert len(chosen) == pirkanmaa_size


def test_without_javascript_a_whole_area_is_chosen_with_its_own_box(reference_data, browser, live_server):
    """axe-core needs JavaScript: the same page is checked with it in the test above."""
    organisation = OrganisationFactory.in_area("05", name_fi="Salon Seniorit ry")
    admin = MembershipFactory.admin(organisation=organisation, user__preferred_language="en").user
    context = browser.new_context(base_url=live_server.url, locale="en-GB", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/accounts/login/")
        page.get_by_label("Email").fill(admin.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_url("**/workspace/")
        page.goto(f"/organisations/{organisation.pk}/edit/")
        expect(page.get_by_label("Find a municipality")).to_be_hidden()  # the search needs the script
        page.locator("summary", has_text="Wellbeing services county of Southwest Finland").click()
        page.get_by_label("The whole area (all 27 municipalities)").check()
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text("The changes were saved.")).to_be_visible()
    finally:
        context.close()
    assert organisation.municipalities.count() == 27
