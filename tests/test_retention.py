"""The retention schedule: what is due is removed (or only counted in a dry run), nothing else,
and the log holds numbers only."""

from __future__ import annotations

import datetime
import logging

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from grants import services
from grants.models import ApplicationAttachment, Decision
from jarjestoportaali import retention
from organisations.models import Invitation
from portal.models import User
from tests.factories import PDF_BYTES, ApplicationFactory, InvitationFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()
LONG_AGO = NOW - datetime.timedelta(days=4 * 365)


def attach(application) -> ApplicationAttachment:
    file = SimpleUploadedFile("liite.pdf", PDF_BYTES, content_type="application/pdf")
    return services.add_attachment(application, "budget", file, application.created_by or UserFactory())


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    unused = UserFactory(email="never@example.net", verified_email=False, date_joined=LONG_AGO, last_login=None)
    EmailAddress.objects.filter(user=unused).update(verified=False)
    recent = UserFactory(email="recent@example.net", verified_email=False, date_joined=NOW, last_login=None)
    EmailAddress.objects.filter(user=recent).update(verified=False)
    used = UserFactory(email="used@example.net", date_joined=LONG_AGO, last_login=LONG_AGO)
    old_invitation = InvitationFactory(expires_at=LONG_AGO)
    fresh_invitation = InvitationFactory()
    Session.objects.create(session_key="old", session_data="x", expire_date=NOW - datetime.timedelta(days=1))
    Session.objects.create(session_key="live", session_data="x", expire_date=NOW + datetime.timedelta(days=1))
    rejected = ApplicationFactory.in_state("decided")
    Decision.objects.filter(application=rejected).update(outcome="rejected", amount=0, decided_at=LONG_AGO)
    granted = ApplicationFactory.in_state("decided")
    Decision.objects.filter(application=granted).update(decided_at=LONG_AGO)
    return {
        "unused": unused, "recent": recent, "used": used, "old_invitation": old_invitation,
        "fresh_invitation": fresh_invitation, "rejected_attachment": attach(rejected),
        "granted_attachment": attach(granted),
    }  # fmt: skip


def test_a_dry_run_counts_and_removes_nothing(world):
    of_rejected = world["rejected_attachment"].application.attachments.count()
    before = ApplicationAttachment.objects.count()
    assert retention.apply(dry_run=True) == {
        "unused_accounts": 1, "expired_invitations": 1, "old_sessions": 1,
        "attachments_of_unfunded_applications": of_rejected,
    }  # fmt: skip
    assert User.objects.filter(pk=world["unused"].pk).exists()
    assert Invitation.objects.count() == 2 and Session.objects.count() == 2
    assert ApplicationAttachment.objects.count() == before


def test_the_schedule_removes_what_is_due_and_keeps_the_rest(world, django_capture_on_commit_callbacks, caplog):
    rejected_file = world["rejected_attachment"].file
    storage, name = rejected_file.storage, rejected_file.name
    with (
        caplog.at_level(logging.INFO, logger="jarjestoportaali.retention"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("apply_retention")
    assert not User.objects.filter(pk=world["unused"].pk).exists()
    assert User.objects.filter(pk__in=[world["recent"].pk, world["used"].pk]).count() == 2
    assert list(Invitation.objects.values_list("pk", flat=True)) == [world["fresh_invitation"].pk]
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]
    kept = set(ApplicationAttachment.objects.values_list("application", flat=True))
    assert kept == {world["granted_attachment"].application_id}
    assert not storage.exists(name)  # the file goes with its row
    assert Decision.objects.count() == 2  # decisions are kept
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "'unused_accounts': 1" in logged and "never@example.net" not in logged
    assert set(retention.apply().values()) == {0}  # nothing more is due


def test_the_schedule_runs_every_night():
    tasks = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert "jarjestoportaali.tasks.apply_retention" in tasks
