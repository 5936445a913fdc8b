"""The statements the law requires of a public e-service: the accessibility statement (Act
306/2019 § 15), with its feedback channel to the operators, and the privacy notice (GDPR Art. 13)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from portal import emails, personal_data
from portal.models import AccessibilityFeedback, User

# The last assessment of the accessibility statement: change it when the statement is reviewed
# again (at least once a year, says the Act).
LAST_ASSESSED = datetime.date(2026, 12, 1)
STATEMENT_PREPARED = datetime.date(2026, 12, 1)


def operators() -> list[User]:
    """Who runs the portal: active staff (the Django admin's users) and superusers."""
    return list(User.objects.filter(Q(is_staff=True) | Q(is_superuser=True), is_active=True).order_by("pk"))


def record_feedback(feedback: AccessibilityFeedback) -> AccessibilityFeedback:
    """Keep the message and email every operator, each in their own language, saying by when it
    must be answered."""
    feedback.save()
    link = settings.PORTAL_BASE_URL + reverse("admin:portal_accessibilityfeedback_change", args=[feedback.pk])
    for operator in operators():
        emails.send_later(
            operator.email,
            operator.preferred_language,
            "portal/email/accessibility_feedback",
            {"feedback": feedback, "link": link},
        )
    return feedback


@dataclass(frozen=True)
class Holding:
    """One kind of row the portal keeps about a person, and what deleting the account does to it."""

    what: str
    kept: bool


def holdings() -> list[Holding]:
    """What every app declares it holds about a person (``portal.personal_data``), one line per
    kind of row, so that the privacy notice lists what the code keeps."""
    seen: dict[str, bool] = {}
    for declaration in personal_data.DECLARATIONS:
        name = str(declaration.model._meta.verbose_name_plural)
        seen[name] = seen.get(name, False) or declaration.kept
    return [Holding(name[:1].upper() + name[1:], kept) for name, kept in sorted(seen.items())]
