"""A person attaches a file to their draft while the file store is full, on a phone, in Swedish:
what they typed is kept, they are told in Swedish what happened and what to do, and nothing of
the failed file is left."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, log_in
from tests.conftest import PASSWORD
from tests.factories import PDF_BYTES, ApplicationFactory, MembershipFactory
from tests.test_storage_failures import disk_full_after, files_in

pytestmark = pytest.mark.browser


def test_attaching_on_a_full_disk_keeps_the_text_and_says_so_in_swedish(
    new_ui, live_server, settings, tmp_path: Path, monkeypatch
):
    settings.MEDIA_ROOT = str(tmp_path)
    application = ApplicationFactory(complete=False)
    member = MembershipFactory.admin(organisation=application.organisation, user__preferred_language="sv").user
    ui = new_ui(viewport={"width": 320, "height": 640})
    log_in(ui, member.email, PASSWORD)
    ui.page.context.add_cookies([{"name": "django_language", "value": "sv", "url": live_server.url}])
    page = ui.goto(f"/applications/{application.pk}/edit/")
    page.get_by_label("Sammanfattning").fill("Kamratstöd för familjer i Vasa, varje vecka.")
    page.get_by_label("Bilaga").select_option("budget")
    page.get_by_label("Fil", exact=True).set_input_files(
        files=[{"name": "budget.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    disk_full_after(0, monkeypatch)  # the live server runs in this process: its next file fails
    page.get_by_role("button", name="Spara och lägg till bilagan").click()
    ui.check()
    expect(page.get_by_text("Utkastet sparades, men inte bilagan: fillagret är inte tillgängligt.")).to_be_visible()
    expect(page.get_by_label("Sammanfattning")).to_have_value("Kamratstöd för familjer i Vasa, varje vecka.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    if SCREENSHOTS:
        page.screenshot(path=str(SCREENSHOTS / "attach-on-full-disk-sv-320.png"), full_page=False)
    assert not application.attachments.exists()
    assert files_in(tmp_path) == []
