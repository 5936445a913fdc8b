"""Rules about grants beside the workflow table: taking its steps, drafts, reviews, decisions, the
funding ledger, payments and reports. Views call these; they never change rows by hand."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from grants import budgets, documents, opendata, pages, returns, workflow
from grants.models import (
    REPORT_EDITABLE,
    Application,
    ApplicationAttachment,
    ApplicationEvent,
    Decision,
    GrantCall,
    GrantYear,
    Payment,
    Review,
    ReviewAssignment,
    ScoringCriterion,
    Status,
    UseOfFundsReport,
    default_report_due,
)
from grants.signals import decision_recorded
from organisations.models import Membership
from portal import emails, fragments, jobs, uploads
from portal.models import AreaRole
from portal.money import euros

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django_stubs_ext import StrOrPromise

    from grants.models import ScoringCriterion
    from organisations.models import Organisation
    from portal.models import User, WelfareArea

EDITABLE = {Status.DRAFT}


class StaleVersion(ValidationError):
    pass


def start_application(call: GrantCall, organisation: Organisation, user: User) -> Application:
    if not call.is_open():
        raise ValidationError(_("The call is not open for applications."), code="call_closed")
    return Application.objects.create(call=call, organisation=organisation, title=call.title, created_by=user)


@transaction.atomic
def save_draft(application: Application, expected_version: int, save: Callable[[], None]) -> None:
    """Save the edited draft unless someone else saved it since it was opened."""
    current = Application.objects.select_for_update().get(pk=application.pk)
    if current.status not in EDITABLE:
        raise ValidationError(_("Only a draft can be edited."), code="not_draft")
    if current.version != expected_version:
        raise StaleVersion(
            _(
                "Someone else saved this application while you were editing it. What you typed is still below: "
                "copy what you need, then open the application again to see their changes."
            ),
            code="stale",
        )
    application.version = current.version + 1
    save()


@transaction.atomic  # a savepoint: a file store that fails undoes the attachment, not the draft saved before it
def add_attachment(application: Application, kind: str, file: UploadedFile, user: User) -> ApplicationAttachment:
    return ApplicationAttachment.store(file, user, application=application, kind=kind)


def add_message(application: Application, user: User, text: str, internal: bool) -> ApplicationEvent:
    event = ApplicationEvent.objects.create(
        application=application,
        kind=ApplicationEvent.Kind.NOTE if internal else ApplicationEvent.Kind.MESSAGE,
        text=text.strip(),
        visible_to_applicant=not internal,
        actor=user,
    )
    if not internal:
        _notify_people(event, (_people_of_organisation(application) | _coordinators_of(application)) - {user})
    return event


# --- Notifications ------------------------------------------------------------------------------


def _people_of_organisation(application: Application) -> set[User]:
    return set(Membership.objects.filter(organisation=application.organisation).people())


def _coordinators_of(application: Application) -> set[User]:
    return set(AreaRole.objects.active().in_area(application.call.area).with_role(AreaRole.Role.COORDINATOR).people())


@transaction.atomic
def take_step(application: Application, name: str, user: User, text: str = "") -> ApplicationEvent | None:
    """Take one step the workflow allows, and tell those concerned. Returns the event written, or
    None when the step had already been taken (submitting twice is harmless). Raises
    portal.workflow.Refusal with a reason the user can read."""
    application = (
        Application.objects.select_for_update().select_related("call__area", "organisation").get(pk=application.pk)
    )
    transition = workflow.check(application, name, user, text)
    if transition is None:
        return None
    event = ApplicationEvent.objects.create(
        application=application,
        kind=ApplicationEvent.Kind.TRANSITION,
        transition=transition.name,
        from_status=application.status,
        to_status=transition.target,
        text=text.strip(),
        actor=user,
    )
    application.status = transition.target
    if transition.name == "submit":
        application.submitted_at = timezone.now()
        application.submitted_by = user
    application.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    after_step(event, transition)
    return event


def after_step(event: ApplicationEvent, transition: workflow.Transition) -> None:
    """What follows a step of the workflow once it is saved: the emails, and for a submission its
    receipt and the document of what was submitted."""
    notify(event, transition)
    if transition.name == "accept_report":
        returns.settle(event.application)  # unused money is to be returned
    if transition.name == "submit":
        send_receipt(event)
        from grants.tasks import render_submitted_application

        jobs.after_commit(lambda: render_submitted_application.delay(event.application_id))


def notify(event: ApplicationEvent, transition: workflow.Transition) -> None:
    """Email those concerned by a step, each in their own language, once it is saved."""
    people = _people_of_organisation(event.application) if transition.notify_applicant else set()
    if transition.notify_staff:
        people |= _coordinators_of(event.application)
    _notify_people(event, people - {event.actor})


def send_receipt(event: ApplicationEvent) -> None:
    """The authority acknowledges an electronic submission to its sender (Act 13/2003 § 12)."""
    application, sender = event.application, event.actor
    if sender is None:
        return
    emails.send_later(
        sender.email,
        sender.preferred_language,
        "grants/email/receipt",
        {
            "application": application,
            "received_at": event.created_at,
            "recipient": sender,
            "link": settings.PORTAL_BASE_URL + reverse("grants:application", kwargs={"pk": application.pk}),
        },
    )


def _notify_people(event: ApplicationEvent, people: Iterable[User]) -> None:
    link = settings.PORTAL_BASE_URL + reverse("grants:application", kwargs={"pk": event.application_id})
    for person in people:
        emails.send_later(
            person.email,
            person.preferred_language,
            "grants/email/event",
            {"event": event, "application": event.application, "link": link, "recipient": person},
        )


# --- Reviews ------------------------------------------------------------------------------------


def reviewers_of_area(area: WelfareArea) -> list[User]:
    return AreaRole.objects.active().in_area(area).with_role(AreaRole.Role.REVIEWER).people()


def assign_reviewer(application: Application, reviewer: User, coordinator: User) -> ReviewAssignment:
    if reviewer not in reviewers_of_area(application.call.area):
        raise ValidationError(_("%(name)s is not a reviewer in this area."), params={"name": reviewer}, code="no_role")
    if Membership.objects.filter(user=reviewer, organisation=application.organisation).exists():
        raise ValidationError(
            _("%(name)s belongs to %(organisation)s and cannot review its application."),
            params={"name": reviewer, "organisation": application.organisation},
            code="member_of_applicant",
        )
    assignment, created = ReviewAssignment.objects.get_or_create(
        application=application, reviewer=reviewer, defaults={"assigned_by": coordinator}
    )
    if created:
        emails.send_later(
            reviewer.email,
            reviewer.preferred_language,
            "grants/email/review_assigned",
            {
                "assignment": assignment,
                "application": application,
                "recipient": reviewer,
                "link": settings.PORTAL_BASE_URL + reverse("grants:review", kwargs={"pk": assignment.pk}),
            },
        )
    return assignment


def assign_many(applications: Iterable[Application], reviewer: User, coordinator: User) -> tuple[int, list[str]]:
    """Assign one reviewer to many applications; returns how many were assigned and why others were not."""
    assigned, refused = 0, []
    for application in applications:
        try:
            assign_reviewer(application, reviewer, coordinator)
        except ValidationError as error:
            refused.extend(error.messages)
        else:
            assigned += 1
    return assigned, refused


def _joined_applicant(application: Application) -> Exists:
    """For an assignment of ``application``: its reviewer has joined the applicant organisation."""
    return Exists(Membership.objects.filter(organisation=application.organisation_id, user=OuterRef("reviewer")))


def conflicted_reviewers(application: Application) -> set[int]:
    """Reviewers who have joined the applicant organisation since they were assigned: their scores
    no longer count, and the coordinator sees why."""
    joined = application.assignments.filter(_joined_applicant(application), reviewer__isnull=False)
    return set(joined.values_list("reviewer_id", flat=True))


def assignments_with_conflicts(application: Application) -> tuple[Sequence[ReviewAssignment], set[int]]:
    """The application's assignments with their reviewers and reviews, and the reviewers who have
    joined the applicant since (as ``conflicted_reviewers``), in one query."""
    assignments = list(
        application.assignments.select_related("reviewer", "review").annotate(
            joined_applicant=_joined_applicant(application)
        )
    )
    conflicted = {a.reviewer_id for a in assignments if a.joined_applicant and a.reviewer_id is not None}
    return assignments, conflicted


def average_score(
    application: Application,
    criteria: list[ScoringCriterion],
    conflicted: set[int] | None = None,
    assignments: Iterable[ReviewAssignment] | None = None,
) -> Decimal | None:
    """The mean of the reviewers' weighted scores, leaving out declared conflicts and reviewers who
    have since joined the applicant (``conflicted``), from ``assignments`` with their reviews when
    the caller has read them already."""
    if conflicted is None:
        conflicted = conflicted_reviewers(application)
    if assignments is None:
        assignments = application.assignments.select_related("review")
    reviews = [
        review
        for assignment in assignments
        if not assignment.conflict_of_interest
        and assignment.reviewer_id not in conflicted
        and (review := getattr(assignment, "review", None)) is not None
    ]
    scores = [score for review in reviews if (score := review.weighted_score(criteria)) is not None]
    return (sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.01")) if scores else None


def declare_conflict(assignment: ReviewAssignment, reason: str) -> None:
    assignment.conflict_of_interest = True
    assignment.conflict_reason = reason.strip()
    assignment.save(update_fields=["conflict_of_interest", "conflict_reason"])
    Review.objects.filter(assignment=assignment).delete()


def save_review(
    assignment: ReviewAssignment, scores: dict[str, int], comment: str, outcome: str, amount: Decimal | None
) -> Review:
    if assignment.conflict_of_interest:
        raise ValidationError(_("You have declared a conflict of interest for this application."), code="conflict")
    if Membership.objects.filter(
        user=assignment.reviewer_id, organisation=assignment.application.organisation_id
    ).exists():
        raise ValidationError(
            _("You are a member of the applicant organisation and cannot review its application."), code="member"
        )
    review, _created = Review.objects.update_or_create(
        assignment=assignment,
        defaults={
            "scores": scores,
            "comment": comment,
            "recommended_outcome": outcome,
            "recommended_amount": amount,
            "submitted_at": timezone.now(),
        },
    )
    return review


# --- Decisions, the ledger, payments ------------------------------------------------------------


DECIDABLE = (Status.IN_REVIEW, Status.DECIDED)
# The grounds are part of an administrative decision (Administrative Procedure Act 434/2003 § 45):
# a word or two is no grounds.
GROUNDS_MIN_LENGTH = 20


def decision_problems(
    application: Application, outcome: str | None, amount: Decimal, rationale: str
) -> dict[str, StrOrPromise]:
    """What is wrong with a decision, by field: the amount against what was applied for and the
    call's largest grant, the outcome against the amount, and the grounds."""
    problems: dict[str, StrOrPromise] = {}
    requested, largest = application.requested_amount, application.call.max_amount
    if outcome in (Decision.Outcome.APPROVED, Decision.Outcome.PARTLY_APPROVED):
        if amount <= 0:
            problems["amount"] = _("Give the amount granted.")
        elif requested and amount > requested:
            problems["amount"] = _("A grant cannot exceed the amount applied for (%(requested)s).") % {
                "requested": euros(requested)
            }
        elif largest and amount > largest:
            problems["amount"] = _("The call's largest grant is %(largest)s.") % {"largest": euros(largest)}
        elif outcome == Decision.Outcome.APPROVED and requested and amount < requested:
            problems["outcome"] = _(
                "The amount is less than applied for (%(requested)s): choose “Partly approved”."
            ) % {"requested": euros(requested)}
        elif outcome == Decision.Outcome.PARTLY_APPROVED and requested and amount == requested:
            problems["outcome"] = _("The full amount applied for is granted: choose “Approved”.")
    if len(rationale.strip()) < GROUNDS_MIN_LENGTH:
        problems["rationale"] = _(
            "Write the grounds of the decision, at least %(count)s characters: the applicant reads them."
        ) % {"count": GROUNDS_MIN_LENGTH}
    return problems


