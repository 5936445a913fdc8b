from __future__ import annotations

from celery import shared_task

from jarjestoportaali import retention


@shared_task
def apply_retention() -> dict[str, int]:
    """The retention schedule, every night."""
    return retention.apply()
