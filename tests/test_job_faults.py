"""Report jobs never stay running or waiting forever: they retry after the database or the broker
was away, say so on the page, and the reaper requeues or fails the ones nobody works on."""

from __future__ import annotations

import datetime

import pytest
from django.db.utils import OperationalError
from django.urls import reverse
from django.utils import timezone
from redis.exceptions import ConnectionError as RedisConnectionError

from funding import continuity, reports, tasks
from funding.models import ContinuityReport
from funding.tasks import build_continuity_report, reap_stalled_reports
from portal import jobs
from tests.factories import AreaRoleFactory, area
from tests.test_reports import scenario
from tests.test_settings import PRODUCTION_ENV, settings_in_subprocess

pytestmark = pytest.mark.django_db


def failing_first(monkeypatch: pytest.MonkeyPatch, error: Exception, times: int) -> list[int]:
    """The computation fails ``times`` times with ``error``, then works; returns the attempts."""
    compute = continuity.compute
    attempts: list[int] = []

    def flaky(*args: object) -> continuity.Continuity:
        attempts.append(1)
        if len(attempts) <= times:
            raise error
        return compute(*args)

    monkeypatch.setattr(continuity, "compute", flaky)
    return attempts


def status_page(client, report: ContinuityReport, language: str = "en") -> str:
    client.force_login(AreaRoleFactory.coordinator(area=area("05")).user)
    client.cookies["django_language"] = language
    return client.get(reverse("funding:report_status", kwargs={"pk": report.pk})).content.decode()


@pytest.fixture(autouse=True)
def _no_mfa(settings) -> None:
    settings.PORTAL_REQUIRE_STAFF_MFA = False


@pytest.mark.parametrize("error", [OperationalError("server closed the connection"), RedisConnectionError("111")])
def test_a_report_is_retried_after_a_database_or_broker_error_and_finishes(monkeypatch, error):
    report = scenario()
    attempts = failing_first(monkeypatch, error, times=2)
    build_continuity_report.delay(report.pk)
    report.refresh_from_db()
    assert len(attempts) == 3
    assert report.state == ContinuityReport.State.SUCCEEDED
    assert [step[0] for step in report.history] == [10, 40, 60, 90, 100]  # the last attempt's stages


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (OperationalError("x"), "The report could not be built: the database was unavailable. Try again later."),
        (RedisConnectionError("x"), "The report could not be built: the job queue was unavailable. Try again later."),
    ],
)
def test_when_the_last_attempt_fails_too_the_page_says_why(client, monkeypatch, error, message):
    report = scenario()
    attempts = failing_first(monkeypatch, error, times=100)
    build_continuity_report.delay(report.pk)
    report.refresh_from_db()
    assert len(attempts) == jobs.MAX_RETRIES + 1
    assert (report.state, report.error) == (ContinuityReport.State.FAILED, message)
    assert f"The report could not be built: {message}" in status_page(client, report)


def test_while_it_waits_to_retry_the_page_says_so(client):
    report = scenario()
    ContinuityReport.objects.filter(pk=report.pk).update(state="running", stage="Rendering the PDF", progress=60)
    reports.note_retry(report.pk, OperationalError("the connection is closed"))
    assert "Progress: Retrying after a database error" in status_page(client, report)


def test_a_queued_report_says_since_when_it_waits(client):
    report = scenario()
    ContinuityReport.objects.filter(pk=report.pk).update(
        heartbeat_at=datetime.datetime(2026, 12, 8, 8, 15, tzinfo=datetime.UTC)  # 10.15 in Helsinki
    )
    assert "Waiting for a worker since 08.12. 10:15" in status_page(client, report)
    assert "Odottaa käsittelyvuoroa 08.12. 10:15 alkaen" in status_page(client, report, "fi")


def silent_for(report: ContinuityReport, state: str, seconds: int, **fields: object) -> None:
    ContinuityReport.objects.filter(pk=report.pk).update(
        state=state, heartbeat_at=timezone.now() - datetime.timedelta(seconds=seconds), **fields
    )


def test_the_reaper_runs_a_report_again_whose_worker_died(settings, django_capture_on_commit_callbacks):
    report = scenario()
    silent_for(report, "running", settings.PORTAL_REPORT_STALLED_SECONDS + 1, progress=60, stage="Rendering the PDF")
    with django_capture_on_commit_callbacks(execute=True):
        assert reap_stalled_reports() == 1
    report.refresh_from_db()
    assert (report.state, report.requeues, report.progress) == ("succeeded", 1, 100)


def test_the_reaper_requeues_a_report_no_worker_took(client, settings, monkeypatch, django_capture_on_commit_callbacks):
    sent: list[int] = []
    monkeypatch.setattr(build_continuity_report, "delay", sent.append)
    report = scenario()
    silent_for(report, "queued", settings.PORTAL_REPORT_QUEUED_SECONDS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        reap_stalled_reports()
    report.refresh_from_db()
    assert sent == [report.pk]
    assert (report.state, report.requeues) == ("queued", 1)
    assert timezone.now() - report.heartbeat_at < datetime.timedelta(seconds=5)
    since = timezone.localtime(report.heartbeat_at).strftime("%d.%m. %H:%M")
    assert f"Waiting for a worker since {since}" in status_page(client, report)


def test_the_reaper_leaves_reports_with_a_recent_heartbeat_alone(settings, monkeypatch):
    monkeypatch.setattr(build_continuity_report, "delay", lambda *args: pytest.fail("requeued"))
    report = scenario()
    silent_for(report, "running", settings.PORTAL_REPORT_STALLED_SECONDS - 30)
    assert reap_stalled_reports() == 0
    report.refresh_from_db()
    assert report.state == "running"


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("running", "Raportin laatiminen keskeytyi kesken useita kertoja. Yritä myöhemmin uudelleen."),
        ("queued", "Mikään käsittelijä ei ottanut raporttia työn alle. Yritä myöhemmin uudelleen."),
    ],
)
def test_after_its_requeues_a_silent_report_fails_with_a_message(client, settings, state, message):
    report = scenario()
    ContinuityReport.objects.filter(pk=report.pk).update(language="fi")
    silent_for(report, state, 10 * settings.PORTAL_REPORT_STALLED_SECONDS, requeues=tasks.MAX_REQUEUES)
    assert reap_stalled_reports() == 1
    report.refresh_from_db()
    assert (report.state, report.error) == ("failed", message)
    assert message in status_page(client, report, "fi")


def test_celery_beat_runs_the_reaper_every_minute():
    schedule = settings_in_subprocess(
        PRODUCTION_ENV, "{k: [v['task'], str(v['schedule'])] for k, v in settings.CELERY_BEAT_SCHEDULE.items()}"
    )
    assert schedule["reap-stalled-reports"] == ["funding.tasks.reap_stalled_reports", "60.0"]


@pytest.mark.parametrize("error", [OperationalError("server closed the connection"), RedisConnectionError("111")])
def test_an_agreement_pdf_is_retried_after_a_database_or_broker_error(monkeypatch, error):
    from familycentre import services as familycentre_services
    from familycentre.tasks import render_agreement_pdf

    attempts: list[int] = []

    def flaky(agreement_id: int) -> bool:
        attempts.append(agreement_id)
        if len(attempts) <= 2:
            raise error
        return True

    monkeypatch.setattr(familycentre_services, "render_pdf", flaky)
    assert render_agreement_pdf.delay(7).get() is True
    assert attempts == [7, 7, 7]
