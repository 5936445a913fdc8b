from __future__ import annotations

import logging

from celery import shared_task

from organisations import services
from organisations.models import Organisation
from organisations.register import RegisterError
from portal import jobs

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=jobs.TRANSIENT_ERRORS, retry_backoff=30, max_retries=jobs.MAX_RETRIES)
def check_register(organisation_id: int) -> bool:
    """After registration: keep what the register says. When it cannot be asked, the coordinator's
    page offers a check and the weekly run asks again."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return False
    try:
        services.check_register(organisation)
    except RegisterError as error:
        logger.info("The register was not checked for organisation %s: %s", organisation_id, error.reason)
        return False
    return True


@shared_task(autoretry_for=jobs.TRANSIENT_ERRORS, retry_backoff=30, max_retries=jobs.MAX_RETRIES)
def refresh_from_register() -> int:
    """Every Monday (beat): verified organisations checked against the register; returns the findings told."""
    return services.refresh_from_register().notified
