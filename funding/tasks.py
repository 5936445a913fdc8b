from __future__ import annotations

from celery import shared_task

from funding import reports


@shared_task
def build_continuity_report(report_id: int) -> None:
    reports.run_job(report_id)