CONFIRMED = (Status.DECIDED, Status.PAID, Status.REPORT_SUBMITTED, Status.REPORT_RETURNED, Status.CLOSED)


def unverified_problem(application: Application) -> StrOrPromise:
    return _(
        "No coordinator has verified %(organisation)s. Check its identity and bank account first, or confirm that "
        "you go ahead anyway; the confirmation is recorded."
    ) % {"organisation": application.organisation.name}


@transaction.atomic
def record_decision(
    application: Application,
    user: User,
    confirm_overrun: bool = False,
    confirm_unverified: bool = False,
    change_reason: str = "",
    send_document: bool = True,
    later_years: dict[int, Decimal] | None = None,
    **fields: Any,
) -> Decision:
    """Create or change the decision, tell the funding ledger (``decision_recorded``), and
    write it on the timeline and to the applicant: what it was, what it became, who, when, why.

    Refused once the grant has been paid; when granting more than the call's remaining
    appropriation unless ``confirm_overrun``; when granting to an unverified organisation unless
    ``confirm_unverified``; and a change without its reason. The call row is locked, so two
    decisions at once cannot both pass the check. A changed published decision is sent as a
    corrected document unless ``send_document`` is false (a request for review sends its own).
    ``later_years`` makes it a multi-year grant: the amounts of up to two following funding years,
    conditional on their appropriations (``None`` keeps those recorded, ``{}`` removes them).
    """
    application = (
        Application.objects.select_for_update().select_related("call__area", "organisation").get(pk=application.pk)
    )
    call = GrantCall.objects.select_for_update().get(pk=application.call_id)
    if application.status not in DECIDABLE:
        raise ValidationError(_("A decision is recorded for an application in review."), code="not_in_review")
    existing = Decision.objects.filter(application=application).first()
    if existing is not None and existing.payments.exists():
        raise ValidationError(_("The grant has been paid; the decision can no longer be changed."), code="paid")
    outcome = fields.get("outcome")
    if outcome == Decision.Outcome.REJECTED:
        fields["amount"] = Decimal("0")
    problems = decision_problems(application, outcome, fields["amount"], str(fields.get("rationale", "")))
    if later_years:
        problems |= later_year_problems(call, outcome, later_years)
    if existing is not None and not change_reason.strip():
        problems["change_reason"] = _("Say why the decision is changed: the applicant reads it.")
    grant = outcome in (Decision.Outcome.APPROVED, Decision.Outcome.PARTLY_APPROVED)
    unverified = application.organisation.verified_at is None
    if grant and unverified and not confirm_unverified:
        problems["confirm_unverified"] = unverified_problem(application)
    if problems:
        raise ValidationError(problems)
    if not fields.get("report_due_on"):
        fields["report_due_on"] = default_report_due(call.funding_year)
    already = existing.amount if existing is not None and existing.is_grant else Decimal("0")
    if fields["amount"] - already > call.remaining() and not confirm_overrun:
        raise ValidationError(
            _("This exceeds the remaining appropriation (%(remaining)s). Confirm to go ahead."),
            code="overrun",
            params={"remaining": euros(call.remaining())},
        )
    now = timezone.now()
    confirmed_unverified = (
        {"unverified_confirmed_by": user, "unverified_confirmed_at": now} if grant and unverified else {}
    )
    decision, _created = Decision.objects.update_or_create(
        application=application,
        defaults={
            **fields,
            "decided_by": user,
            "decided_at": now,
            "unverified_confirmed_by": None,
            "unverified_confirmed_at": None,
            **confirmed_unverified,
        },
    )
    if not decision.is_grant:
        keep_later_years(decision, {})
    elif later_years is not None:
        keep_later_years(decision, later_years)
    decision_recorded.send(sender=Decision, decision=decision)
    if decision.published_at is not None:  # a published decision changed: the open data follows
        opendata.schedule_build()
        if send_document and existing is not None and documents.current_document(decision) is not None:
            documents.schedule([decision.pk])  # and the applicant receives a corrected document
    event = ApplicationEvent.objects.create(
        application=application,
        kind=ApplicationEvent.Kind.DECISION,
        outcome_before=existing.outcome if existing else "",
        amount_before=existing.amount if existing else None,
        outcome_after=decision.outcome,
        amount_after=decision.amount,
        text=change_reason.strip(),
        actor=user,
    )
    _tell_applicant_of_decision(event, decision)
    return decision


