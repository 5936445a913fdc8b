"""Emails to people, each in their own language, sent by a Celery job once the change is saved."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from portal import jobs

if TYPE_CHECKING:
    from portal.models import User

logger = logging.getLogger(__name__)


def send_later(address: str, language: str, template: str, context: dict[str, Any]) -> None:
    """Write ``<template>_subject.txt`` and ``<template>_body.txt`` in ``language`` and send them
    after the current transaction commits; a mail server that is down does not undo the change."""
    from portal.tasks import send_email

    with translation.override(language):
        # Collapsing white space also keeps a hostile name from breaking the header.
        subject = " ".join(render_to_string(f"{template}_subject.txt", context, using="text").split())
        body = render_to_string(f"{template}_body.txt", context, using="text")
    jobs.after_commit(
        lambda: send_email.delay(address, subject, body),
        otherwise=lambda: _send_now(address, subject, body),
    )


def send_to_each(people: Iterable[User], template: str, context: dict[str, Any]) -> None:
    """The same email to each person, in their own language, with them as ``recipient``."""
    for person in people:
        send_later(person.email, person.preferred_language, template, context | {"recipient": person})


def _send_now(address: str, subject: str, body: str) -> None:
    """Without the broker the email goes out from the request; a failing mail server is logged."""
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    except Exception:
        logger.exception("An email could not be sent while the job queue was away")
