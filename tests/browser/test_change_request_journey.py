"""A grant in use changes, in a real browser (issue 15, items 6 and 8): the association's
administrator, on a phone in Finnish, asks for a longer period of use; the coordinator accepts it
with a shorter extension; the association sees the new period and report date. The coordinator
confirms the second year of a multi-year grant once its budget is approved."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from funding.models import FundingRecord
from grants import documents
from grants.models import ChangeRequest, Decision, DecisionDocument, GrantYear
from grants.signals import decision_recorded
from tests.browser.conftest import log_in
from tests.browser.test_grant_journey import click_and_check
from tests.browser.test_review_request_journey import PHONE, no_sideways_scrolling
from tests.conftest import PASSWORD, enable_totp
from tests.factories import ApplicationFactory, AreaRoleFactory, MembershipFactory, OrganisationFactory, area

pytestmark = pytest.mark.browser


def test_an_extension_is_asked_for_and_accepted_with_changes_and_a_later_year_confirmed(new_ui):
    organisation = OrganisationFactory.in_area("05", name_fi="Liedon Perhekahvila ry")
    ngo_admin = MembershipFactory.admin(organisation=organisation, user__preferred_language="fi").user
    coordinator = AreaRoleFactory.coordinator(area=area("05"), user__preferred_language="en").user
    application = ApplicationFactory.in_state("paid", organisation=organisation, title="Perhekahvila")
    decision = application.decision
    year = application.call.funding_year
    Decision.objects.filter(pk=decision.pk).update(published_at=datetime.datetime.now(datetime.UTC))
    GrantYear.objects.create(decision=decision, year=year + 1, amount=Decimal("18000"))
    decision.refresh_from_db()
    decision_recorded.send(sender=Decision, decision=decision)
    documents.send(decision.pk)  # as publishing has the job do

    ngo_ui = new_ui(locale="fi-FI", viewport=PHONE)
    ngo = ngo_ui.goto("/accounts/login/")
    ngo.locator("#id_login").fill(ngo_admin.email)
    ngo.locator("#id_password").fill(PASSWORD)
    ngo.get_by_role("button", name="Kirjaudu sisään").click()
    ngo.wait_for_url("**/workspace/")
    ngo_ui.check()
    ngo = ngo_ui.goto(f"/applications/{application.pk}/")
    no_sideways_scrolling(ngo)
    expect(ngo.get_by_text(f"{year + 1}: 18 000,00 €")).to_be_visible()
    click_and_check(ngo_ui, ngo, "link", "Hae muutosta")
    no_sideways_scrolling(ngo)
    ngo.get_by_label("Käyttöajan jatko").check()
    ngo.get_by_label("Muutos", exact=True).fill("Ryhmät jatkuvat kesäkuuhun.")
    ngo.locator("#id_grounds").fill("Tilat valmistuivat vasta lokakuussa.")
    ngo.get_by_label("Käyttöajan uusi päättymispäivä").fill(f"{year + 1}-06-30")
    click_and_check(ngo_ui, ngo, "button", "Lähetä muutoshakemus")
    expect(ngo.get_by_text("Muutoshakemus lähetettiin alueen koordinaattoreille.")).to_be_visible()
    no_sideways_scrolling(ngo)
    request = ChangeRequest.objects.get()

    staff_ui = new_ui()
    staff = log_in(staff_ui, coordinator.email, PASSWORD, totp_secret=enable_totp(coordinator))
    staff = staff_ui.goto("/workspace/areas/05/review-requests/")
    click_and_check(staff_ui, staff, "link", re.compile("Liedon Perhekahvila ry"))
    staff.get_by_label("Accepted with changes").check()
    staff.get_by_label("Accepted end of the period of use").fill(f"{year + 1}-03-31")
    staff.get_by_label("Grounds of the resolution").fill(
        "Jatko hyväksytään maaliskuun loppuun, jolloin tilat vapautuvat."
    )
    click_and_check(staff_ui, staff, "button", "Resolve and send the decision")
    expect(staff.get_by_text("The change request was resolved.")).to_be_visible()
    request.refresh_from_db()
    assert request.accepted_use_until == datetime.date(year + 1, 3, 31)
    assert DecisionDocument.objects.filter(change_request=request).exists()

    # The coordinator confirms the second year; the ledger no longer holds it as conditional.
    staff = staff_ui.goto(f"/applications/{application.pk}/")
    click_and_check(staff_ui, staff, "button", f"Confirm the grant for {year + 1}")
    expect(staff.get_by_text(f"The grant for {year + 1} is confirmed.")).to_be_visible()
    assert not FundingRecord.objects.get(application=application, year=year + 1).conditional

    ngo = ngo_ui.goto(f"/applications/{application.pk}/")
    expect(ngo.get_by_text(f"1.1.{year}–31.3.{year + 1}").first).to_be_visible()
    expect(ngo.get_by_text("Hyväksytty muutettuna")).to_be_visible()
