from __future__ import annotations

from celery import shared_task
from django.db import connection

from portal.models import WelfareArea


@shared_task(ignore_result=False)
def ping() -> dict[str, object]:
    """Prove that a worker runs the portal's code against the portal's database."""
    return {"database": connection.vendor, "areas": WelfareArea.objects.count()}
