from __future__ import annotations

from celery import shared_task

from grants import reports, services


@shared_task
def build_continuity_report(report_id: int) -> None:
    reports.run_job(report_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def render_submitted_application(application_id: int) -> bool:
    return services.render_submitted_pdf(application_id)
