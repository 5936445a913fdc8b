from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import expect

from organisations import services
from portal.models import User
from tests.conftest import PASSWORD, totp_code
from tests.factories import AreaRoleFactory, MembershipFactory, area

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a-long-and-unusual-passphrase-77"


def fill_sign_up(page, password_again: str) -> None:
    page.get_by_label("Full name").fill("Maija Meikäläinen")
    page.get_by_label("Email").fill("maija@example.org")
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Password (again)").fill(password_again)
    page.get_by_role("button", name="Sign Up").click()


def test_sign_up_verify_log_in_and_out(ui):
    page = ui.goto("/accounts/signup/")
    fill_sign_up(page, NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    ui.check()

    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", mail.outbox[0].body).group(1)
    page = ui.goto(link)
    page.get_by_role("button", name="Confirm").click()
    # The link opened in the browser that signed up logs the person in, and the workspace offers
    # what to do first.
    expect(page.get_by_role("heading", name="My workspace")).to_be_visible()
    expect(page.get_by_role("link", name="Register an organisation")).to_be_visible()
    ui.check()
    assert User.objects.get(email="maija@example.org").full_name == "Maija Meikäläinen"

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("navigation", name="Account").get_by_role("link", name="Log in")).to_be_visible()
    ui.check()

    page = ui.goto("/accounts/login/")
    page.get_by_label("Email").fill("maija@example.org")
    page.get_by_label("Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", name="My workspace")).to_be_visible()
    ui.check()


def test_sign_up_errors_are_summarised_and_shown_next_to_the_field(ui):
    page = ui.goto("/accounts/signup/")
    fill_sign_up(page, "something-else-entirely-99")
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Please correct the following")
    expect(page.locator(".field--error")).to_have_count(1)
    ui.check()
    assert not User.objects.filter(email="maija@example.org").exists()


def test_coordinator_is_sent_to_set_up_two_factor_authentication_first(ui):
    coordinator = AreaRoleFactory.coordinator(area=area("05"), totp=False, user__preferred_language="en").user
    page = ui.goto("/accounts/login/")
    page.get_by_label("Email").fill(coordinator.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    # Straight from the login to the setup (allauth asks for the password again before adding a
    # second factor): nothing else opens before it.
    expect(page.get_by_text("Your role requires two-factor authentication")).to_be_visible()
    expect(page.get_by_role("heading", name="Confirm Access")).to_be_visible()
    ui.check()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Activate Authenticator App")).to_be_visible()
    ui.check()
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    ui.check()
    page.get_by_role("link", name=re.compile("Area work")).click()
    expect(page.get_by_role("heading", name=re.compile("Area work"))).to_be_visible()
    ui.check()


def test_an_invitation_opened_logged_out_is_kept_through_sign_up_and_verification(ui, live_server):
    admin = MembershipFactory.admin(organisation__name_fi="Turun Omaishoitajat ry").user
    organisation = admin.memberships.get().organisation
    services.invite(organisation, "maija@example.org", "member", admin, live_server.url)
    link = re.search(r"https?://[^/\s]+(/invitations/[^\s]+/)", mail.outbox[-1].body).group(1)

    page = ui.goto(link)
    expect(page.get_by_role("heading", name="Invitation to Turun Omaishoitajat ry")).to_be_visible()
    expect(page.get_by_text("The invitation was sent to maija@example.org.")).to_be_visible()
    page.get_by_role("main").get_by_role("link", name="Sign up").click()
    ui.check()
    fill_sign_up(page, NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    ui.check()

    verification = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", mail.outbox[-1].body).group(1)
    page = ui.goto(verification)
    page.get_by_role("button", name="Confirm").click()
    # Logged in by the link and back at the invitation.
    expect(page.get_by_role("heading", name="Invitation to Turun Omaishoitajat ry")).to_be_visible()
    ui.check()
    page.get_by_role("button", name="Accept the invitation").click()
    expect(page.get_by_text("Welcome to Turun Omaishoitajat ry.")).to_be_visible()
    expect(page.get_by_role("heading", name="Turun Omaishoitajat ry")).to_be_visible()
    ui.check()
    assert organisation.memberships.filter(user__email="maija@example.org", role="member").exists()


def test_a_finnish_sign_up_speaks_finnish_and_its_email_names_the_portal(new_ui):
    ui = new_ui(locale="fi-FI")
    page = ui.goto("/accounts/signup/")
    page.get_by_label("Koko nimi").fill("Maija Meikäläinen & Co")
    page.get_by_label("Sähköposti").fill("maija@example.org")
    page.get_by_label("Salasana", exact=True).fill("lyhyt")
    page.get_by_label("Salasana (uudestaan)").fill("lyhyt")
    page.get_by_role("button", name="Rekisteröidy").click()
    expect(page.locator(".field--error")).to_contain_text("Salasanasi tulee sisältää ainakin 10 merkkiä.")
    expect(page.get_by_text("This password is too short")).to_have_count(0)
    ui.check()

    page.get_by_label("Salasana", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Salasana (uudestaan)").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Rekisteröidy").click()
    expect(page.get_by_role("heading", name="Vahvista sähköpostiosoitteesi")).to_be_visible()
    ui.check()
    email = mail.outbox[-1]
    assert email.subject == "[Järjestöportaali] Vahvista sähköpostiosoitteesi"
    assert email.body.startswith("Terve palvelusta Järjestöportaali!")
    assert "käyttäjä Maija Meikäläinen & Co on antanut" in email.body  # plain text, not &amp;
    assert settings.PORTAL_BASE_URL in email.body

    verification = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", email.body).group(1)
    page = ui.goto(verification)
    page.get_by_role("button", name="Vahvista").click()
    expect(page.get_by_role("heading", name="Oma työtila")).to_be_visible()
    expect(page.get_by_role("link", name="Rekisteröi järjestö")).to_be_visible()
    ui.check()
