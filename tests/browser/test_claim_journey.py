"""An association's last administrator leaves; a stranger tries to take it over by registering its
public Business ID; the area's coordinator checks and decides. In a real browser, axe-checked."""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import expect

from organisations.models import JoinRequest, Membership
from tests.browser.conftest import log_in
from tests.browser.test_organisation_journey import fill_registration
from tests.conftest import PASSWORD, enable_totp
from tests.factories import ApplicationFactory, AreaRoleFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.browser


def test_the_last_admin_asks_to_close_and_a_stranger_can_only_ask_the_coordinator(new_ui):
    organisation = OrganisationFactory.in_area("05", name_fi="Kaarinan Kävelykaverit ry", business_id="1234567-1")
    admin = MembershipFactory.admin(organisation=organisation, user__preferred_language="en").user
    application = ApplicationFactory.in_state("decided", organisation=organisation, title="Kävelyryhmät 2027")
    coordinator = AreaRoleFactory.coordinator(user__preferred_language="en").user

    # The last administrator cannot simply leave the association's history behind.
    ui = new_ui()
    page = log_in(ui, admin.email, PASSWORD)
    page.goto("/account/delete/")
    ui.check()
    expect(page.get_by_text("You are the only administrator of these organisations")).to_be_visible()
    expect(page.get_by_role("button", name="Delete my account for good")).to_have_count(0)
    page.get_by_role("link", name="Kaarinan Kävelykaverit ry").click()
    ui.check()
    page.get_by_label("Why the organisation should be closed in the portal").fill("Yhdistys on purettu.")
    page.get_by_role("button", name="Ask to close the organisation").click()
    expect(page.get_by_text("Your request was sent to the coordinators")).to_be_visible()
    ui.check()
    page.goto("/account/delete/")
    ui.check()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account for good").click()
    expect(page.get_by_text("Your account was deleted.")).to_be_visible()
    ui.check()
    assert not organisation.memberships.exists()

    # A stranger registers the public Business ID: it becomes a request, not a takeover.
    stranger = UserFactory(full_name="Vieras Henkilö", preferred_language="en")
    ui = new_ui()
    page = log_in(ui, stranger.email, PASSWORD)
    page.get_by_role("link", name="Register an organisation").click()
    ui.check()
    fill_registration(page, business_id="1234567-1", iban="FI21 1234 5600 0007 85")
    expect(page.get_by_text("A coordinator of its wellbeing services county checks who you are")).to_be_visible()
    ui.check()
    page.get_by_label("Message").fill("Olen uusi puheenjohtaja, puh. 040 123 4567.")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("Your request was sent to the coordinators of the organisation's area.")).to_be_visible()
    ui.check()
    assert not Membership.objects.filter(user=stranger).exists()
    page.goto(f"/applications/{application.pk}/")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Kävelyryhmät 2027")
    ui.check()

    # The coordinator sees the claim and the closure request, checks, and accepts.
    assert any(coordinator.email in message.to for message in mail.outbox)
    staff_ui = new_ui()
    staff = log_in(staff_ui, coordinator.email, PASSWORD, totp_secret=enable_totp(coordinator))
    staff.goto("/workspace/areas/05/organisations/")
    staff_ui.check()
    staff.get_by_role("link", name="Kaarinan Kävelykaverit ry").first.click()
    staff_ui.check()
    expect(staff.get_by_text("Olen uusi puheenjohtaja, puh. 040 123 4567.")).to_be_visible()
    staff.get_by_role("button", name="Accept Vieras Henkilö as administrator").click()
    expect(staff.get_by_text("The request was accepted.")).to_be_visible()
    staff_ui.check()
    assert JoinRequest.objects.get().status == JoinRequest.Status.ACCEPTED
    assert Membership.objects.get(organisation=organisation).user == stranger
