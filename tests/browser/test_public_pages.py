from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from grants.models import ScoringCriterion
from tests.factories import AreaRoleFactory, GrantCallFactory, area

pytestmark = pytest.mark.browser


def test_visitor_finds_an_area_and_its_coordinator_in_three_languages(ui):
    coordinator = AreaRoleFactory.coordinator(area=area("05"), user__full_name="Sanna Virtanen").user
    page = ui.goto("/")
    page.get_by_role("link", name="See all wellbeing areas").click()
    ui.check()
    page.get_by_role("link", name="Wellbeing services county of Southwest Finland").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wellbeing services county of Southwest Finland")
    expect(page.get_by_role("link", name=coordinator.email)).to_be_visible()
    expect(page.get_by_role("heading", name="27 municipalities")).to_be_visible()
    ui.check()

    page.get_by_role("button", name="Svenska").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Egentliga Finlands välfärdsområde")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    ui.check()

    page.get_by_role("link", name="Välfärdsområden", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Välfärdsområden")
    ui.check()

    page.get_by_role("button", name="Suomi").click()
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hyvinvointialueet")
    ui.check()


def test_skip_link_moves_focus_to_the_main_content(ui):
    page = ui.goto("/areas/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    skip.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_a_call_shows_finnish_dates_in_english_and_its_swedish_title_and_criteria_in_swedish(ui):
    """A visitor reads an open call in English, then switches to Swedish."""
    helsinki = ZoneInfo("Europe/Helsinki")
    call = GrantCallFactory(
        title_fi="Järjestöjen yleisavustukset 2027",
        title_sv="Allmänna understöd till organisationer 2027",
        opens_at=datetime.datetime(2026, 10, 1, 9, 0, tzinfo=helsinki),
        closes_at=datetime.datetime(2027, 1, 31, 16, 0, tzinfo=helsinki),
        published_at=datetime.datetime(2026, 9, 15, 9, 0, tzinfo=helsinki),
    )
    call.criteria.all().delete()
    ScoringCriterion.objects.create(call=call, name_fi="Toiminnan vaikuttavuus", name_sv="Verksamhetens effekt")
    page = ui.goto(f"/calls/{call.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Järjestöjen yleisavustukset 2027")  # no English title
    expect(page.get_by_text("1.10.2026 9.00 – 31.1.2027 16.00")).to_be_visible()
    assert "10/01/2026" not in page.content() and "a.m." not in page.content()

    page.get_by_role("button", name="Svenska").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Allmänna understöd till organisationer 2027")
    expect(page.get_by_text("Verksamhetens effekt")).to_be_visible()
    expect(page.get_by_text("2026-10-01 09:00 – 2027-01-31 16:00")).to_be_visible()  # Swedish dates are ISO
    ui.check()

    page.get_by_role("button", name="Suomi").click()
    expect(page.get_by_text("Toiminnan vaikuttavuus")).to_be_visible()
    expect(page.get_by_text("1.10.2026 9.00 – 31.1.2027 16.00")).to_be_visible()
    ui.check()
