"""The application form as people fill it in, in Swedish and in two windows at once."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from grants.models import Application
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.factories import ApplicationFactory, MembershipFactory

pytestmark = pytest.mark.browser


def test_a_missing_field_at_the_end_of_a_long_form_is_listed_at_the_top_in_swedish(new_ui, live_server):
    application = ApplicationFactory(complete=False, requested_amount=None)
    member = MembershipFactory(organisation=application.organisation, user__preferred_language="sv").user
    ui = new_ui()
    log_in(ui, member.email, PASSWORD)
    page = ui.page
    page.context.add_cookies([{"name": "django_language", "value": "sv", "url": live_server.url}])
    page = ui.goto(f"/applications/{application.pk}/edit/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Redigera ansökan")
    page.get_by_label("Sammanfattning").fill("Kamratstödsgrupper för äldre i Åboland.")
    page.get_by_label("Sökt belopp (EUR)").fill("2 500,50")
    # The last budget row is left without its category, far down the page.
    page.locator("#id_budget-1-kind").select_option("expense")
    page.locator("#id_budget-1-amount").fill("2 500,50")
    page.get_by_role("button", name="Spara utkastet").first.click()
    ui.check()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Budgetrad 2")
    summary.get_by_role("link", name="Kategori").click()
    expect(page.locator("#id_budget-1-category")).to_be_focused()
    expect(page.get_by_label("Sammanfattning")).to_have_value("Kamratstödsgrupper för äldre i Åboland.")
    expect(page.get_by_label("Sökt belopp (EUR)")).to_have_value("2 500,50")
    page.locator("#id_budget-1-category").select_option("activities")
    page.get_by_role("button", name="Spara utkastet").first.click()
    expect(page.get_by_text("Utkastet sparades.")).to_be_visible()
    ui.check()
    application.refresh_from_db()
    assert str(application.requested_amount) == "2500.50"
    assert application.summary == "Kamratstödsgrupper för äldre i Åboland."


def test_two_windows_on_one_draft_do_not_overwrite_each_other_and_keep_what_was_typed(new_ui):
    application = ApplicationFactory()
    member = MembershipFactory(organisation=application.organisation, user__preferred_language="en").user
    first, second = new_ui(), new_ui()
    for ui in (first, second):
        log_in(ui, member.email, PASSWORD)
        ui.goto(f"/applications/{application.pk}/edit/")
    first.page.get_by_label("Summary").fill("Ensimmäisen ikkunan teksti.")
    first.page.get_by_role("button", name="Save the draft").first.click()
    expect(first.page.get_by_text("The draft was saved.")).to_be_visible()
    first.check()

    second.page.get_by_label("Summary").fill("Toisen ikkunan teksti, jota ei saa hukata.")
    second.page.get_by_role("button", name="Save the draft").first.click()
    second.check()
    expect(second.page.get_by_role("alert")).to_contain_text("Someone else saved this application")
    expect(second.page.get_by_label("Summary")).to_have_value("Toisen ikkunan teksti, jota ei saa hukata.")
    assert Application.objects.get(pk=application.pk).summary == "Ensimmäisen ikkunan teksti."


def test_the_submitted_application_prints_without_the_portals_navigation_and_forms(ui):
    application = ApplicationFactory.submitted(title="Tulostettava hakemus")
    member = MembershipFactory(organisation=application.organisation, user__preferred_language="en").user
    log_in(ui, member.email, PASSWORD)
    page = ui.goto(f"/applications/{application.pk}/")
    page.emulate_media(media="print")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tulostettava hakemus")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator("main form").first).to_be_hidden()
    expect(page.get_by_text("Amount applied for").first).to_be_visible()


def test_funding_rows_added_and_one_removed_before_the_first_save_keep_the_others(new_ui):
    """Issue 12, item 10: other funding, like the budget, gains and loses rows before it is saved."""
    application = ApplicationFactory(complete=False, requested_amount=None)
    member = MembershipFactory(organisation=application.organisation, user__preferred_language="en").user
    ui = new_ui()
    log_in(ui, member.email, PASSWORD)
    page = ui.goto(f"/applications/{application.pk}/edit/")
    rows = page.locator('[data-formset="funding"] .formset__rows > .formset-row')
    before = rows.count()
    add = page.get_by_role("button", name="Add a row: Funding")
    add.click()
    add.click()
    assert rows.count() == before + 2
    total = int(page.locator("#id_funding-TOTAL_FORMS").input_value())
    last, previous = total - 1, total - 2
    page.locator(f"#id_funding-{previous}-funder").fill("Kaupunki, jota ei ollutkaan")
    page.locator(f"#id_funding-{previous}-amount").fill("900")
    page.locator(f"#id_funding-{last}-funder").fill("Säätiö")
    page.locator(f"#id_funding-{last}-amount").fill("1 250,50")
    rows.nth(before).get_by_role("button", name="Remove this row").click()
    assert rows.count() == before + 1
    page.get_by_role("button", name="Save the draft").first.click()
    ui.check()
    expect(page.get_by_text("The draft was saved.")).to_be_visible()
    funding = list(application.other_funding.values_list("funder", "amount"))
    assert [(funder, str(amount)) for funder, amount in funding] == [("Säätiö", "1250.50")]
