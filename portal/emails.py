"""Emails to people, each in their own language, sent by a Celery job once the change is saved."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


def send_later(address: str, language: str, template: str, context: dict[str, Any]) -> None:
    """Write ``<template>_subject.txt`` and ``<template>_body.txt`` in ``language`` and send them
    after the current transaction commits; a mail server that is down does not undo the change."""
    from portal.tasks import send_email

    with translation.override(language):
        # Collapsing white space also keeps a hostile name from breaking the header.
        subject = " ".join(render_to_string(f"{template}_subject.txt", context, using="text").split())
        body = render_to_string(f"{template}_body.txt", context, using="text")
    transaction.on_commit(lambda: send_email.delay(address, subject, body))
