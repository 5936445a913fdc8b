from __future__ import annotations

from celery import shared_task

from funding import figures, reports
from portal.models import WelfareArea


@shared_task
def build_continuity_report(report_id: int) -> None:
    reports.run_job(report_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def refresh_continuity_figures(area_id: int, years: list[int]) -> None:
    """An area's dashboard figures after an import or a decision changed its ledger."""
    figures.start_refresh(area_id, years)
    figures.refresh(WelfareArea.objects.get(pk=area_id), years)


@shared_task
def refresh_all_continuity_figures() -> int:
    """Every area's dashboard figures, every night."""
    return figures.refresh_all()
