from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import AreaRoleFactory, area

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
