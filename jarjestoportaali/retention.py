"""The retention schedule: what the portal removes, after how long and why (docs/design.md,
"Retention"). A nightly job applies it (``jarjestoportaali.tasks.apply_retention``) and
``manage.py apply_retention --dry-run`` tells what it would remove. What it removed is logged in
numbers, never in personal data. Decisions, payments, reports and the funding ledger are kept: the
Archives Act and the area's archive plan decide over them, not this schedule.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from grants.models import ApplicationAttachment, Decision, Status
from organisations.models import Invitation
from portal.models import User

logger = logging.getLogger(__name__)

YEAR = datetime.timedelta(days=365)
UNUSED_ACCOUNT_AGE = YEAR  # an account never verified nor used, after 12 months
EXPIRED_INVITATION_AGE = datetime.timedelta(days=90)  # kept a while to answer "where did it go"
ATTACHMENTS_OF_UNFUNDED_AGE = 3 * YEAR  # rejected or withdrawn: the period for any complaint is long over


@dataclass(frozen=True)
class Rule:
    name: str
    what: str
    rows: Callable[[datetime.datetime], QuerySet]  # what is due for removal at the given moment
    remove: Callable[[QuerySet], None]


def _unused_accounts(now: datetime.datetime) -> QuerySet[User]:
    verified = EmailAddress.objects.filter(verified=True).values("user")
    return User.objects.filter(
        last_login__isnull=True, date_joined__lt=now - UNUSED_ACCOUNT_AGE, is_staff=False, is_superuser=False
    ).exclude(pk__in=verified)


def _expired_invitations(now: datetime.datetime) -> QuerySet[Invitation]:
    return Invitation.objects.filter(accepted_at__isnull=True, expires_at__lt=now - EXPIRED_INVITATION_AGE)


def _old_sessions(now: datetime.datetime) -> QuerySet[Session]:
    return Session.objects.filter(expire_date__lt=now)


def _attachments_of_unfunded(now: datetime.datetime) -> QuerySet[ApplicationAttachment]:
    before = now - ATTACHMENTS_OF_UNFUNDED_AGE
    rejected = Q(application__decision__outcome=Decision.Outcome.REJECTED, application__decision__decided_at__lt=before)
    # ``updated_at`` moves with every change of the application: the withdrawal was its last.
    withdrawn = Q(application__status=Status.WITHDRAWN, application__updated_at__lt=before)
    return ApplicationAttachment.objects.filter(rejected | withdrawn)


def _delete(rows: QuerySet) -> None:
    rows.delete()


def _delete_with_files(rows: QuerySet[ApplicationAttachment]) -> None:
    for attachment in rows.iterator():
        attachment.delete_with_file()


SCHEDULE = [
    Rule("unused_accounts", "accounts never verified nor used, 12 months after sign-up", _unused_accounts, _delete),
    Rule("expired_invitations", "invitations not accepted, 90 days after they expired", _expired_invitations, _delete),
    Rule("old_sessions", "sessions after they expired", _old_sessions, _delete),
    Rule(
        "attachments_of_unfunded_applications",
        "attachments of rejected and withdrawn applications, 3 years after the outcome",
        _attachments_of_unfunded,
        _delete_with_files,
    ),
]


def apply(dry_run: bool = False, now: datetime.datetime | None = None) -> dict[str, int]:
    """Remove what the schedule says is due (or only count it); returns the number per rule."""
    now = now or timezone.now()
    removed: dict[str, int] = {}
    for rule in SCHEDULE:
        with transaction.atomic():
            rows = rule.rows(now)
            removed[rule.name] = rows.count()
            if not dry_run and removed[rule.name]:
                rule.remove(rows)
    logger.info("Retention %s: %s", "dry run" if dry_run else "applied", removed)
    return removed
