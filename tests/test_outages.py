"""While the database or a service behind the portal is away, people get a quick, clear answer in
their language, and the load balancer's probe a quick 503, whether or not it carries a session."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connections
from django.db.utils import OperationalError
from django.test import Client
from django.urls import reverse

from portal import health
from portal.models import WelfareArea
from tests.conftest import PASSWORD
from tests.factories import UserFactory
from tests.test_rate_limits import refused_as_too_many

pytestmark = pytest.mark.django_db(transaction=True)

FAILED_LOGINS_PER_KEY = 5  # ACCOUNT_RATE_LIMITS["login_failed"]: 5/300s/key


def _refused(self: object, name: str | None = None) -> None:
    raise OperationalError('connection failed: connection to server at "127.0.0.1", port 5432 failed')


@pytest.fixture
def database_down(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every connection's next query fails as psycopg's does when PostgreSQL is stopped."""
    monkeypatch.setattr(type(connections["default"]), "_cursor", _refused)


def server() -> Client:
    """A browser's view: the error page, not the exception the test client would raise."""
    return Client(raise_request_exception=False)


@pytest.fixture
def signed_in() -> Client:
    client = server()
    client.force_login(UserFactory())
    return client


def test_healthz_for_a_signed_in_probe_is_json_503_when_the_database_is_down(signed_in, database_down):
    started = time.monotonic()
    response = signed_in.get("/healthz")
    assert time.monotonic() - started < 2
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == "unavailable"
    assert response.json()["checks"]["database"] == "error: OperationalError"


def test_healthz_answers_within_two_seconds_when_a_check_hangs(client, monkeypatch):
    released = threading.Event()
    monkeypatch.setitem(health.CHECKS, "storage", lambda: released.wait(30))
    try:
        started = time.monotonic()
        response = client.get("/healthz")
        elapsed = time.monotonic() - started
    finally:
        released.set()
    assert elapsed < 2
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "broker": "ok", "storage": "error: timeout"}


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("fi", "Portaali ei saa yhteyttä tietokantaansa."),
        ("sv", "Portalen når inte sin databas."),
        ("en", "The portal cannot reach its database."),
    ],
)
def test_a_page_while_the_database_is_down_is_a_translated_503(database_down, language, text):
    response = server().get(reverse("portal:area_list"), HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert text in page
    assert "OperationalError" not in page and "5432" not in page


def test_a_signed_in_page_while_the_database_is_down_is_the_503_page(signed_in, database_down):
    response = signed_in.get(reverse("workspace:home"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert "The portal cannot reach its database." in response.content.decode()


def test_any_other_error_is_still_the_500_page(monkeypatch):
    def bug(*args: object) -> None:
        raise ValueError("a bug")

    monkeypatch.setattr(WelfareArea.objects, "annotate", bug)
    response = server().get(reverse("portal:area_list"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_logins_that_failed_in_an_outage_do_not_lock_the_person_out():
    user = UserFactory()
    client = server()
    with pytest.MonkeyPatch.context() as outage:
        outage.setattr(type(connections["default"]), "_cursor", _refused)
        for _attempt in range(FAILED_LOGINS_PER_KEY + 1):
            response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
            assert response.status_code == 503
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert not refused_as_too_many(response)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
