"""A grant round's decisions as a public authority makes them, in a real browser (issue 15): the
decision-maker proposes a decision, the coordinator prints the call's decision list, records the
meeting's reference and sends the documents; the Swedish-speaking association's administrator, on
a phone, opens the decision (the opening is recorded) and files a request for review with an
attachment; the decision-maker changes the decision from the area's queue; the association
receives the new document, and the funding ledger and the open data hold the new amount."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pdfplumber
import pytest
from django.core import mail
from playwright.sync_api import expect

from funding.models import FundingRecord
from grants import opendata
from grants.models import Application, DecisionDocument, ReviewRequest
from tests.browser.conftest import log_in
from tests.browser.test_grant_journey import click_and_check, pdf
from tests.conftest import PASSWORD, enable_totp
from tests.factories import ApplicationFactory, AreaRoleFactory, MembershipFactory, OrganisationFactory, area

pytestmark = pytest.mark.browser

PHONE = {"width": 320, "height": 640}


def text_of(download) -> str:
    with pdfplumber.open(io.BytesIO(open(download.path(), "rb").read())) as document:
        text = "\n".join(page.extract_text() or "" for page in document.pages)
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def no_sideways_scrolling(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_decisions_are_listed_sent_opened_reviewed_and_changed(new_ui):
    organisation = OrganisationFactory.in_area(
        "05", name_fi="Åbolands Familjeförening rf", business_id="2345678-6", decision_language="sv"
    )
    ngo_admin = MembershipFactory.admin(organisation=organisation, user__preferred_language="sv").user
    coordinator = AreaRoleFactory.coordinator(area=area("05"), user__preferred_language="en").user
    decision_maker = AreaRoleFactory.decision_maker(
        area=area("05"), user__preferred_language="en", user__full_name="Päivi Päättäjä", title="direktör"
    ).user
    application = ApplicationFactory.in_review(organisation=organisation, title="Familjecafé i Pargas")

    # The decision-maker proposes a decision of 12 000 € of the 20 000 € applied for.
    maker_ui = new_ui()
    maker = log_in(maker_ui, decision_maker.email, PASSWORD, totp_secret=enable_totp(decision_maker))
    maker = maker_ui.goto(f"/applications/{application.pk}/")
    click_and_check(maker_ui, maker, "link", "Record the decision")
    maker.get_by_label("Outcome").select_option("partly_approved")
    maker.get_by_label("Amount granted (EUR)").fill("12 000")
    maker.get_by_label("Rationale").fill("Anslaget räcker till en del av verksamheten under året.")
    click_and_check(maker_ui, maker, "button", "Record the decision")
    expect(maker.locator(".status-line")).to_contain_text("Decided")

    # The coordinator prints the decision list for the meeting, records its reference and sends.
    staff_ui = new_ui()
    staff = log_in(staff_ui, coordinator.email, PASSWORD, totp_secret=enable_totp(coordinator))
    staff = staff_ui.goto(f"/calls/{application.call_id}/decisions/")
    expect(staff.get_by_text("1 decision is proposed and not yet published.")).to_be_visible()
    with staff.expect_download() as listed:
        staff.get_by_role("link", name="Decision list (PDF)").click()
    decision_list = text_of(listed.value)
    # In the coordinator's language (English here); a long name wraps in its cell.
    for expected in ("Decision list", "Åbolands", "2345678-6", "20,000.00 €", "12,000.00 €", "Partly approved"):
        assert expected in decision_list, expected
    staff.get_by_label("Decision reference").fill("§ 77/2026")
    staff.get_by_label(f"{organisation.name_fi} – Familjecafé i Pargas").check()
    click_and_check(staff_ui, staff, "button", "Record the reference")
    expect(staff.get_by_text("The reference was recorded for 1 decisions.")).to_be_visible()
    mail.outbox.clear()
    click_and_check(staff_ui, staff, "button", "Publish the confirmed decisions and send their documents")
    original = DecisionDocument.objects.get(decision__application=application)
    assert original.language == "sv" and original.delivery == "electronic"
    assert [m for m in mail.outbox if m.to == [ngo_admin.email] and "Beslutsdokument" in m.subject]

    # The association's administrator, on a phone in Swedish, opens the decision: it is recorded.
    ngo_ui = new_ui(locale="sv-FI", viewport=PHONE)
    ngo = ngo_ui.goto("/accounts/login/")
    ngo.locator("#id_login").fill(ngo_admin.email)
    ngo.locator("#id_password").fill(PASSWORD)
    ngo.get_by_role("button", name="Logga in").click()
    ngo.wait_for_url("**/workspace/")
    ngo_ui.check()
    ngo = ngo_ui.goto(f"/applications/{application.pk}/")
    no_sideways_scrolling(ngo)
    expect(ngo.get_by_text("Sista dag för begäran om omprövning").first).to_be_visible()
    with ngo.expect_download() as opened:
        ngo.get_by_role("link", name="Beslut,").first.click()
    decision_text = text_of(opened.value)
    for expected in ("§ 77/2026", "2345678-6", "12 000,00 €", "Anvisning för begäran om omprövning"):
        assert expected in decision_text, expected
    original.refresh_from_db()
    assert original.first_opened_by == ngo_admin

    # … and files a request for review with its grounds and an attachment; a double click files one.
    click_and_check(ngo_ui, ngo, "link", "Begär omprövning av beslutet")
    no_sideways_scrolling(ngo)
    ngo.locator("#id_demand").fill("Understödet höjs till det sökta beloppet, 20 000 euro.")
    ngo.locator("#id_grounds").fill("Verksamheten utvidgas till Nagu, vilket framgår av bilagan.")
    ngo.locator("#id_files").set_input_files(files=pdf("verksamhetsplan.pdf"))
    ngo.get_by_role("button", name="Lämna in begäran om omprövning").dblclick()
    ngo.wait_for_url("**/review-requests/*/")
    ngo.wait_for_load_state("networkidle")
    ngo_ui.check()
    expect(ngo.get_by_text("Begäran om omprövning har tagits emot.")).to_be_visible()
    request = ReviewRequest.objects.get()
    assert not request.late and request.attachments.get().original_name == "verksamhetsplan.pdf"

    # The decision-maker finds it in the area's queue and changes the decision.
    maker = maker_ui.goto("/workspace/areas/05/review-requests/")
    expect(maker.get_by_role("table")).to_contain_text(organisation.name_fi)
    click_and_check(maker_ui, maker, "link", organisation.name_fi)
    expect(maker.get_by_text("Understödet höjs till det sökta beloppet")).to_be_visible()
    maker.get_by_label("Decision changed").check()
    maker.get_by_label("New outcome").select_option("approved")
    maker.get_by_label("New amount granted (EUR)").fill("20 000")
    maker.get_by_label("Grounds of the resolution").fill("Utvidgningen till Nagu är utredd; understödet beviljas helt.")
    mail.outbox.clear()
    click_and_check(maker_ui, maker, "button", "Resolve and send the decision")
    expect(maker.get_by_text("The request for review was resolved.")).to_be_visible()

    # The association receives the new document; the ledger and the open data hold 20 000 €.
    review_document = DecisionDocument.objects.get(review_request=request)
    assert [m for m in mail.outbox if m.to == [ngo_admin.email]]
    ngo = ngo_ui.goto(f"/applications/{application.pk}/")
    no_sideways_scrolling(ngo)
    expect(ngo.get_by_text("20 000,00 €").first).to_be_visible()
    expect(ngo.get_by_text("Sista dag för besvär")).to_be_visible()
    with ngo.expect_download() as received:
        ngo.get_by_role("link", name="Beslut om begäran om omprövning").first.click()
    review_text = text_of(received.value)
    for expected in ("Beslut om begäran om omprövning", "Beslutet ändrat", "20 000,00 €", "Besvärsanvisning"):
        assert expected in review_text, expected
    review_document.refresh_from_db()
    assert review_document.first_opened_by == ngo_admin
    assert Application.objects.get(pk=application.pk).decision.amount == Decimal("20000.00")
    assert FundingRecord.objects.get(application=application).amount == Decimal("20000.00")
    with opendata.build_release().json.open("rb") as handle:
        grants = json.load(handle)["grants"]
    assert [g["amountAwarded"] for g in grants] == [20000.0]
