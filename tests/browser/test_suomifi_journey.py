"""Suomi.fi in a real browser: a person identifies through the suite's SAML identity provider,
chooses an association in the stand-in of Suomi.fi Mandates, and submits the association's
application by that mandate; every page on the way, the identity provider's and the mandate
service's included, is checked with axe-core."""

from __future__ import annotations

import re

import pytest
import requests
from django.core import mail
from playwright.sync_api import expect

from grants.models import Application, Status
from organisations.models import Membership
from suomifi.models import MandateCheck
from tests.factories import ApplicationFactory, OrganisationFactory
from tests.suomifi.fixtures import METADATA_PATH, PERSON

pytestmark = pytest.mark.browser

PHONE = {"width": 320, "height": 640}


def test_log_in_with_suomifi_act_for_an_association_by_mandate_and_submit_its_application(new_ui, live_server, suomifi):
    suomifi.trust(requests.get(live_server.url + METADATA_PATH, timeout=10).text)
    organisation = OrganisationFactory.in_area("05", business_id="1234567-1", name_fi="Kävelijät ry")
    application = ApplicationFactory(organisation=organisation, title="Kävelyryhmät")
    suomifi.give_mandate("1234567-1", "Kävelijät ry", ["PJ"])

    ui = new_ui()
    page = ui.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="Or identify yourself with Suomi.fi")).to_be_visible()
    page.get_by_role("link", name="Suomi.fi").click()
    ui.check()  # allauth asks before leaving for Suomi.fi
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Suomi.fi test identification")).to_be_visible()
    ui.check()
    page.get_by_role("button", name="Identify").click()
    expect(page.get_by_text("You were identified.")).to_be_visible()
    ui.check()
    page.get_by_role("button", name="Continue").click()
    # New to the portal: Suomi.fi gave the address, which is verified as any other.
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    ui.check()
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", mail.outbox[-1].body).group(1)
    page = ui.goto(link)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="My workspace")).to_be_visible()
    ui.check()
    assert suomifi.mandates.registered == [PERSON.identity_code]  # asked at login

    page.get_by_role("link", name="Act for an association by a Suomi.fi mandate").click()
    ui.check()
    page.get_by_role("link", name="Choose the association in Suomi.fi Mandates").click()
    expect(page.get_by_role("heading", name="Suomi.fi Mandates")).to_be_visible()
    ui.check()
    page.get_by_role("button", name="Act for Kävelijät ry").click()
    expect(page.get_by_text("You may now act for Kävelijät ry by your mandate.")).to_be_visible()
    ui.check()
    check = MandateCheck.objects.get()
    assert (check.business_id, check.roles, check.allowed) == ("1234567-1", ["PJ"], True)

    # The application of the association, submitted by the mandate.
    page = ui.goto(f"/applications/{application.pk}/")
    page.get_by_role("link", name="Submit the application…").click()
    ui.check()
    page.get_by_role("button", name="Submit the application").click()
    expect(page.get_by_text("The application was submitted.")).to_be_visible()
    ui.check()
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    membership = Membership.objects.get(organisation=organisation)
    assert application.submitted_by == membership.user and membership.mandate.answer == check

    # The members page says how the person is a member; it reflows on a phone.
    page.set_viewport_size(PHONE)
    page = ui.goto(f"/organisations/{organisation.pk}/members/")
    expect(page.get_by_text(re.compile("By a Suomi.fi mandate, confirmed"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Logging out ends the portal's session, then Suomi.fi's.
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("navigation", name="Account").get_by_role("link", name="Log in")).to_be_visible()
    ui.check()
    assert len(suomifi.idp.logouts) == 1
    assert not Membership.objects.filter(organisation=organisation).exists()  # the mandate was for that login
    assert Application.objects.get(pk=application.pk).status == Status.SUBMITTED
