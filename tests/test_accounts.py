from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from portal.models import User
from tests.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-fresh-and-long-passphrase-42"


def sign_up(client, email="uusi@example.org", language="fi"):
    client.cookies["django_language"] = language
    return client.post(
        reverse("account_signup"),
        {"full_name": "Uusi Käyttäjä", "email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )


def confirmation_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", message.body).group(1)


def test_sign_up_requires_email_verification_before_login(client):
    response = sign_up(client)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email="uusi@example.org")
    assert user.full_name == "Uusi Käyttäjä"
    assert len(mail.outbox) == 1

    client.logout()
    response = client.post(reverse("account_login"), {"login": "uusi@example.org", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_verified_user_can_log_in_and_out(client):
    sign_up(client)
    link = confirmation_link(mail.outbox[0])
    assert client.get(link).status_code == 200
    client.post(link)
    response = client.post(reverse("account_login"), {"login": "uusi@example.org", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("workspace:home")
    assert client.get(reverse("workspace:home")).status_code == 200

    client.post(reverse("account_logout"))
    assert client.get(reverse("workspace:home")).status_code == 302


@pytest.mark.parametrize(("language", "subject_word"), [("fi", "Vahvista"), ("sv", "Bekräfta"), ("en", "Confirm")])
def test_sign_up_remembers_the_language_and_writes_in_it(client, language, subject_word):
    sign_up(client, language=language)
    assert User.objects.get(email="uusi@example.org").preferred_language == language
    assert subject_word.lower() in mail.outbox[0].subject.lower()


def test_email_is_the_login_and_is_stored_in_lower_case():
    user = User.objects.create_user("Mixed.Case@Example.ORG", "x" * 12, full_name="Mixed Case")
    assert user.email == "mixed.case@example.org"
    assert not hasattr(user, "username")


def test_repeated_failed_logins_lock_the_account_for_a_while(client):
    user = UserFactory()
    for _ in range(5):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong password"})
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)


def test_password_reset_sends_a_link_that_sets_a_new_password(client):
    user = UserFactory()
    client.post(reverse("account_reset_password"), {"email": user.email})
    assert len(mail.outbox) == 1
    path = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/[^\s]+/)", mail.outbox[0].body).group(1)
    response = client.get(path)
    form_url = response.url if response.status_code == 302 else path
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_change_needs_the_old_password(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "not it", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_profile_saves_name_and_language(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("portal:profile"), {"full_name": "Uusi Nimi", "preferred_language": "sv"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.full_name, user.preferred_language) == ("Uusi Nimi", "sv")
    assert response.cookies["django_language"].value == "sv"


def test_profile_with_an_empty_name_shows_the_error_and_keeps_the_old_one(client):
    user = UserFactory(full_name="Vanha Nimi")
    client.force_login(user)
    response = client.post(reverse("portal:profile"), {"full_name": "", "preferred_language": "fi"})
    assert response.status_code == 200
    assert 'class="error-summary"' in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    user.refresh_from_db()
    assert user.full_name == "Vanha Nimi"


def test_the_verification_email_names_the_portal_and_its_address_as_written(client, settings):
    settings.PORTAL_BASE_URL = "https://portaali.example.fi"
    client.cookies["django_language"] = "fi"
    client.post(
        reverse("account_signup"),
        {
            "full_name": "Aalto & Koski",
            "email": "uusi@example.org",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    message = mail.outbox[0]
    assert message.subject == "[Järjestöportaali] Vahvista sähköpostiosoitteesi"
    assert message.body.startswith("Terve palvelusta Järjestöportaali!")
    assert "testserver" not in message.body.replace("http://testserver/accounts/confirm-email/", "")
    assert "käyttäjä Aalto & Koski on antanut sähköpostiosoitteesi" in message.body  # not "Aalto &amp; Koski"
    assert message.body.rstrip().endswith("https://portaali.example.fi")


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("fi", "Salasanasi tulee sisältää ainakin 10 merkkiä."),
        ("sv", "Ditt lösenord måste innehålla minst 10 tecken."),
        ("en", "Your password must contain at least 10 characters."),
    ],
)
def test_a_too_short_password_is_refused_in_the_pages_language(client, language, message):
    client.cookies["django_language"] = language
    response = client.post(
        reverse("account_signup"),
        {"full_name": "Uusi", "email": "uusi@example.org", "password1": "lyhyt-1", "password2": "lyhyt-1"},
    )
    page = response.content.decode()
    assert message in page
    assert "This password is too short" not in page
    assert not User.objects.filter(email="uusi@example.org").exists()


def test_following_the_verification_link_in_the_same_browser_logs_in(client):
    sign_up(client)
    response = client.post(confirmation_link(mail.outbox[0]))
    assert response.url == reverse("workspace:home")
    assert client.session["_auth_user_id"] == str(User.objects.get(email="uusi@example.org").pk)


def test_a_verification_link_opened_elsewhere_logs_nobody_in(client):
    sign_up(client)
    elsewhere = type(client)()
    response = elsewhere.post(confirmation_link(mail.outbox[0]))
    assert response.url == reverse("account_login")
    assert "_auth_user_id" not in elsewhere.session
