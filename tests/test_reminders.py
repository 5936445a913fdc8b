"""Reminders from Celery beat (grants/reminders.py): drafts of calls about to close and reports on
the use of funds due or overdue, to every member of the organisation in their own language, each
sent once however often the job runs."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from grants import reminders
from grants.models import Reminder, UseOfFundsReport
from grants.tasks import send_reminders
from portal.settings import CELERY_BEAT_SCHEDULE
from tests.factories import ApplicationFactory, GrantCallFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def draft_closing_in(delta: datetime.timedelta, **kwargs: object):
    call = GrantCallFactory(closes_at=timezone.now() + delta, title_fi="Sote-avustukset 2027")
    membership = MembershipFactory.admin(**kwargs)
    return ApplicationFactory(call=call, organisation=membership.organisation, title="Vertaistuki"), membership


def run_job(django_capture_on_commit_callbacks) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return send_reminders.delay().get()


def test_a_draft_of_a_call_closing_in_a_week_is_reminded_once(django_capture_on_commit_callbacks):
    draft, membership = draft_closing_in(datetime.timedelta(days=6))
    assert run_job(django_capture_on_commit_callbacks) == 1
    assert run_job(django_capture_on_commit_callbacks) == 0  # the job runs again: nothing twice
    assert [message.to for message in mail.outbox] == [[membership.user.email]]
    message = mail.outbox[0]
    assert "Sote-avustukset 2027" in message.subject and "viikon" in message.subject
    assert "Vertaistuki" in message.body and f"/applications/{draft.pk}/" in message.body
    assert Reminder.objects.get(application=draft).kind == Reminder.Kind.DRAFT_WEEK


def test_the_day_before_closing_a_second_reminder_goes_out(django_capture_on_commit_callbacks):
    draft, _membership = draft_closing_in(datetime.timedelta(days=6))
    run_job(django_capture_on_commit_callbacks)
    draft.call.closes_at = timezone.now() + datetime.timedelta(hours=20)
    draft.call.save()
    assert run_job(django_capture_on_commit_callbacks) == 1
    assert run_job(django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 2
    assert "huomenna" in mail.outbox[1].subject


def test_a_draft_found_first_the_day_before_gets_one_reminder_not_two(django_capture_on_commit_callbacks):
    draft_closing_in(datetime.timedelta(hours=10))
    assert run_job(django_capture_on_commit_callbacks) == 1
    assert run_job(django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 1


def test_a_swedish_member_is_reminded_in_swedish(django_capture_on_commit_callbacks):
    draft_closing_in(datetime.timedelta(days=3), user__preferred_language="sv")
    run_job(django_capture_on_commit_callbacks)
    assert "stänger om en vecka" in mail.outbox[0].subject


@pytest.mark.parametrize(
    "delta", [datetime.timedelta(days=20), -datetime.timedelta(minutes=5)], ids=["far off", "closed"]
)
def test_no_reminder_for_a_call_far_from_closing_or_closed(django_capture_on_commit_callbacks, delta):
    draft_closing_in(delta)
    assert run_job(django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_no_reminder_for_a_submitted_application(django_capture_on_commit_callbacks):
    call = GrantCallFactory(closes_at=timezone.now() + datetime.timedelta(days=2))
    MembershipFactory.admin(organisation=ApplicationFactory.submitted(call=call).organisation)
    assert run_job(django_capture_on_commit_callbacks) == 0


def paid_grant(report_due_on: datetime.date):
    application = ApplicationFactory.in_state("paid")
    application.decision.report_due_on = report_due_on
    application.decision.save()
    membership = MembershipFactory.admin(organisation=application.organisation)
    return application, membership


def test_a_report_due_within_30_days_is_reminded_once(django_capture_on_commit_callbacks):
    due = timezone.localdate() + datetime.timedelta(days=25)
    _application, membership = paid_grant(due)
    assert run_job(django_capture_on_commit_callbacks) == 1
    assert run_job(django_capture_on_commit_callbacks) == 0
    assert [message.to for message in mail.outbox] == [[membership.user.email]]
    assert due.strftime("%-d.%-m.%Y") in mail.outbox[0].body


def test_an_overdue_report_is_reminded_once_and_says_so(django_capture_on_commit_callbacks):
    application, _membership = paid_grant(timezone.localdate() - datetime.timedelta(days=1))
    assert run_job(django_capture_on_commit_callbacks) == 1
    assert run_job(django_capture_on_commit_callbacks) == 0
    assert "myöhässä" in mail.outbox[0].subject
    assert Reminder.objects.get(application=application).kind == Reminder.Kind.REPORT_OVERDUE


def test_no_reminder_once_the_report_is_submitted(django_capture_on_commit_callbacks):
    application = ApplicationFactory.in_state("report_submitted")
    application.decision.report_due_on = timezone.localdate() - datetime.timedelta(days=3)
    application.decision.save()
    MembershipFactory.admin(organisation=application.organisation)
    assert UseOfFundsReport.objects.filter(application=application).exists()
    assert run_job(django_capture_on_commit_callbacks) == 0


def test_two_runs_at_once_send_each_reminder_once(django_capture_on_commit_callbacks):
    _draft, _membership = draft_closing_in(datetime.timedelta(days=5))
    found = reminders.due()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_due() == 1
    # A second run that read the same due list before the first wrote its row.
    with django_capture_on_commit_callbacks(execute=True):
        assert not reminders._send(*found[0])
    assert len(mail.outbox) == 1


def test_celery_beat_sends_the_reminders_every_morning():
    entry = CELERY_BEAT_SCHEDULE["daily-reminders"]
    assert entry["task"] == "grants.tasks.send_reminders"
    assert entry["schedule"].hour == {7}
