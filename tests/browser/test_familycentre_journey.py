from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from familycentre.models import CooperationAgreement
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, enable_totp
from tests.factories import AreaRoleFactory, FamilyCentreFactory, MembershipFactory, OrganisationFactory, area

pytestmark = pytest.mark.browser


def click_and_check(ui, page, role: str, name: str | re.Pattern) -> None:
    page.get_by_role(role, name=name).first.click()
    ui.check()


def test_centre_network_agreement_signed_by_both_and_an_activity_for_families(new_ui):
    organisation = OrganisationFactory.in_area("05", name_fi="Turun Perheyhdistys ry", business_id="1234567-1")
    ngo_admin = MembershipFactory.admin(organisation=organisation, user__preferred_language="en").user
    coordinator = AreaRoleFactory.coordinator(area=area("05"), user__preferred_language="en").user
    secret = enable_totp(coordinator)
    FamilyCentreFactory.with_ngo(organisation, name_fi="Turun perhekeskus", name_sv="Åbo familjecentral")

    staff_ui = new_ui()
    staff = log_in(staff_ui, coordinator.email, PASSWORD, totp_secret=secret)
    click_and_check(staff_ui, staff, "link", re.compile("Area work"))
    click_and_check(staff_ui, staff, "link", "Family centres and agreements")
    click_and_check(staff_ui, staff, "link", "New family centre")
    staff.get_by_label("Name in Finnish").fill("Kaarinan perhekeskus")
    staff.get_by_label("Name in Swedish").fill("S:t Karins familjecentral")
    staff.get_by_label("Kind").select_option("physical")
    staff.get_by_label("Municipalities served").select_option(label="Kaarina")
    staff.get_by_label("Address").fill("Kauppakatu 1, Kaarina")
    staff.get_by_label("Meeting places in Finnish").fill("Perhekahvila\nLeikkipuisto")
    staff.get_by_label("Meeting places in Swedish").fill("Familjecafé\nLekpark")
    click_and_check(staff_ui, staff, "button", "Save")

    staff.get_by_label("Member type").select_option("ngo")
    staff.locator("#id_organisation").select_option(label="Turun Perheyhdistys ry")
    staff.get_by_label("Representative", exact=True).fill("Aino Järvinen")
    click_and_check(staff_ui, staff, "button", "Add to the network")
    expect(staff.get_by_role("rowheader", name="Turun Perheyhdistys ry")).to_be_visible()

    click_and_check(staff_ui, staff, "link", "New cooperation agreement")
    staff.locator("#id_organisation").select_option(label="Turun Perheyhdistys ry")
    staff.get_by_label("Scope of cooperation").fill("Perhekahvila ja vertaisryhmät.")
    staff.get_by_label("Responsibilities").fill("Järjestö ohjaa ryhmät, alue tarjoaa tilat.")
    staff.get_by_label("Contact person of the area").fill("Sanna Virtanen")
    staff.get_by_label("Contact person of the organisation").fill("Aino Järvinen")
    staff.get_by_label("Data protection contact of the area").fill("tietosuoja@example.org")
    staff.get_by_label("Data protection contact of the organisation").fill("tietosuoja@perhe.example.org")
    staff.get_by_label("Valid from").fill("2027-01-01")
    staff.get_by_label("Valid to").fill("2028-12-31")
    click_and_check(staff_ui, staff, "button", "Save the draft")
    click_and_check(staff_ui, staff, "button", "Send for signature")
    expect(staff.locator(".status-line")).to_contain_text("Sent for signature")
    agreement = CooperationAgreement.objects.get()

    ngo_ui = new_ui()
    ngo = log_in(ngo_ui, ngo_admin.email, PASSWORD)
    ngo = ngo_ui.goto(f"/organisations/{organisation.pk}/")
    click_and_check(ngo_ui, ngo, "link", "Cooperation agreements")
    click_and_check(ngo_ui, ngo, "link", "Turun Perheyhdistys ry")
    click_and_check(ngo_ui, ngo, "button", "Sign for the organisation")
    expect(ngo.locator(".status-line")).to_contain_text("Signed by the organisation")

    staff = staff_ui.goto(f"/agreements/{agreement.pk}/")
    click_and_check(staff_ui, staff, "button", "Countersign")
    expect(staff.locator(".status-line")).to_contain_text("Active")

    for page in (staff, ngo_ui.goto(f"/agreements/{agreement.pk}/")):
        with page.expect_download() as download:
            page.get_by_role("link", name="Download the agreement (PDF)").click()
        assert download.value.suggested_filename.endswith(".pdf")
        with open(download.value.path(), "rb") as pdf:
            assert pdf.read(5) == b"%PDF-"

    # The NGO offers its café through both of its centres, in Finnish and in Swedish.
    ngo = ngo_ui.goto(f"/organisations/{organisation.pk}/activities/")
    ngo.get_by_label("Kaarinan perhekeskus").check()
    ngo.get_by_label("Turun perhekeskus").check()
    ngo.get_by_label("Name in Finnish").fill("Vauvakahvila")
    ngo.get_by_label("Description in Finnish").fill("Avoin kahvila vauvaperheille.")
    ngo.get_by_label("Time and place in Finnish").fill("Tiistaisin 10–12, perhekeskuksessa")
    ngo.get_by_label("Swedish", exact=True).check()
    ngo.get_by_role("button", name="Add the activity").click()
    # Offered in Swedish, so it is described in Swedish too.
    expect(ngo.get_by_role("alert")).to_contain_text("Write this in Swedish too")
    ngo_ui.check()
    ngo.get_by_label("Name in Swedish").fill("Babycafé")
    ngo.get_by_label("Description in Swedish").fill("Ett öppet café för babyfamiljer.")
    ngo.get_by_label("Time and place in Swedish").fill("Tisdagar 10–12, på familjecentralen")
    ngo.get_by_label("Target group").select_option("babies")
    ngo.get_by_label("Contact", exact=True).fill("info@perhe.example.org")
    click_and_check(ngo_ui, ngo, "button", "Add the activity")
    expect(ngo.get_by_role("row", name=re.compile("Vauvakahvila"))).to_contain_text("Kaarinan perhekeskus")

    public_ui = new_ui()
    public = public_ui.goto("/areas/05/")
    click_and_check(public_ui, public, "link", "Family centres and activities for families")
    # One activity, listed once for the area, with both its centres.
    expect(public.get_by_role("heading", name="Vauvakahvila")).to_have_count(1)
    expect(public.locator(".result-list li").filter(has_text="Vauvakahvila")).to_contain_text("Turun perhekeskus")
    click_and_check(public_ui, public, "link", "Kaarinan perhekeskus")
    public.get_by_label("Target group").select_option("babies")
    click_and_check(public_ui, public, "button", "Filter")
    expect(public.get_by_role("heading", name="Vauvakahvila")).to_be_visible()

    # A Swedish-speaking family on a phone reads the centre and the activity in Swedish.
    public.set_viewport_size({"width": 320, "height": 800})
    public.get_by_role("button", name="Svenska").click()
    expect(public.get_by_role("heading", level=1)).to_have_text("S:t Karins familjecentral")
    expect(public.get_by_role("heading", name="Babycafé")).to_be_visible()
    expect(public.get_by_text("Ett öppet café för babyfamiljer.")).to_be_visible()
    expect(public.get_by_text("Lekpark")).to_be_visible()
    public_ui.check()
    assert public.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