# A partnership grant covers its own funding year and at most two more.
LATER_YEARS_AT_MOST = 2


def later_year_problems(call: GrantCall, outcome: str | None, later_years: dict[int, Decimal]) -> dict[str, Any]:
    if outcome not in (Decision.Outcome.APPROVED, Decision.Outcome.PARTLY_APPROVED):
        return {"later_years": _("Only a grant can cover later years.")}
    allowed = {call.funding_year + offset for offset in range(1, LATER_YEARS_AT_MOST + 1)}
    if not set(later_years) <= allowed:
        return {"later_years": _("A grant covers at most the two funding years after its own.")}
    largest = call.max_amount
    if largest and any(amount > largest for amount in later_years.values()):
        return {"later_years": _("The call's largest grant is %(largest)s a year.") % {"largest": euros(largest)}}
    return {}


def keep_later_years(decision: Decision, later_years: dict[int, Decimal]) -> None:
    """Record the later years' amounts; a year whose amount is unchanged keeps its confirmation."""
    decision.later_years.exclude(year__in=list(later_years)).delete()
    for year, amount in later_years.items():
        grant_year, created = GrantYear.objects.get_or_create(decision=decision, year=year, defaults={"amount": amount})
        if not created and grant_year.amount != amount:
            grant_year.amount, grant_year.confirmed_at, grant_year.confirmed_by = amount, None, None
            grant_year.save()


