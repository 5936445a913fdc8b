from __future__ import annotations

from celery import shared_task

from familycentre import services


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def render_agreement_pdf(agreement_id: int) -> bool:
    return services.render_pdf(agreement_id)


@shared_task
def daily_agreement_check() -> dict[str, int]:
    """Celery beat runs this every morning: reminders of agreements ending soon, and expiry."""
    return {"reminders": services.send_reminders(), "expired": services.expire_ended()}
