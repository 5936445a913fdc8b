"""An association registers with its Business ID: a number the register does not know is said at
the field, the right one fills in the form from PRH's register (recorded answers, tests/prh.py)
and shows what the register says, and registering goes on from there. In Finnish and Swedish,
checked with axe-core, and at 320 px without sideways scrolling."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from organisations.models import Membership, Organisation, RegisterExtract
from portal.models import Municipality
from tests import prh
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD, enable_totp
from tests.factories import AreaRoleFactory, OrganisationFactory, UserFactory, area

pytestmark = pytest.mark.browser

PHONE = {"width": 320, "height": 640}

TEXTS = {
    "fi": {
        "register": "Rekisteröi järjestö",
        "lookup": "Hae järjestö yhdistysrekisteristä",
        "business_id": "Y-tunnus",
        "fetch": "Hae tiedot rekisteristä",
        "unknown": "Yhdistysrekisterissä (PRH) ei ole järjestöä tällä Y-tunnuksella. Tarkista tunnus.",
        "in_register": "Yhdistysrekisterissä",
        "filled": "Alla olevat nimi, Y-tunnus ja kotikunta täytettiin rekisteristä.",
        "address": "Eerikinkatu 4 A, 20100 Turku",
        "office": "Turku",
        "status": "Voimassa",
        "registered": "14.5.1992",
        "submit": "Rekisteröi",
    },
    "sv": {
        "register": "Registrera en organisation",
        "lookup": "Sök organisationen i föreningsregistret",
        "business_id": "FO-nummer",
        "fetch": "Hämta uppgifterna från registret",
        "unknown": "Föreningsregistret (PRH) har ingen organisation med detta FO-nummer. Kontrollera numret.",
        "in_register": "I föreningsregistret",
        "filled": "Namnet, FO-numret och hemkommunen nedan fylldes i från registret.",
        "address": "Eerikinkatu 4 A, 20100 Åbo",
        "office": "Åbo",
        "status": "I kraft",
        "registered": "1992-05-14",
        "submit": "Registrera",
    },
}


def assert_no_sideways_scroll(page: Page) -> None:
    if page.viewport_size["width"] > PHONE["width"]:
        return
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


@pytest.mark.parametrize(
    ("language", "viewport"), [("fi", None), ("fi", PHONE), ("sv", PHONE)], ids=["fi", "fi-phone", "sv-phone"]
)
def test_an_association_registers_with_its_business_id_and_sees_the_register_prefill(new_ui, language, viewport):
    texts = TEXTS[language]
    person = UserFactory(full_name="Aino Järvinen", preferred_language=language)
    ui = new_ui(**({"viewport": viewport} if viewport else {}))
    page = log_in(ui, person.email, PASSWORD)
    page = ui.goto("/organisations/register/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_text(texts["register"])
    assert_no_sideways_scroll(page)

    lookup = page.get_by_role("form", name=texts["lookup"])
    lookup.get_by_label(texts["business_id"]).fill(prh.UNKNOWN)
    lookup.get_by_role("button", name=texts["fetch"]).click()
    expect(page.locator("#id_lookup-business_id_error")).to_have_text(texts["unknown"])
    expect(page.get_by_role("alert")).to_contain_text(texts["unknown"])
    ui.check()
    assert_no_sideways_scroll(page)

    lookup = page.get_by_role("form", name=texts["lookup"])
    lookup.get_by_label(texts["business_id"]).fill(prh.ACTIVE)
    lookup.get_by_role("button", name=texts["fetch"]).click()
    record = page.get_by_role("region", name=texts["in_register"])
    expect(record).to_contain_text(texts["filled"])
    expect(record).to_contain_text("Turun Seudun Omaishoitajat ry")
    expect(record).to_contain_text(texts["address"])
    expect(record).to_contain_text(texts["office"])
    expect(record).to_contain_text(texts["status"])
    expect(record).to_contain_text(texts["registered"])
    expect(page.locator("#id_name_fi")).to_have_value("Turun Seudun Omaishoitajat ry")
    expect(page.locator("#id_business_id")).to_have_value(prh.ACTIVE)
    turku = Municipality.objects.get(code="853")
    expect(page.locator("#id_home_municipality")).to_have_value(str(turku.pk))
    ui.check()
    assert_no_sideways_scroll(page)

    page.get_by_role("button", name=texts["submit"], exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Turun Seudun Omaishoitajat ry")
    ui.check()
    assert_no_sideways_scroll(page)
    organisation = Organisation.objects.get(business_id=prh.ACTIVE)
    assert organisation.home_municipality == turku
    assert Membership.objects.get(organisation=organisation).user == person
    assert RegisterExtract.objects.get(organisation=organisation).found  # kept for the coordinator


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_the_coordinator_checks_an_organisation_in_the_register_and_marks_the_finding_handled(new_ui, viewport):
    organisation = OrganisationFactory(
        name_fi="Salon Mielenterveysseura ry",
        business_id=prh.RENAMED,
        home_municipality=Municipality.objects.get(code="853"),
    )
    coordinator = AreaRoleFactory.coordinator(area=area("05"), user__preferred_language="en").user
    ui = new_ui(**({"viewport": viewport} if viewport else {}))
    page = log_in(ui, coordinator.email, PASSWORD, totp_secret=enable_totp(coordinator))
    page = ui.goto(f"/organisations/{organisation.pk}/")
    expect(page.get_by_text("The organisation has not been checked in the register yet.")).to_be_visible()
    page.get_by_role("button", name="Check in the register now").click()
    expect(page.get_by_role("status")).to_contain_text("The details in the register were checked.")
    table = page.get_by_role("table", name="Differences between the portal and the register")
    expect(table.get_by_role("row", name="Name")).to_contain_text("Salon Seudun Mielenterveysyhdistys Salmi ry")
    expect(table.get_by_role("row", name="Home municipality")).to_contain_text("Salo")
    expect(page.get_by_text("The register gives the name Salon Seudun Mielenterveysyhdistys Salmi ry")).to_be_visible()
    ui.check()
    assert_no_sideways_scroll(page)

    page.get_by_role("button", name="Mark as handled").click()
    expect(page.get_by_role("status")).to_contain_text("The finding is marked as handled.")
    expect(page.get_by_text("The register gives the name")).to_have_count(0)
    ui.check()
    assert_no_sideways_scroll(page)
