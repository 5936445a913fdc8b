"""What the application page and the reviewer's list show, kept between the changes that would
alter it.

What the page shows below its layout is the same for everyone who has the same permissions on the
application, on the same day and in the same language, so it is kept in the process's memory
(``portal.fragments``) under the topics of what it shows:

- its organisation's (``organisation_topic``): the organisation, its members (a reviewer who joins
  the applicant is a conflict), its applications and every row of theirs — events, budget, other
  funding, attachments, decision, payments, decision documents, report, unused funds, reviews; the
  organisation's other applications count too (their overdue reports are shown);
- its call's (``call_topic``): the call's title and its scoring criteria;
- the names of people (``portal.identity.NAMES``), the area roles (the reviewers offered) and the
  reference lists (target groups and municipalities).

The permissions are checked on every request and name the kept content, which is never shared by
people who may see or do different things. The forms' CSRF token and their one-time tokens
(``portal.submissions``) are not kept: the content holds placeholders that each request replaces
with its own CSRF token and a new one-time token for each form. A form sent back with its errors is
rendered afresh and not kept.

A reviewer's list (``reviewer_topics``) is kept per reviewer, tab and page under the reviewer's own
topic — renewed by their assignments and reviews, their memberships (an applicant they have joined
leaves the list), and the status or title of an application assigned to them — and under the
topics of the organisations' and the calls' names. An organisation's list of its applications is
kept under its topic and the calls' (``organisation_topics``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from grants.models import (
    Application,
    ApplicationAttachment,
    ApplicationEvent,
    BudgetLine,
    ChangeRequest,
    Decision,
    DecisionDocument,
    FundsReturn,
    GrantCall,
    GrantYear,
    OtherFunding,
    Payment,
    Review,
    ReviewAssignment,
    ReviewRequest,
    ScoringCriterion,
    UseOfFundsReport,
)
from organisations.models import Membership, organisation_topic
from portal import fragments, identity

if TYPE_CHECKING:
    from django.db import models
    from django.http import HttpRequest

# Unguessable and per process, as the kept content is: typed text cannot forge them.
CSRF_PLACEHOLDER = f"csrf{uuid.uuid4().hex}"
# The one-time token of each form that creates something (portal.submissions): every form of every
# page gets its own, as when rendered afresh. Not 32 hex digits, so that one left unfilled is refused.
SUBMISSION_PLACEHOLDER = f"once{uuid.uuid4().hex}"


def call_topic(call_id: int) -> str:
    return f"call:{call_id}"


def application_topic(application_id: int) -> str:
    return f"application:{application_id}"


def application_row(pk: int) -> Application | None:
    """The application a page shows, with its call, area, organisation and submitter, kept until
    one of them changes: the application (saved, deleted, or a new one under a reused id), any call
    or organisation, a person's name or a reference list (the area). For pages that only show it;
    a view that changes it reads it afresh."""

    def read() -> Application | None:
        return Application.objects.select_related("call__area", "organisation", "submitted_by").filter(pk=pk).first()

    topics = [application_topic(pk), "calls", "organisations", identity.NAMES, "reference"]
    return fragments.kept_value("application-row", str(pk), topics, read)


def renew_application(application_id: int) -> None:
    """An application changed with ``QuerySet.update()``."""
    topic = application_topic(application_id)
    fragments.bump(topic)
    transaction.on_commit(lambda: fragments.bump(topic))


def topics(application: Application) -> list[str]:
    return [
        organisation_topic(application.organisation_id),
        call_topic(application.call_id),
        identity.NAMES,
        "roles",
        "reference",
    ]


def content(
    request: HttpRequest, application: Application, viewer: tuple[Any, ...], render: Callable[[], str]
) -> SafeString:
    """The page's content for this viewer (what ``viewer`` says they may see and do), kept; with
    this request's CSRF token. ``render`` renders it with ``CSRF_PLACEHOLDER`` as the token."""
    identity_of_page = f"{application.pk}|{timezone.localdate().isoformat()}|{viewer!r}"
    return fill(request, fragments.kept("application-page", identity_of_page, topics(application), render))


def fill(request: HttpRequest, html: str) -> SafeString:
    """Content rendered with the placeholders, with this request's CSRF token and a new one-time
    token for each form."""
    parts = html.replace(CSRF_PLACEHOLDER, get_token(request)).split(SUBMISSION_PLACEHOLDER)
    tokens = [uuid.uuid4().hex for _gap in parts[1:]]
    filled = parts[0] + "".join(token + part for token, part in zip(tokens, parts[1:], strict=True))
    return mark_safe(filled)  # noqa: S308 - rendered with autoescape; the tokens are hex digits


