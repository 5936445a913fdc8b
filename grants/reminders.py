"""Reminders sent by Celery beat every morning (``grants.tasks.send_reminders``), each at most
once per application and kind however often the job runs (a ``Reminder`` row, unique per kind,
is written in the same transaction as the emails are queued):

- to every member of an organisation with an unsubmitted draft, when the call closes within a
  week, and again when it closes within a day;
- to the same people when the report on the use of funds is due within 30 days, and when it is
  overdue;
- to the area's coordinators and decision-makers when a request for review is still waiting a
  week before the day the area means to have resolved it (its ``reminded_at``, set by a
  conditional update, makes it once).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from grants.models import (
    REPORT_EDITABLE,
    REVIEW_REQUEST_HANDLING_DAYS,
    Application,
    Reminder,
    ReviewRequest,
    Status,
)
from organisations.models import Membership
from portal import emails

TEMPLATES: dict[str, str] = {
    Reminder.Kind.DRAFT_WEEK: "grants/email/reminder_draft",
    Reminder.Kind.DRAFT_DAY: "grants/email/reminder_draft",
    Reminder.Kind.REPORT_DUE: "grants/email/reminder_report",
    Reminder.Kind.REPORT_OVERDUE: "grants/email/reminder_report",
}


def due(now: datetime.datetime | None = None) -> list[tuple[Application, str]]:
    """The reminders that are due and not yet sent, as (application, kind)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    drafts = Application.objects.filter(status=Status.DRAFT, call__closes_at__gt=now).select_related(
        "call", "organisation"
    )
    found: list[tuple[Application, str]] = []
    for kind, within in ((Reminder.Kind.DRAFT_DAY, 1), (Reminder.Kind.DRAFT_WEEK, 7)):
        closing = drafts.filter(call__closes_at__lte=now + datetime.timedelta(days=within))
        found += [(application, kind) for application in _not_sent(closing, kind)]
    reporting = Application.objects.filter(status__in=REPORT_EDITABLE, decision__report_due_on__isnull=False)
    reporting = reporting.select_related("call", "organisation", "decision")
    overdue = reporting.filter(decision__report_due_on__lt=today)
    soon = reporting.filter(
        decision__report_due_on__gte=today, decision__report_due_on__lte=today + datetime.timedelta(days=30)
    )
    for kind, applications in ((Reminder.Kind.REPORT_OVERDUE, overdue), (Reminder.Kind.REPORT_DUE, soon)):
        found += [(application, kind) for application in _not_sent(applications, kind)]
    return found


def _not_sent(applications: QuerySet[Application], kind: str) -> list[Application]:
    return list(applications.exclude(reminders__kind=kind))


REVIEW_REQUEST_REMINDER_DAYS = 7


def review_requests_due(now: datetime.datetime | None = None) -> QuerySet[ReviewRequest]:
    """Requests for review waiting within a week of their target day, not yet reminded of."""
    now = now or timezone.now()
    waited = datetime.timedelta(days=REVIEW_REQUEST_HANDLING_DAYS - REVIEW_REQUEST_REMINDER_DAYS)
    return ReviewRequest.objects.pending().filter(reminded_at__isnull=True, filed_at__lte=now - waited)


def send_review_request_reminders(now: datetime.datetime | None = None) -> int:
    from grants.reviewrequests import staff_of_area

    sent = 0
    for request in review_requests_due(now).select_related("decision__application__call__area",
                                                           "decision__application__organisation"):  # fmt: skip
        # Claimed by a conditional update: a second run at the same time finds it taken.
        if not ReviewRequest.objects.filter(pk=request.pk, reminded_at__isnull=True).update(reminded_at=timezone.now()):
            continue
        link = settings.PORTAL_BASE_URL + reverse("grants:review_request", kwargs={"pk": request.pk})
        context = {"review_request": request, "application": request.decision.application, "link": link}
        emails.send_to_each(staff_of_area(request), "grants/email/review_request_reminder", context)
        sent += 1
    return sent


def send_due(now: datetime.datetime | None = None) -> int:
    """Send the due reminders; returns how many were sent. A day-before reminder makes the
    week-before one of the same draft unnecessary: only one of them goes out."""
    sent = send_review_request_reminders(now)
    handled: set[int] = set()
    for application, kind in due(now):
        if kind == Reminder.Kind.DRAFT_WEEK and application.pk in handled:
            continue
        if _send(application, kind):
            sent += 1
        handled.add(application.pk)
    return sent


def _send(application: Application, kind: str) -> bool:
    people = Membership.objects.filter(organisation=application.organisation).people()
    try:
        with transaction.atomic():
            Reminder.objects.create(application=application, kind=kind, recipients=len(people))
            if kind == Reminder.Kind.DRAFT_DAY:
                # The week's reminder is not sent after the day's.
                Reminder.objects.get_or_create(application=application, kind=Reminder.Kind.DRAFT_WEEK)
            link = settings.PORTAL_BASE_URL + reverse("grants:application", kwargs={"pk": application.pk})
            emails.send_to_each(people, TEMPLATES[kind], {"application": application, "kind": kind, "link": link})
    except IntegrityError:  # another run sent it first
        return False
    return True
