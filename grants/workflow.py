"""The grant application workflow as one table: every state change, who may take it and what it
requires. Views, templates and tests read ``TRANSITIONS``; ``grants.services.take_step`` saves a
step ``check`` allows, and nothing else changes a status.

draft → submitted → in_review → decided → paid → report_submitted → closed
in_review → info_requested → in_review          (the applicant answers, also after the deadline)
draft | submitted → withdrawn
report_submitted → report_returned → report_submitted
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from grants import budgets, permissions
from grants.models import REPORT_EDITABLE, Application, AttachmentKind, Decision, Status
from organisations import permissions as organisation_permissions
from portal import access
from portal import workflow as core

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from portal.models import User


class Actor(StrEnum):
    APPLICANT = "applicant"  # a member of the applying organisation
    COORDINATOR = "coordinator"  # a coordinator of the call's area
    DECISION_MAKER = "decision_maker"  # a decision-maker of the call's area


Requirement = Callable[[Application], "StrOrPromise | None"]  # a reason to refuse, or None


def call_is_open(application: Application) -> StrOrPromise | None:
    if not application.call.is_open():
        return _("The call is closed: applications can no longer be submitted.")
    return None


def missing_for_submission(application: Application) -> list[StrOrPromise]:
    """What an application still lacks before it can be submitted, in words for the applicant."""
    missing: list[StrOrPromise] = []
    if not application.title.strip():
        missing.append(_("title"))
    if not application.summary.strip():
        missing.append(_("summary"))
    if not application.planned_activities.strip():
        missing.append(_("planned activities"))
    if not application.requested_amount:
        missing.append(_("amount applied for"))
    elif problem := budgets.saved_budget_totals(application).problem():
        missing.append(problem)
    if not application.budget_lines.filter(kind="expense").exists():
        missing.append(_("budget expenses"))
    attached = set(application.attachments.values_list("kind", flat=True))
    labels = dict(AttachmentKind.choices)
    missing += [labels[kind] for kind in application.call.required_attachments if kind not in attached]
    return missing


def application_is_complete(application: Application) -> StrOrPromise | None:
    missing = missing_for_submission(application)
    if missing:
        return _("The application is not complete. Missing: %(missing)s.") % {"missing": ", ".join(map(str, missing))}
    return None


def decision_recorded(application: Application) -> StrOrPromise | None:
    if not Decision.objects.filter(application=application).exists():
        return _("Record the decision first.")
    return None


def grant_paid(application: Application) -> StrOrPromise | None:
    decision = Decision.objects.filter(application=application).first()
    if decision is None or not decision.is_grant:
        return _("Only an approved grant is paid.")
    if not decision.payments.exists():
        return _("Record the payment first.")
    return None


def report_written(application: Application) -> StrOrPromise | None:
    if not hasattr(application, "use_of_funds_report"):
        return _("Write the report on the use of funds first.")
    return None


@dataclass(frozen=True)
class Transition(core.Transition[Status, Actor]):
    requires: tuple[Requirement, ...] = ()
    needs_text: bool = False  # a message to the other side is part of the step
    text_label: StrOrPromise | None = None
    done: StrOrPromise | None = None  # what the person who took the step is told, as a sentence
    # Who hears of the step by email: the applicant's members (unless a step of its own tells them,
    # as the decision does), and the area's coordinators when the applicant took it.
    notify_applicant: bool = True
    notify_staff: bool = False


S = Status
TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "submit", frozenset({S.DRAFT}), S.SUBMITTED, frozenset({Actor.APPLICANT}), _("Submit the application"),
        requires=(call_is_open, application_is_complete), done=_("The application was submitted."),
        notify_staff=True,
    ),
    Transition(
        "withdraw", frozenset({S.DRAFT, S.SUBMITTED}), S.WITHDRAWN, frozenset({Actor.APPLICANT}),
        _("Withdraw the application"), done=_("The application was withdrawn."), notify_staff=True,
    ),
    Transition(
        "start_review", frozenset({S.SUBMITTED}), S.IN_REVIEW, frozenset({Actor.COORDINATOR}), _("Start the review"),
        done=_("The review has started."),
    ),
    Transition(
        "request_info", frozenset({S.IN_REVIEW}), S.INFO_REQUESTED, frozenset({Actor.COORDINATOR}),
        _("Ask for more information"), needs_text=True, text_label=_("What information is needed"),
        done=_("The request for information was sent to the applicant."),
    ),
    # The answer goes back into the review it interrupted, not to the start of the queue.
    Transition(
        "answer", frozenset({S.INFO_REQUESTED}), S.IN_REVIEW, frozenset({Actor.APPLICANT}), _("Send the answer"),
        needs_text=True, text_label=_("Your answer"), done=_("Your answer was sent."), notify_staff=True,
    ),
    Transition(
        "decide", frozenset({S.IN_REVIEW}), S.DECIDED, frozenset({Actor.COORDINATOR, Actor.DECISION_MAKER}),
        _("Confirm the decision"), requires=(decision_recorded,), done=_("The decision was recorded."),
        notify_applicant=False,  # the decision's own email states the outcome and the amount
    ),
    Transition(
        "pay", frozenset({S.DECIDED}), S.PAID, frozenset({Actor.COORDINATOR}), _("Mark as paid"),
        requires=(grant_paid,), done=_("The application is marked as paid."),
    ),
    Transition(
        "submit_report", REPORT_EDITABLE, S.REPORT_SUBMITTED, frozenset({Actor.APPLICANT}),
        _("Submit the report on the use of funds"), requires=(report_written,),
        done=_("The report on the use of funds was submitted."), notify_staff=True,
    ),
    Transition(
        "return_report", frozenset({S.REPORT_SUBMITTED}), S.REPORT_RETURNED, frozenset({Actor.COORDINATOR}),
        _("Return the report for completion"), needs_text=True, text_label=_("What needs to be completed"),
        done=_("The report was returned to the applicant for completion."),
    ),
    Transition(
        "accept_report", frozenset({S.REPORT_SUBMITTED}), S.CLOSED, frozenset({Actor.COORDINATOR}),
        _("Accept the report and close"), done=_("The report was accepted and the application closed."),
    ),
)  # fmt: skip
BY_NAME = {transition.name: transition for transition in TRANSITIONS}


def actors_of(user: User, application: Application) -> set[Actor]:
    actors = {Actor.APPLICANT} if organisation_permissions.is_member(user, application.organisation) else set()
    # A member of the applicant is never its coordinator or decision-maker (a conflict of interest).
    roles = permissions.staff_roles_for(user, application)
    if access.Role.COORDINATOR in roles:
        actors.add(Actor.COORDINATOR)
    if access.Role.DECISION_MAKER in roles:
        actors.add(Actor.DECISION_MAKER)
    return actors


def available(application: Application, user: User) -> list[Transition]:
    """The steps this user may take now (requirements are checked when the step is taken)."""
    actors = actors_of(user, application)
    return [t for t in TRANSITIONS if t.open_to(application.status, actors)]


def check(application: Application, name: str, user: User, text: str = "") -> Transition | None:
    """The step to take, or None when it had already been taken (submitting twice is harmless).
    Raises core.Refusal with a reason the user can read."""
    transition = core.check(
        BY_NAME,
        name,
        application,
        actors_of(user, application),
        _("This step is not possible while the application is “%(status)s”."),
    )
    if transition is None:
        return None
    if transition.needs_text and not text.strip():
        raise core.Refusal(_("Write a message to go with this step."), code="no_text")
    for requirement in transition.requires:
        if reason := requirement(application):
            raise core.Refusal(reason, code=requirement.__name__)
    return transition
