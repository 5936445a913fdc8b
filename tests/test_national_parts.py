"""The national overview after a worker died: each area's part has its own heartbeat, the reaper
runs a silent part again within minutes (not after the broker's hour), a part delivered twice is
not redone, and a part that keeps dying fails the overview with a readable message."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from funding import national
from funding.models import ContinuityReport, NationalPart
from funding.tasks import reap_stalled_reports
from portal.models import WelfareArea
from tests.test_reports import scenario

pytestmark = pytest.mark.django_db


def overview() -> ContinuityReport:
    scenario()
    return ContinuityReport.objects.create(area=None, year=2026, baseline_year=2025, language="en")


def with_a_dead_worker(monkeypatch: pytest.MonkeyPatch, victim: str) -> None:
    """The worker that takes the part of area ``victim`` dies at once: the part stays running."""
    deliver = national.area_part.delay

    def delay(report_id: int, area_id: int):
        if WelfareArea.objects.get(pk=area_id).code == victim and not getattr(delay, "died", False):
            delay.died = True  # type: ignore[attr-defined]
            NationalPart.objects.filter(report_id=report_id, area_id=area_id).update(
                state=NationalPart.State.RUNNING, heartbeat_at=timezone.now()
            )
            return None
        return deliver(report_id, area_id)

    monkeypatch.setattr(national.area_part, "delay", delay)


def silent_for(report: ContinuityReport, seconds: int) -> None:
    NationalPart.objects.filter(report=report).exclude(state=NationalPart.State.DONE).update(
        heartbeat_at=timezone.now() - datetime.timedelta(seconds=seconds)
    )


def test_the_reaper_runs_the_part_of_a_dead_worker_again_and_the_overview_finishes(
    monkeypatch, settings, django_capture_on_commit_callbacks
):
    report = overview()
    with_a_dead_worker(monkeypatch, "05")
    with django_capture_on_commit_callbacks(execute=True):
        national.start(report)
    report.refresh_from_db()
    assert report.state == ContinuityReport.State.RUNNING  # 21 parts done, one lost
    assert NationalPart.objects.filter(report=report, state=NationalPart.State.RUNNING).count() == 1

    silent_for(report, settings.PORTAL_PART_STALLED_SECONDS - 10)
    with django_capture_on_commit_callbacks(execute=True):
        assert reap_stalled_reports() == 0  # not silent for long enough yet
    silent_for(report, settings.PORTAL_PART_STALLED_SECONDS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert reap_stalled_reports() == 1
    report.refresh_from_db()
    assert report.state == ContinuityReport.State.SUCCEEDED
    assert len(report.figures["areas"]) == WelfareArea.objects.count()
    assert NationalPart.objects.get(report=report, area__code="05").attempts == 1


def test_a_part_delivered_twice_is_not_redone_and_the_merge_runs_once(django_capture_on_commit_callbacks):
    report = overview()
    with django_capture_on_commit_callbacks(execute=True):
        national.start(report)
    report.refresh_from_db()
    first = (report.state, report.pdf.name)
    assert first[0] == ContinuityReport.State.SUCCEEDED
    with django_capture_on_commit_callbacks(execute=True):
        national.area_part.delay(report.pk, WelfareArea.objects.get(code="05").pk)  # the broker's second delivery
    report.refresh_from_db()
    assert (report.state, report.pdf.name) == first


def test_a_part_that_keeps_dying_fails_the_overview_with_a_message(
    monkeypatch, settings, django_capture_on_commit_callbacks
):
    report = overview()
    with_a_dead_worker(monkeypatch, "05")
    with django_capture_on_commit_callbacks(execute=True):
        national.start(report)
    NationalPart.objects.filter(report=report, area__code="05").update(attempts=national.MAX_PART_ATTEMPTS)
    silent_for(report, settings.PORTAL_PART_STALLED_SECONDS + 1)
    with django_capture_on_commit_callbacks(execute=True):
        reap_stalled_reports()
    report.refresh_from_db()
    assert report.state == ContinuityReport.State.FAILED
    assert report.error.startswith("05: ")
    assert "Traceback" not in report.error


def test_a_part_has_a_time_limit_of_its_own_far_below_the_whole_jobs(settings):
    assert national.area_part.time_limit == settings.PORTAL_PART_TIME_LIMIT
    assert settings.PORTAL_PART_STALLED_SECONDS < settings.CELERY_TASK_TIME_LIMIT