@transaction.atomic
def confirm_year(grant_year: GrantYear, user: User) -> GrantYear:
    """The year's appropriation is approved: its amount is no longer conditional in the ledger."""
    grant_year = (
        GrantYear.objects.select_for_update().select_related("decision__application__call").get(pk=grant_year.pk)
    )
    if grant_year.confirmed_at is None:
        grant_year.confirmed_at, grant_year.confirmed_by = timezone.now(), user
        grant_year.save(update_fields=["confirmed_at", "confirmed_by"])
        decision_recorded.send(sender=Decision, decision=grant_year.decision)
        opendata.schedule_build()
    return grant_year


def _tell_applicant_of_decision(event: ApplicationEvent, decision: Decision) -> None:
    link = settings.PORTAL_BASE_URL + reverse("grants:application", kwargs={"pk": event.application_id})
    for person in _people_of_organisation(event.application):
        emails.send_later(
            person.email,
            person.preferred_language,
            "grants/email/decision",
            {"event": event, "decision": decision, "application": event.application, "link": link, "recipient": person},
        )


@transaction.atomic
def decide(application: Application, user: User, **fields: Any) -> Decision:
    """Record the decision and, for an application in review, confirm it: both or neither."""
    decision = record_decision(application, user, **fields)
    if decision.application.status == Status.IN_REVIEW:
        take_step(application, "decide", user)
    return decision


