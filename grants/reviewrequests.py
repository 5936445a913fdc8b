"""Requests for review (oikaisuvaatimus / omprövningsbegäran) of a grant decision.

- Filing: an administrator of the organisation files one against the decision document in force,
  with the change demanded, its grounds, contact details and attachments. The period is 14 days
  from the notification day (``portal.timelimits``); a request filed after the last day is still
  received, and marked late. One request of a decision is handled at a time.
- Resolving: the area's decision-maker (or coordinator) dismisses it as late, rejects it, or
  changes the decision. A changed amount goes through ``services.record_decision``, so the
  funding ledger and the open data follow. Each resolution is a document of its own, sent to
  the organisation like the decision (``documents.send_review_decision``).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants import documents, pages, services
from grants.models import Application, Decision, DecisionDocument, ReviewRequest, ReviewRequestAttachment
from portal import emails
from portal.models import AreaRole

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from portal.models import User

# The grounds of a resolution are those of an administrative decision (434/2003 § 45).
RESOLUTION_GROUNDS_MIN_LENGTH = services.GROUNDS_MIN_LENGTH


def document_under_review(decision: Decision) -> DecisionDocument | None:
    """The decision document a request for review would concern: the one in force that is a
    decision on the grant (a decision on an earlier request is appealed to a court instead)."""
    return (
        decision.documents.filter(sent_at__isnull=False, review_request__isnull=True, change_request__isnull=True)
        .order_by("-sent_at", "-pk")
        .first()
    )


def filing_problem(decision: Decision) -> str | None:
    """Why no request can be filed now, or None."""
    if document_under_review(decision) is None:
        return str(_("The decision has not been sent yet: a request for review concerns a sent decision."))
    if decision.review_requests.exclude(resolution="").exists() and not _corrected_since_resolution(decision):
        return str(
            _(
                "The request for review of this decision has been resolved. The resolution is appealed to the "
                "administrative court: its document tells how."
            )
        )
    if decision.review_requests.pending().exists():
        return str(_("A request for review of this decision is being handled. Add to it by sending a message."))
    return None


def can_file_now(application: Application) -> bool:
    """Whether the application's published decision is open to a request for review now."""
    decision = Decision.objects.published().filter(application=application).first()
    return decision is not None and filing_problem(decision) is None


def _corrected_since_resolution(decision: Decision) -> bool:
    """A correction sent after the last resolution is a new decision, open to a request again."""
    last = decision.review_requests.exclude(resolution="").order_by("-resolved_at").first()
    return bool(
        last
        and last.resolved_at
        and decision.documents.filter(review_request__isnull=True, sent_at__gt=last.resolved_at).exists()
    )


@transaction.atomic
def file(
    decision: Decision, user: User, demand: str, grounds: str, contact: str, files: Sequence[UploadedFile] = ()
) -> ReviewRequest:
    """Record the request, marked late when filed after the last day, and tell the area's
    coordinators and decision-makers."""
    decision = Decision.objects.select_for_update().select_related("application__call__area").get(pk=decision.pk)
    problem = filing_problem(decision)
    if problem:
        raise ValidationError(problem, code="cannot_file")
    document = document_under_review(decision)
    assert document is not None  # filing_problem checked it
    today = timezone.localdate()
    late = document.review_deadline is not None and today > document.review_deadline
    request = ReviewRequest.objects.create(
        decision=decision,
        concerns=document,
        demand=demand.strip(),
        grounds=grounds.strip(),
        contact=contact.strip(),
        filed_by=user,
        late=late,
    )
    for upload in files:
        ReviewRequestAttachment.store(upload, user, review_request=request)
    pages.renew_for_decisions([decision.pk])
    _tell_area(request, "grants/email/review_request_filed")
    return request


def staff_of_area(request: ReviewRequest) -> list[User]:
    """Who handles the area's requests for review: its coordinators and decision-makers."""
    area = request.decision.application.call.area
    handling = AreaRole.objects.active().in_area(area)
    return handling.with_role(AreaRole.Role.COORDINATOR, AreaRole.Role.DECISION_MAKER).people()


def _tell_area(request: ReviewRequest, template: str) -> None:
    link = settings.PORTAL_BASE_URL + reverse("grants:review_request", kwargs={"pk": request.pk})
    application = request.decision.application
    context = {"review_request": request, "application": application, "link": link}
    transaction.on_commit(lambda: emails.send_to_each(staff_of_area(request), template, context))


def resolution_problems(request: ReviewRequest, resolution: str, grounds: str) -> dict[str, Any]:
    problems: dict[str, Any] = {}
    if not request.is_pending:
        problems["resolution"] = _("The request has been resolved already.")
    elif resolution == ReviewRequest.Resolution.DISMISSED_LATE and not request.late:
        problems["resolution"] = _("The request was filed in time: it cannot be dismissed as late.")
    if len(grounds.strip()) < RESOLUTION_GROUNDS_MIN_LENGTH:
        problems["grounds"] = _(
            "Write the grounds of the resolution, at least %(count)s characters: the applicant reads them."
        ) % {"count": RESOLUTION_GROUNDS_MIN_LENGTH}
    return problems


@transaction.atomic
def resolve(
    request: ReviewRequest,
    user: User,
    resolution: str,
    grounds: str,
    outcome: str = "",
    amount: Decimal | None = None,
    confirm_overrun: bool = False,
) -> ReviewRequest:
    """Resolve the request; when the decision is changed, record the new outcome and amount as a
    change of the decision (the ledger and the open data follow). Then send its document."""
    request = ReviewRequest.objects.select_for_update().select_related("decision__application").get(pk=request.pk)
    problems = resolution_problems(request, resolution, grounds)
    if problems:
        raise ValidationError(problems)
    decision = request.decision
    request.outcome_before, request.amount_before = decision.outcome, decision.amount
    if resolution == ReviewRequest.Resolution.CHANGED:
        if outcome == decision.outcome and amount == decision.amount:
            raise ValidationError({"amount": _("Change the outcome or the amount, or reject the request.")})
        services.record_decision(
            decision.application,
            user,
            confirm_overrun=confirm_overrun,
            confirm_unverified=True,  # checked when the decision was first made
            change_reason=grounds.strip(),  # the applicant reads the grounds as the reason
            send_document=False,  # the resolution's own document tells the change
            outcome=outcome,
            amount=amount if amount is not None else Decimal("0"),
            rationale=decision.rationale,
            conditions=decision.conditions,
            payment_schedule=decision.payment_schedule,
            report_due_on=decision.report_due_on,
        )
    request.resolution = resolution
    request.resolution_grounds = grounds.strip()
    request.resolved_by = user
    request.resolved_at = timezone.now()
    request.save()
    pages.renew_for_decisions([decision.pk])
    documents.schedule_review_decision(request.pk)
    return request
