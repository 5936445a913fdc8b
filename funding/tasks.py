from __future__ import annotations

import datetime
import functools

from celery import Task, shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from funding import figures, national, reports
from funding.models import ContinuityReport
from portal import jobs
from portal.models import WelfareArea

# A report requeued this many times and still silent is failed: requeueing does not help it.
MAX_REQUEUES = 3


@shared_task(bind=True, max_retries=jobs.MAX_RETRIES)
def build_continuity_report(self: Task, report_id: int) -> None:
    try:
        reports.run_job(report_id)
    except jobs.TRANSIENT_ERRORS as error:
        if self.request.retries >= self.max_retries:
            reports.give_up(report_id, error)
            return
        reports.note_retry(report_id, error)
        raise self.retry(exc=error, countdown=jobs.backoff(self.request.retries)) from error


@shared_task(autoretry_for=jobs.TRANSIENT_ERRORS, retry_backoff=30, max_retries=jobs.MAX_RETRIES)
def refresh_continuity_figures(area_id: int, years: list[int]) -> None:
    """An area's dashboard figures after an import or a decision changed its ledger."""
    figures.start_refresh(area_id, years)
    figures.refresh(WelfareArea.objects.get(pk=area_id), years)


@shared_task(autoretry_for=jobs.TRANSIENT_ERRORS, retry_backoff=30, max_retries=jobs.MAX_RETRIES)
def refresh_all_continuity_figures() -> int:
    """Every area's dashboard figures, every night."""
    return figures.refresh_all()


@shared_task
def reap_stalled_reports() -> int:
    """Celery beat's check of the reports nobody works on: a running report whose job has been
    silent longer than any job may run lost its worker; a queued one that no worker took within
    the limit lost its message (the broker restarted, or was down when it was sent). Either is
    queued again, the jobs being idempotent, or failed with a message after MAX_REQUEUES. So is a
    national overview's part silent longer than a part may run (``funding.national.run_again``).
    Returns how many reports and parts it handled."""
    now = timezone.now()
    stalled = now - datetime.timedelta(seconds=settings.PORTAL_REPORT_STALLED_SECONDS)
    unclaimed = now - datetime.timedelta(seconds=settings.PORTAL_REPORT_QUEUED_SECONDS)
    silent = ContinuityReport.objects.filter(
        Q(state=ContinuityReport.State.RUNNING, heartbeat_at__lt=stalled)
        | Q(state=ContinuityReport.State.QUEUED, heartbeat_at__lt=unclaimed)
    )
    handled = 0
    for report in silent:
        with transaction.atomic(), translation.override(report.language):
            # Only if nothing changed since it was read: a job that just woke up keeps its report.
            same = ContinuityReport.objects.filter(pk=report.pk, state=report.state, heartbeat_at=report.heartbeat_at)
            if report.requeues >= MAX_REQUEUES:
                if report.state == ContinuityReport.State.RUNNING:
                    message = _("The report stopped without finishing, several times. Try again later.")
                else:
                    message = _("No worker took the report. Try again later.")
                handled += same.update(state=ContinuityReport.State.FAILED, error=message, finished_at=now)
                continue
            if same.update(
                state=ContinuityReport.State.QUEUED,
                heartbeat_at=now,
                requeues=F("requeues") + 1,
                progress=0,
                stage=_("Waiting for a worker"),
            ):
                handled += 1
                transaction.on_commit(functools.partial(_enqueue, report))
    # A national overview's part whose worker died is run again on its own, within minutes.
    for part in national.stalled_parts():
        with transaction.atomic():
            handled += national.run_again(part)
    return handled


def _enqueue(report: ContinuityReport) -> None:
    if report.area_id is None:
        national.start(report)
    else:
        build_continuity_report.delay(report.pk)