@transaction.atomic
def set_reference(decisions: Iterable[Decision], reference: str) -> int:
    ids = [decision.pk for decision in decisions]
    updated = Decision.objects.filter(pk__in=ids).update(reference=reference.strip())
    fragments.changed(Decision)  # the published decisions show the reference
    pages.renew_for_decisions(ids)  # and so do the application pages
    return updated


@transaction.atomic
def publish_decisions(call: GrantCall) -> int:
    """Publish the call's decisions that are confirmed (the application has left review), have
    the open data rebuilt, and send each applicant its decision document."""
    to_publish = Decision.objects.filter(
        application__call=call, published_at__isnull=True, application__status__in=CONFIRMED
    )
    ids = list(to_publish.values_list("pk", flat=True))
    published = Decision.objects.filter(pk__in=ids).update(published_at=timezone.now())
    if published:
        fragments.changed(Decision)  # the published decisions and the dashboards
        opendata.schedule_build()
        documents.schedule(ids)  # each decision is sent to its applicant as a document
    return published


@transaction.atomic
def record_payment(
    decision: Decision,
    user: User,
    amount: Decimal,
    paid_on: datetime.date,
    reference: str,
    confirm_unverified: bool = False,
) -> Payment:
    """Record an instalment. The one that completes the grant also marks the application paid, in
    the same step: the coordinator does not have to remember a second one."""
    decision = Decision.objects.select_for_update().select_related("application__organisation").get(pk=decision.pk)
    application = decision.application
    if not decision.is_grant or application.status not in (Status.DECIDED, Status.PAID):
        raise ValidationError(_("Payments are recorded for a confirmed grant."), code="not_payable")
    paid = sum((p.amount for p in decision.payments.all()), Decimal("0"))
    if paid + amount > decision.amount:
        raise ValidationError(
            {
                "amount": ValidationError(
                    _("Payments would exceed the amount granted (%(granted)s); %(left)s is still to be paid."),
                    code="overpaid",
                    params={"granted": euros(decision.amount), "left": euros(decision.amount - paid)},
                )
            }
        )
    unverified = application.organisation.verified_at is None
    if unverified and not confirm_unverified:
        raise ValidationError({"confirm_unverified": unverified_problem(application)})
    payment = Payment.objects.create(
        decision=decision,
        amount=amount,
        paid_on=paid_on,
        reference=reference,
        recorded_by=user,
        unverified_confirmed=unverified,
    )
    if paid + amount == decision.amount and application.status == Status.DECIDED:
        take_step(application, "pay", user)
    return payment


