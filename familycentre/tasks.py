from __future__ import annotations

from celery import shared_task

from familycentre import services
from portal import jobs


# The database or the broker away, or the file store failing: tried again 5, 10, 20, 40 and 80 s
# later (the agreement page offers a new render when the last attempt failed too).
@shared_task(
    autoretry_for=(OSError, *jobs.TRANSIENT_ERRORS), retry_backoff=5, retry_backoff_max=80, retry_jitter=False,
    max_retries=jobs.MAX_RETRIES,
)  # fmt: skip
def render_agreement_pdf(agreement_id: int) -> bool:
    return services.render_pdf(agreement_id)


@shared_task
def daily_agreement_check() -> dict[str, int]:
    """Celery beat runs this every morning: reminders of agreements ending soon, and expiry."""
    return {"reminders": services.send_reminders(), "expired": services.expire_ended()}
