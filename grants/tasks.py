from __future__ import annotations

from celery import shared_task

from grants import documents, opendata, reminders, services
from portal import jobs


@shared_task(autoretry_for=(OSError,), retry_backoff=30, max_retries=5)
def render_submitted_application(application_id: int) -> bool:
    return services.render_submitted_pdf(application_id)


@shared_task(autoretry_for=(*jobs.TRANSIENT_ERRORS, OSError), retry_backoff=30, max_retries=jobs.MAX_RETRIES)
def build_open_data() -> int:
    """The open data files of what is published now (after publishing, and nightly)."""
    opendata.start_build()
    return opendata.build_release().grants


@shared_task(autoretry_for=(*jobs.TRANSIENT_ERRORS, OSError), retry_backoff=30, max_retries=jobs.MAX_RETRIES)
def send_decision_document(decision_id: int) -> bool:
    """Render and send the decision's document as the decision stands (once per version)."""
    return documents.send(decision_id) is not None


@shared_task(autoretry_for=(*jobs.TRANSIENT_ERRORS, OSError), retry_backoff=30, max_retries=jobs.MAX_RETRIES)
def send_review_decision_document(review_request_id: int) -> bool:
    """Render and send the decision on a request for review (once)."""
    return documents.send_review_decision(review_request_id) is not None


@shared_task(autoretry_for=(*jobs.TRANSIENT_ERRORS, OSError), retry_backoff=30, max_retries=jobs.MAX_RETRIES)
def send_change_decision_document(change_request_id: int) -> bool:
    """Render and send the decision on a change request (once)."""
    return documents.send_change_decision(change_request_id) is not None


@shared_task(autoretry_for=jobs.TRANSIENT_ERRORS, retry_backoff=30, max_retries=jobs.MAX_RETRIES)
def send_reminders() -> int:
    """Every morning (beat): the reminders that are due, each sent once."""
    return reminders.send_due()
