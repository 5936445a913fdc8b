"""Login rate limits count each client, also behind the reverse proxy, and nothing else the portal
caches can push their history out."""

from __future__ import annotations

import pytest
from allauth.account.adapter import get_adapter
from django.core.cache import caches
from django.urls import reverse
from django.utils import translation

from tests.conftest import PASSWORD
from tests.factories import UserFactory
from tests.test_settings import settings_in_subprocess

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"  # nginx on the web machine: every request reaches gunicorn from here
FAILED_LOGINS_PER_MINUTE = 10  # ACCOUNT_RATE_LIMITS["login_failed"]


def fail_logins(client, client_address: str, count: int = FAILED_LOGINS_PER_MINUTE) -> None:
    for number in range(count):
        client.post(
            reverse("account_login"),
            {"login": f"nobody{number}@example.org", "password": "wrong password"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=client_address,
        )


def log_in(client, user, client_address: str):
    return client.post(
        reverse("account_login"),
        {"login": user.email, "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=client_address,
    )


def refused_as_too_many(response) -> bool:
    with translation.override("fi"):  # the page's language: the browser asked for none
        message = str(get_adapter().error_messages["too_many_login_attempts"])
    return response.status_code in (200, 429) and message in response.content.decode()


def test_behind_the_proxy_one_client_guessing_passwords_does_not_lock_out_another(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    fail_logins(client, "198.51.100.7")
    user = UserFactory()

    assert refused_as_too_many(log_in(client, user, "198.51.100.7"))
    assert "_auth_user_id" not in client.session
    response = log_in(client, user, "203.0.113.20")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_without_a_trusted_proxy_a_forged_header_does_not_escape_the_limit(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    # Each attempt claims another address; all of them come from the same place.
    for number in range(FAILED_LOGINS_PER_MINUTE):
        fail_logins(client, f"192.0.2.{number}", count=1)

    assert refused_as_too_many(log_in(client, UserFactory(), "192.0.2.200"))


def test_the_proxy_count_comes_from_the_environment():
    assert settings_in_subprocess({"DJANGO_DEBUG": "true"}, "settings.ALLAUTH_TRUSTED_PROXY_COUNT") == 0
    one_proxy = {"DJANGO_DEBUG": "true", "PORTAL_TRUSTED_PROXY_COUNT": "1"}
    assert settings_in_subprocess(one_proxy, "settings.ALLAUTH_TRUSTED_PROXY_COUNT") == 1


def test_a_flood_of_distinct_page_requests_leaves_the_security_cache_alone(client):
    fail_logins(client, PROXY)
    security = caches["default"]
    entries_before = len(security._cache)  # locmem in the tests: its entries can be counted
    for number in range(100):
        client.get(reverse("organisations:directory"), {"q": f"flood {number}"})
        client.get(reverse("grants:calls"), {"area": f"x{number}"})
    assert len(security._cache) == entries_before
    assert refused_as_too_many(log_in(client, UserFactory(), PROXY))
