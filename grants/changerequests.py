"""Change requests (muutoshakemus / ändringsansökan) on a granted application.

- Filing: a member of the organisation asks, with grounds, for a longer period of use, for money
  to be moved between budget lines, or for a change of content, while the grant is in use (decided
  or paid, its report not yet submitted). One change request is handled at a time.
- Resolving: the area's coordinator accepts it, accepts it with changes (a shorter extension, a
  smaller sum moved) or rejects it, with grounds. Each resolution is a decision document of its
  own, open to a request for review. An accepted extension moves the end of the period of use and
  the report's due date by as much.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants import documents, pages, services
from grants.models import Application, ChangeRequest, Decision, Status
from portal import emails
from portal.models import AreaRole

if TYPE_CHECKING:
    from portal.models import User

# While the grant is in use: once its report is in, the period is over.
IN_USE = (Status.DECIDED, Status.PAID, Status.REPORT_RETURNED)
# An extension is for finishing what was granted, not a new grant: at most a year.
LONGEST_EXTENSION = datetime.timedelta(days=366)


def filing_problem(decision: Decision) -> str | None:
    if not decision.is_grant or decision.published_at is None:
        return str(_("A change can be requested of a grant once its decision has been sent."))
    if decision.application.status not in IN_USE:
        return str(_("The period of use is over: a change can be requested while the grant is in use."))
    if decision.change_requests.pending().exists():
        return str(_("A change request of this grant is being handled. Add to it by sending a message."))
    return None


def can_file_now(application: Application) -> bool:
    decision = Decision.objects.filter(application=application).select_related("application").first()
    return decision is not None and filing_problem(decision) is None


def request_problems(decision: Decision, kind: str, fields: dict[str, Any]) -> dict[str, Any]:
    """What is wrong with the request, by field."""
    problems: dict[str, Any] = {}
    use_until = decision.use_period[1]
    if kind == ChangeRequest.Kind.EXTENSION:
        new_until = fields.get("new_use_until")
        if new_until is None:
            problems["new_use_until"] = _("Give the new end of the period of use.")
        elif new_until <= use_until:
            problems["new_use_until"] = _("The period of use ends on %(date)s now: give a later day.") % {
                "date": use_until.strftime("%d.%m.%Y")
            }
        elif new_until > use_until + LONGEST_EXTENSION:
            problems["new_use_until"] = _("An extension is at most a year.")
    elif kind == ChangeRequest.Kind.BUDGET:
        if not fields.get("move_from") or not fields.get("move_to"):
            problems["move_to"] = _("Choose the budget lines the money moves from and to.")
        elif fields["move_from"] == fields["move_to"]:
            problems["move_to"] = _("Choose two different budget lines.")
        amount = fields.get("move_amount")
        if amount is None or amount <= 0:
            problems["move_amount"] = _("Give the amount moved.")
        elif amount > decision.amount:
            problems["move_amount"] = _("More than the grant cannot be moved.")
    return problems


@transaction.atomic
def file(decision: Decision, user: User, kind: str, description: str, grounds: str, **fields: Any) -> ChangeRequest:
    decision = Decision.objects.select_for_update().select_related("application__call__area").get(pk=decision.pk)
    problem = filing_problem(decision)
    if problem:
        raise ValidationError(problem, code="cannot_file")
    problems = request_problems(decision, kind, fields)
    if problems:
        raise ValidationError(problems)
    kept = {
        ChangeRequest.Kind.EXTENSION: ["new_use_until"],
        ChangeRequest.Kind.BUDGET: ["move_from", "move_to", "move_amount"],
    }.get(ChangeRequest.Kind(kind), [])
    request = ChangeRequest.objects.create(
        decision=decision,
        kind=kind,
        description=description.strip(),
        grounds=grounds.strip(),
        filed_by=user,
        **{name: fields[name] for name in kept},
    )
    pages.renew_for_decisions([decision.pk])
    link = settings.PORTAL_BASE_URL + reverse("grants:change_request", kwargs={"pk": request.pk})
    coordinators = (
        AreaRole.objects.active().in_area(decision.application.call.area).with_role(AreaRole.Role.COORDINATOR).people()
    )
    context = {"change_request": request, "application": decision.application, "link": link}
    transaction.on_commit(lambda: emails.send_to_each(coordinators, "grants/email/change_request_filed", context))
    return request


def resolution_problems(
    request: ChangeRequest, resolution: str, grounds: str, fields: dict[str, Any]
) -> dict[str, Any]:
    problems: dict[str, Any] = {}
    if not request.is_pending:
        problems["resolution"] = _("The change request has been resolved already.")
    if len(grounds.strip()) < services.GROUNDS_MIN_LENGTH:
        problems["grounds"] = _(
            "Write the grounds of the resolution, at least %(count)s characters: the applicant reads them."
        ) % {"count": services.GROUNDS_MIN_LENGTH}
    if resolution == ChangeRequest.Resolution.ACCEPTED_WITH_CHANGES:
        if request.kind == ChangeRequest.Kind.EXTENSION:
            until = fields.get("accepted_use_until")
            if until is None or not (request.decision.use_period[1] < until < request.new_use_until):
                problems["accepted_use_until"] = _(
                    "Give an end of the period between the present one and the one asked for."
                )
        elif request.kind == ChangeRequest.Kind.BUDGET:
            amount = fields.get("accepted_move_amount")
            if amount is None or not (Decimal(0) < amount < request.move_amount):
                problems["accepted_move_amount"] = _("Give a sum smaller than the one asked for.")
    return problems


@transaction.atomic
def resolve(request: ChangeRequest, user: User, resolution: str, grounds: str, **fields: Any) -> ChangeRequest:
    """Resolve the request; an accepted extension moves the period of use and the report's due
    date. Then its decision document is sent."""
    request = ChangeRequest.objects.select_for_update().select_related("decision__application__call").get(pk=request.pk)
    problems = resolution_problems(request, resolution, grounds, fields)
    if problems:
        raise ValidationError(problems)
    request.resolution = resolution
    request.resolution_grounds = grounds.strip()
    request.resolved_by = user
    request.resolved_at = timezone.now()
    if resolution == ChangeRequest.Resolution.ACCEPTED_WITH_CHANGES:
        request.accepted_use_until = fields.get("accepted_use_until")
        request.accepted_move_amount = fields.get("accepted_move_amount")
    elif resolution == ChangeRequest.Resolution.ACCEPTED:
        request.accepted_use_until, request.accepted_move_amount = request.new_use_until, request.move_amount
    request.save()
    if request.is_accepted and request.kind == ChangeRequest.Kind.EXTENSION and request.accepted_use_until:
        extend(request.decision, request.accepted_use_until)
    pages.renew_for_decisions([request.decision_id])
    documents.schedule_change_decision(request.pk)
    return request


def extend(decision: Decision, use_until: datetime.date) -> None:
    """The period of use ends later, and the report is due as much later."""
    moved_by = use_until - decision.use_period[1]
    decision.use_until = use_until
    if decision.report_due_on is not None:
        decision.report_due_on += moved_by
    decision.save(update_fields=["use_until", "report_due_on"])
