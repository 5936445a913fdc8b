from __future__ import annotations

import logging

from celery import Task, chain, shared_task

from organisations import services
from organisations.models import Organisation
from organisations.register import RegisterError
from portal import jobs

logger = logging.getLogger(__name__)

REGISTER_BATCH = 25  # organisations per job: seconds with PRH answering, minutes at worst with retries


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


@shared_task(bind=True, autoretry_for=jobs.TRANSIENT_ERRORS, retry_backoff=30, max_retries=jobs.MAX_RETRIES)
def refresh_from_register(self: Task) -> int:
    """Every Monday (beat): the verified organisations checked against the register in batches,
    one job after another (each well within the time limits, however many organisations there
    are), then the coordinators told what is new. Returns the number of batches."""
    ids = services.organisations_to_check()
    batches = [ids[start : start + REGISTER_BATCH] for start in range(0, len(ids), REGISTER_BATCH)]
    # Each batch gets the failures in a row of the one before: a register that is down stops the run.
    steps = [check_register_batch.si(0, batches[0])] if batches else []
    steps += [check_register_batch.s(batch) for batch in batches[1:]]
    steps.append(notify_register_findings.si())
    queue = (self.request.delivery_info or {}).get("routing_key")
    if queue:  # the batches follow the job onto its queue (where a dedicated worker may listen)
        steps = [step.set(queue=queue) for step in steps]
    chain(*steps).apply_async()
    return len(batches)


@shared_task(autoretry_for=jobs.TRANSIENT_ERRORS, retry_backoff=30, max_retries=jobs.MAX_RETRIES)
def check_register_batch(failures_in_a_row: int, organisation_ids: list[int]) -> int:
    """One batch of the weekly check; returns the register's failures in a row at its end."""
    if failures_in_a_row >= services.CONSECUTIVE_FAILURES_TO_STOP:
        return failures_in_a_row  # the register is down: the rest wait for next week
    return services.refresh_from_register(organisation_ids, failures_in_a_row=failures_in_a_row).failures_in_a_row


@shared_task(autoretry_for=jobs.TRANSIENT_ERRORS, retry_backoff=30, max_retries=jobs.MAX_RETRIES)
def notify_register_findings() -> int:
    """After the weekly check: one email to each coordinator with what is new; returns the findings told."""
    return services.notify_register_findings()