def paid_total(decision: Decision) -> Decimal:
    return sum((payment.amount for payment in decision.payments.all()), Decimal("0"))


@dataclass(frozen=True)
class FundsBalance:
    """A report on the use of funds against what was granted and paid."""

    granted: Decimal
    paid: Decimal
    used: Decimal

    @property
    def overspent(self) -> Decimal:
        return max(self.used - self.paid, Decimal("0"))

    @property
    def unused(self) -> Decimal:
        return max(self.paid - self.used, Decimal("0"))


def funds_balance(decision: Decision | None, report: UseOfFundsReport | None) -> FundsBalance | None:
    if decision is None or report is None:
        return None
    return FundsBalance(granted=decision.amount, paid=paid_total(decision), used=report.amount_used)


# --- Answers and reports -------------------------------------------------------------------------


@transaction.atomic
def answer_information_request(
    application: Application, user: User, text: str, kind: str, files: Iterable[UploadedFile]
) -> ApplicationEvent | None:
    """The applicant's answer with the documents asked for, in one step: both or neither."""
    event = take_step(application, "answer", user, text)
    if event is not None:  # answered already (a double click): the files came with that answer
        for file in files:
            add_attachment(application, kind, file, user)
    return event


def information_requested(application: Application) -> ApplicationEvent | None:
    """The coordinator's latest request for information, which the answer replies to."""
    return application.events.filter(transition="request_info").order_by("-created_at", "-pk").first()


@transaction.atomic
def save_use_of_funds_report(application: Application, user: User, **fields: Any) -> UseOfFundsReport:
    """Save the report on the use of funds (its attachment is added by ``add_attachment``)."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in REPORT_EDITABLE:
        raise ValidationError(_("The report is written once the grant has been paid."), code="not_paid")
    report, _created = UseOfFundsReport.objects.update_or_create(
        application=application, defaults={**fields, "submitted_by": user, "submitted_at": timezone.now()}
    )
    return report


def overdue_reports_of(application: Application) -> list[Application]:
    """The organisation's earlier grants whose report on the use of funds is overdue."""
    return list(
        Application.objects.with_overdue_report()
        .filter(organisation=application.organisation)
        .exclude(pk=application.pk)
        .select_related("call", "decision")
        .only("pk", "title", "call__funding_year", "decision__report_due_on")
    )


# --- The submitted application as a document -----------------------------------------------------


def render_submitted_pdf(application_id: int) -> bool:
    """Render the application as it was submitted and keep it: what was received, when, from whom,
    with its budget and the attachments that came with it. Nothing to do once it exists."""
    from weasyprint import HTML

    application = Application.objects.select_related("call__area", "organisation", "submitted_by").get(
        pk=application_id
    )
    if application.submitted_pdf or application.submitted_at is None:
        return False
    with translation.override(application.submitted_by.preferred_language if application.submitted_by else "fi"):
        document = render_to_string(
            "grants/application_pdf.html",
            {
                "application": application,
                "budget_lines": application.budget_lines.all(),
                "totals": budgets.saved_budget_totals(application),
                "other_funding": application.other_funding.all(),
                # Attachments sent later (with an answer) are not part of the submission.
                "attachments": application.attachments.filter(uploaded_at__lte=application.submitted_at),
            },
        )
    pdf = HTML(string=document).write_pdf(pdf_variant="pdf/ua-1")
    storage = application.submitted_pdf.storage
    name = storage.save(uploads.random_name("grants/submissions", "application.pdf"), ContentFile(pdf))
    with transaction.atomic():
        claimed = Application.objects.filter(pk=application_id, submitted_pdf="").update(submitted_pdf=name)
        if not claimed:  # another run stored it first
            transaction.on_commit(lambda: storage.delete(name))
        else:
            pages.renew_application(application_id)
    return bool(claimed)