def organisation_topics(organisation_id: int) -> list[str]:
    """What an organisation's list of its applications shows: its applications and their calls."""
    return [organisation_topic(organisation_id), "calls"]


def reviewer_topic(user_id: int) -> str:
    return f"reviewer:{user_id}"


def reviewer_topics(user_id: int) -> list[str]:
    return [reviewer_topic(user_id), "organisations", "calls"]


def renew_for_decisions(decision_ids: Iterable[int]) -> None:
    """Decisions changed with ``QuerySet.update()``: renew their organisations' pages."""
    topics = _organisations_of(decision__in=list(decision_ids))
    if topics:
        fragments.bump(*topics)
        transaction.on_commit(lambda: fragments.bump(*topics))


def _organisations_of(**lookup: Any) -> list[str]:
    ids = Application.objects.filter(**lookup).values_list("organisation_id", flat=True).distinct()
    return [organisation_topic(organisation_id) for organisation_id in ids]


def _in_memory(row: models.Model, name: str) -> Any:
    """The row's related ``name`` if it is already in memory (a formset's rows carry their
    application), else None: asking the database for it is left to the caller."""
    field = row._meta.get_field(name)
    return getattr(row, name) if field.is_cached(row) else None  # type: ignore[union-attr]


def _topics_of_application(application: Application | None) -> list[str] | None:
    return None if application is None else [organisation_topic(application.organisation_id)]


def track_application_pages() -> None:
    def by_application(row: models.Model) -> list[str]:
        known = _topics_of_application(_in_memory(row, "application"))
        return known if known is not None else _organisations_of(pk=row.application_id)  # type: ignore[attr-defined]

    def by_decision(row: models.Model) -> list[str]:
        decision = _in_memory(row, "decision")
        known = _topics_of_application(decision and _in_memory(decision, "application"))
        return known if known is not None else _organisations_of(decision=row.decision_id)  # type: ignore[attr-defined]

    def by_assignment(row: models.Model) -> list[str]:
        assignment = _in_memory(row, "assignment")
        known = _topics_of_application(assignment and _in_memory(assignment, "application"))
        return known if known is not None else _organisations_of(assignments=row.assignment_id)  # type: ignore[attr-defined]

    def by_call(row: models.Model) -> list[str]:
        return [call_topic(row.call_id)]  # type: ignore[attr-defined]

    fragments.track_each(
        Application,
        lambda row: [organisation_topic(row.organisation_id), application_topic(row.pk)],  # type: ignore[attr-defined]
    )
    models_of_an_application: tuple[type[models.Model], ...] = (
        ApplicationEvent,
        BudgetLine,
        OtherFunding,
        ApplicationAttachment,
        Decision,
        UseOfFundsReport,
        FundsReturn,
        ReviewAssignment,
    )
    for model in models_of_an_application:
        fragments.track_each(model, by_application)
    for of_a_decision in (Payment, DecisionDocument, ReviewRequest, ChangeRequest, GrantYear):
        fragments.track_each(of_a_decision, by_decision)
    fragments.track_each(Review, by_assignment)
    fragments.track_each(GrantCall, lambda row: [call_topic(row.pk)])
    fragments.track_each(ScoringCriterion, by_call)

    # The reviewers' lists.
    def reviewers_of(row: models.Model) -> list[str]:
        if getattr(row, "status", "") == "draft":  # a draft is assigned to nobody
            return []
        reviewers = ReviewAssignment.objects.filter(application=row.pk, reviewer__isnull=False)
        return [reviewer_topic(user_id) for user_id in reviewers.values_list("reviewer_id", flat=True)]

    def reviewer_of_review(row: models.Model) -> list[str]:
        assignment = ReviewAssignment.objects.filter(pk=row.assignment_id).values_list("reviewer_id", flat=True)  # type: ignore[attr-defined]
        return [reviewer_topic(user_id) for user_id in assignment if user_id is not None]

    fragments.track_each(ReviewAssignment, lambda row: [reviewer_topic(row.reviewer_id)] if row.reviewer_id else [])  # type: ignore[attr-defined]
    fragments.track_each(Review, reviewer_of_review)
    fragments.track_each(Application, reviewers_of)
    fragments.track_each(Membership, lambda row: [reviewer_topic(row.user_id)])  # type: ignore[attr-defined]
    fragments.track(GrantCall, "calls")
