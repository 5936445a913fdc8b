"""WCAG 2.1 1.4.10 Reflow: at 320 CSS pixels no page of the portal scrolls sideways.

Every page of the access matrix is opened at 320 px as the person it is for (staff with their
second factor), in Finnish and in Swedish (the languages with the longest words), and checked with
axe-core like every page the browser tests load.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.browser.conftest import AccessiblePage
from tests.conftest import World
from tests.factories import OrganisationFactory
from tests.test_access_matrix import ACCOUNT_STEP, MATRIX, OK

pytestmark = pytest.mark.browser

PHONE = {"width": 320, "height": 640}
# Files and fragments, not pages: the budget's totals are part of the application form's page.
NOT_PAGES = {
    "grants:budget_totals",
    "healthz",
    "portal:my_data",
    "grants:open_data_json",
    "grants:open_data_csv",
    "organisations:download_document",
    "grants:download_attachment",
    "funding:report_download",
    "grants:submitted_pdf",
    "grants:decision_document",
    "grants:decision_list",
    "grants:review_request_attachment",
    "saml_metadata",  # XML for Suomi.fi
}
PAGES = sorted(
    key
    for key, entry in MATRIX.items()
    if entry.method == "get" and entry.rightful[1] in (OK, ACCOUNT_STEP) and key not in NOT_PAGES
)


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_no_page_scrolls_sideways_at_320_px(
    reference_data: None, world: World, new_ui: Callable[..., AccessiblePage], live_server, language: str, suomifi
) -> None:
    # Suomi.fi switched on (tests/suomifi/), so that its pages are there and the others offer it.
    browsers: dict[str, AccessiblePage] = {}

    def browser_of(persona: str) -> AccessiblePage:
        if persona not in browsers:
            ui = browsers[persona] = new_ui(locale=f"{language}-FI", viewport=PHONE)
            cookies = [{"name": "django_language", "value": language, "url": live_server.url}]
            if persona != "anonymous":
                client = Client()
                client.force_login(getattr(world, persona))
                session = client.cookies["sessionid"].value
                cookies.append({"name": "sessionid", "value": session, "url": live_server.url})
            ui.page.context.add_cookies(cookies)
        return browsers[persona]

    problems = []
    for key in PAGES:
        entry = MATRIX[key]
        ui = browser_of(entry.rightful[0])
        ui.page.goto(entry.path(world))
        try:
            ui.check()
        except AssertionError as error:
            problems.append(f"{key}: {error}")
        width = ui.page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            problems.append(f"{key}: {ui.page.url} is {width} px wide")
    assert problems == [], "\n".join(problems)


def test_on_a_phone_the_directory_shows_its_results_before_the_filters(new_ui):
    OrganisationFactory.in_area("05", name_fi="Salon Seniorit ry")
    phone = new_ui(viewport=PHONE)
    page = phone.goto("/organisations/?area=05")
    result = page.get_by_role("link", name="Salon Seniorit ry")
    expect(result).to_be_in_viewport()
    expect(page.get_by_label("Search")).to_be_hidden()
    expect(page.locator("summary", has_text="Filters")).to_contain_text("(1 in use)")
    page.locator("summary", has_text="Filters").click()
    expect(page.get_by_label("Search")).to_be_visible()

    desktop = new_ui()
    page = desktop.goto("/organisations/")
    expect(page.get_by_label("Search")).to_be_visible()


@pytest.mark.parametrize("width", [320, 1280])
def test_the_navigation_lines_up_with_the_header(new_ui, width):
    page = new_ui(viewport={"width": width, "height": 640}).goto("/")
    brand = page.get_by_role("link", name="Järjestöportaali", exact=True).bounding_box()
    first = page.get_by_role("navigation", name="Main").get_by_role("link").first.bounding_box()
    assert first["x"] == pytest.approx(brand["x"], abs=1)
