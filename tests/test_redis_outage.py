"""Redis away (portal/cache.py): signed-in pages, logins and saves keep working on the database;
the sessions fall back to it, rate limits fail open, jobs that cannot be queued leave the change
saved (an email goes out at once instead)."""

from __future__ import annotations

import datetime
import socket
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from funding.models import ContinuityReport
from grants.models import Application, Status
from portal import emails, jobs
from portal.cache import RedisCache, TolerantRedisCache
from portal.celery import app
from tests.conftest import PASSWORD
from tests.factories import AreaRoleFactory, GrantCallFactory, MembershipFactory, UserFactory, area
from tests.test_application_form import form_data
from tests.workers import redis_broker

pytestmark = pytest.mark.django_db(transaction=True)


def closed_port() -> int:
    """A port nothing listens on: connecting is refused at once, as with Redis stopped."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_down(settings, reference_data, monkeypatch) -> Iterator[str]:
    url = f"redis://127.0.0.1:{closed_port()}/0"
    redis = {"LOCATION": url, "OPTIONS": settings.REDIS_TIMEOUTS}
    before = settings.CACHES
    settings.CACHES = settings.CACHES | {
        "default": {"BACKEND": "portal.cache.TolerantRedisCache", "KEY_PREFIX": "security"} | redis,
        "sessions": {"BACKEND": "portal.cache.TolerantRedisCache", "KEY_PREFIX": "sessions"} | redis,
        "fragment-versions": {"BACKEND": "portal.cache.RedisCache"} | redis,
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    broker = app.conf.broker_url
    monkeypatch.setenv("CELERY_BROKER_URL", url)  # Celery reads the variable before its settings (CI sets it)
    use_broker(url)
    app.conf.task_always_eager = False  # the jobs really go to the (missing) broker
    yield url
    settings.CACHES = before  # the suite's own caches again before they are emptied
    use_broker(broker)


@pytest.mark.parametrize("backend", [RedisCache, TolerantRedisCache])
def test_the_cache_keeps_one_redis_client_and_answers_through_it(backend):
    with redis_broker() as url:
        cache = backend(url, {"KEY_PREFIX": f"client-reuse-{backend.__name__}", "OPTIONS": {}})
        assert cache._cache.get_client() is cache._cache.get_client(write=True)  # one server, one pool
        cache.set("greeting", "hei")
        assert cache.get("greeting") == "hei"
        cache.delete("greeting")
        assert cache.get("greeting") is None


def use_broker(url: str) -> None:
    """Point the app at ``url``, dropping the connections it keeps to the one before."""
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


def browser() -> Client:
    return Client(raise_request_exception=False, headers={"accept-language": "en"})


def test_a_person_logs_in_and_reads_signed_in_pages_without_redis(redis_down):
    role = AreaRoleFactory.reviewer(area=area("05"))  # no second factor to type
    client = browser()
    response = client.post(reverse("account_login"), {"login": role.user.email, "password": PASSWORD})
    assert response.status_code == 302
    home = client.get(reverse("workspace:home"))
    assert home.status_code == 200
    assert role.user.full_name in home.content.decode()
    assert client.get(reverse("workspace:area", kwargs={"code": "05"})).status_code == 200


def test_a_wrong_password_is_still_refused_without_redis(redis_down):
    user = UserFactory()
    response = browser().post(reverse("account_login"), {"login": user.email, "password": "not the password"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_logging_out_without_redis_ends_the_session(redis_down):
    user = UserFactory()
    client = browser()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    client.post(reverse("account_logout"))
    assert client.get(reverse("workspace:home")).status_code == 302


def test_a_draft_is_saved_without_redis_and_the_broker(redis_down):
    membership = MembershipFactory.admin()
    client = browser()
    client.force_login(membership.user)
    call_page = reverse("grants:calls")
    assert client.get(call_page).status_code == 200
    draft = Application.objects.create(
        call=GrantCallFactory(), organisation=membership.organisation, title="Luonnos", created_by=membership.user
    )
    page = client.get(reverse("grants:application_edit", kwargs={"pk": draft.pk}))
    assert page.status_code == 200
    response = client.post(
        reverse("grants:application_edit", kwargs={"pk": draft.pk}),
        form_data(draft, title="Vertaisryhmät", summary="Ryhmiä.", planned_activities="Viikoittain."),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Vertaisryhmät"
    assert draft.status == Status.DRAFT


def test_an_email_that_cannot_be_queued_is_sent_at_once(redis_down):
    feedback = SimpleNamespace(email="sender@example.org", answer_by=datetime.date(2026, 12, 15), name="", page="")
    emails.send_later("someone@example.org", "fi", "portal/email/accessibility_feedback", {"feedback": feedback})
    assert [message.to for message in mail.outbox] == [["someone@example.org"]]


def test_a_job_that_cannot_be_queued_leaves_the_change_saved(redis_down):
    report = ContinuityReport.objects.create(area=area("05"), year=2026, baseline_year=2025)

    def send() -> None:
        from funding.tasks import build_continuity_report

        build_continuity_report.delay(report.pk)

    jobs.after_commit(send)  # outside a transaction: runs now, and must not raise
    assert ContinuityReport.objects.filter(pk=report.pk, state=ContinuityReport.State.QUEUED).exists()
