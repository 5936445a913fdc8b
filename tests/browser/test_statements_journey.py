"""A family finds what is offered in its municipality from the front page, and anyone reads the
accessibility statement and the privacy notice from the footer and sends accessibility feedback:
in Finnish and Swedish, checked with axe-core, and at 320 px without sideways scrolling."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from portal.models import AccessibilityFeedback, Municipality
from tests.factories import FamilyCentreActivityFactory, FamilyCentreFactory, GrantCallFactory, OrganisationFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 320, "height": 640}


def assert_no_sideways_scroll(page: Page) -> None:
    if page.viewport_size["width"] > PHONE["width"]:
        return
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_family_types_its_municipality_in_swedish_and_finds_activities_and_organisations(new_ui, viewport):
    espoo = Municipality.objects.get(code="049")
    centre = FamilyCentreFactory(area=espoo.area, name_fi="Leppävaaran perhekeskus", name_sv="Alberga familjecentral")
    centre.municipalities.set([espoo])
    FamilyCentreActivityFactory(name_fi="Vauvakahvila", name_sv="Babycafé", centres=[centre])
    OrganisationFactory(name_fi="Esbo Familjer rf", home_municipality=espoo)
    GrantCallFactory(title_fi="Perheiden avustukset", title_sv="Understöd för familjer", area=espoo.area)
    ui = new_ui(locale="sv-FI", **({"viewport": viewport} if viewport else {}))
    page = ui.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("link", name="Understöd för familjer")).to_be_visible()
    ui.check()
    assert_no_sideways_scroll(page)

    page.get_by_label("Din hemkommun").fill("Atlantis")
    page.get_by_role("button", name="Visa verksamhet och organisationer").click()
    expect(page.locator("#id_municipality_error")).to_contain_text("Det finns ingen kommun som heter ”Atlantis”")
    expect(page.get_by_label("Din hemkommun")).to_have_value("Atlantis")
    ui.check()
    assert_no_sideways_scroll(page)

    page.get_by_label("Din hemkommun").fill("esbo")
    page.get_by_role("button", name="Visa verksamhet och organisationer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Familjer i Esbo")
    expect(page.get_by_role("heading", name="Babycafé")).to_be_visible()
    expect(page.get_by_role("link", name="Esbo Familjer rf")).to_be_visible()
    expect(page.get_by_role("link", name="Understöd för familjer")).to_be_visible()
    ui.check()
    assert_no_sideways_scroll(page)

    page.get_by_role("link", name="Avgränsa verksamheten efter målgrupp och språk").click()
    expect(page.get_by_label("Kommun")).to_have_value("049")
    expect(page.get_by_role("heading", name="Babycafé")).to_be_visible()
    ui.check()


@pytest.mark.parametrize(("locale", "viewport"), [("fi-FI", None), ("sv-FI", PHONE)], ids=["fi", "sv-phone"])
def test_the_statements_are_reached_from_the_footer_and_feedback_is_confirmed(new_ui, locale, viewport):
    finnish = locale.startswith("fi")
    ui = new_ui(locale=locale, **({"viewport": viewport} if viewport else {}))
    page = ui.goto("/organisations/")
    ui.check()
    footer = page.locator("footer")
    privacy = "Tietosuojaseloste" if finnish else "Dataskyddsbeskrivning"
    footer.get_by_role("link", name=privacy).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(privacy)
    expect(page.get_by_text("Tietosuojavaltuutetun toimisto" if finnish else "Dataombudsmannens byrå")).to_be_visible()
    ui.check()
    assert_no_sideways_scroll(page)

    footer.get_by_role("link", name="Saavutettavuusseloste" if finnish else "Tillgänglighetsutlåtande").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Saavutettavuusseloste" if finnish else "Tillgänglighetsutlåtande"
    )
    expect(page.get_by_text("Saavutettavuusvalvonta" if finnish else "Tillgänglighetstillsynen")).to_be_visible()
    ui.check()
    assert_no_sideways_scroll(page)

    send = "Lähetä palaute" if finnish else "Skicka respons"
    page.get_by_role("button", name=send).click()
    expect(page.locator(".error-summary")).to_be_visible()
    ui.check()
    page.get_by_label("Sähköpostiosoitteesi" if finnish else "Din e-postadress").fill("maija@example.org")
    question = "Mitä oli vaikea käyttää" if finnish else "Vad var svårt att använda"
    page.get_by_label(question).fill("Kuvat ilman tekstiä.")
    page.get_by_role("button", name=send).click()
    expect(page.get_by_role("status")).to_contain_text("Kiitos." if finnish else "Tack.")
    ui.check()
    assert_no_sideways_scroll(page)
    assert AccessibilityFeedback.objects.get().message == "Kuvat ilman tekstiä."


def test_the_sign_up_page_links_to_the_privacy_notice(ui):
    page = ui.goto("/accounts/signup/")
    ui.check()
    page.get_by_role("main").get_by_role("link", name="privacy notice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy notice")
    ui.check()
