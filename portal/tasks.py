from __future__ import annotations

import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import connection

from portal.models import WelfareArea


@shared_task(ignore_result=False)
def ping() -> dict[str, str | int]:
    """Prove that a worker runs the portal's code against the portal's database."""
    return {"database": connection.vendor, "areas": WelfareArea.objects.count()}


@shared_task(autoretry_for=(smtplib.SMTPException, OSError), retry_backoff=30, max_retries=8)
def send_email(address: str, subject: str, body: str) -> None:
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
