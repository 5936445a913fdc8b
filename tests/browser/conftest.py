"""Browser tests: Playwright drives Debian's headless Chromium; axe-core checks every page visited."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import axe_playwright_python
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Response, sync_playwright

# Playwright's sync API runs an event loop in this thread; the test body still talks to the database.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(os.environ["PORTAL_SCREENSHOTS"]) if os.environ.get("PORTAL_SCREENSHOTS") else None
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
# Records every Content-Security-Policy violation of the page, from its first byte on.
CSP_LISTENER = """window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || 'inline code'}`
                              + ` at ${event.sourceFile || event.documentURI}:${event.lineNumber}`);
});"""
AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                      nodes: v.nodes.map(n => n.target.join(' '))}));
}"""


class AccessiblePage:
    """A Playwright page that runs axe-core on every page it loads and holds it to the portal's
    Content-Security-Policy: the policy must be sent, and nothing on the page may violate it.

    Tests call ``goto`` to open a page and ``check`` after an action that loads a new one;
    at the end the fixture fails the test if any page was loaded but never checked.
    """

    def __init__(self, page: Page) -> None:
        self.page = page
        self.loaded: list[str] = []
        self.checked: set[str] = set()
        self.policies: dict[str, str] = {}
        page.add_init_script(CSP_LISTENER)
        page.on("load", lambda loaded_page: self.loaded.append(loaded_page.url))
        page.on("response", self._remember_policy)

    def _remember_policy(self, response: Response) -> None:
        if response.request.resource_type == "document" and response.frame == self.page.main_frame:
            self.policies[response.url] = response.headers.get("content-security-policy", "")

    def goto(self, path: str) -> Page:
        self.page.goto(path)
        self.check()
        return self.page

    def check(self) -> None:
        self.page.wait_for_load_state("load")
        if SCREENSHOTS:  # PORTAL_SCREENSHOTS=folder keeps a picture of every page checked, to look at
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            number = len(list(SCREENSHOTS.iterdir()))
            self.page.screenshot(path=SCREENSHOTS / f"{number:03d}.png", full_page=True)
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            self.page.evaluate(AXE_SOURCE)
        violations = self.page.evaluate(AXE_RUN, AXE_TAGS)
        self.checked.add(self.page.url)
        policy = self.policies.get(self.page.url.partition("#")[0], "")  # a fragment is not sent to the server
        assert "script-src 'self'" in policy, f"{self.page.url} was served without the script policy: {policy!r}"
        assert "unsafe-inline" not in policy
        csp_violations = self.page.evaluate("window.__cspViolations || []")
        assert csp_violations == [], f"{self.page.url} breaks the Content-Security-Policy: {csp_violations}"
        assert violations == [], f"axe found violations on {self.page.url}:\n" + "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']} at {', '.join(v['nodes'])}" for v in violations
        )

    def unchecked_pages(self) -> list[str]:
        return [url for url in self.loaded if url not in self.checked]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def new_ui(reference_data: None, browser: Browser, live_server) -> Iterator[Callable[..., AccessiblePage]]:
    """Opens pages in fresh browser contexts (one per person); every page they load must pass axe."""
    opened: list[tuple[BrowserContext, AccessiblePage]] = []

    def open_page(locale: str = "en-GB", **options: object) -> AccessiblePage:
        """A new browser; ``locale`` is the language it asks pages in, ``options`` go to Playwright
        (``viewport={"width": 320, "height": 640}`` for a phone)."""
        context = browser.new_context(base_url=live_server.url, locale=locale, **options)
        context.set_default_timeout(15_000)
        page = AccessiblePage(context.new_page())
        opened.append((context, page))
        return page

    yield open_page
    for context, _page in opened:
        context.close()
    assert [url for _context, page in opened for url in page.unchecked_pages()] == [], (
        "pages loaded without an axe check"
    )


@pytest.fixture
def ui(new_ui: Callable[..., AccessiblePage]) -> AccessiblePage:
    return new_ui()


def log_in(ui: AccessiblePage, email: str, password: str, totp_secret: str | None = None) -> Page:
    from tests.conftest import totp_code

    page = ui.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    if totp_secret:
        page.wait_for_url("**/accounts/2fa/authenticate/")
        ui.check()
        page.get_by_label("Code").fill(totp_code(totp_secret))
        page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/workspace/")
    ui.check()
    return page
