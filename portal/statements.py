"""The statements the law requires of a public e-service: the accessibility statement (Act
306/2019 § 15), with its feedback channel to the operators, and the privacy notice (GDPR Art. 13)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

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


# What the privacy notice calls each section of a person's data (``portal.personal_data``); a test
# fails when an app declares a section without a name here.
SECTIONS: dict[str, Promise] = {
    "email_addresses": _("Your email addresses"),
    "area_roles": _("Your roles in the wellbeing areas"),
    "two_factor_authentication": _("Your two-factor authentication"),
    "forms_sent": _("Records of the forms you sent, which keep a form from being handled twice"),
    "administration_log": _("What you changed in the administration as an operator"),
    "memberships": _("Your memberships in organisations"),
    "join_requests": _("Your requests to join organisations"),
    "join_requests_decided": _("Requests to join that you decided"),
    "invitations": _("Invitations you sent or accepted"),
    "documents_uploaded": _("Documents you uploaded for an organisation"),
    "coordinator_notes_written": _("Notes you wrote as a coordinator"),
    "organisations_verified_or_closed": _("Organisations you verified, asked to close or closed"),
    "register_findings_handled": _("Findings of the association register you marked as handled"),
    "applications": _("Applications you created or sent"),
    "application_events": _("Messages, notes and status changes of applications"),
    "attachments_uploaded": _("Attachments you uploaded"),
    "reviews": _("Reviews you were assigned or assigned to others"),
    "decisions": _("Decisions you recorded or confirmed"),
    "payments_recorded": _("Payments you recorded"),
    "reports_on_use_of_funds": _("Reports on the use of funds you sent"),
    "calls_created": _("Calls for grants you created"),
    "continuity_reports": _("Continuity reports you requested or published"),
    "funding_imports": _("Funding history you imported"),
    "agreements": _("Cooperation agreements you drafted, sent, signed or ended"),
    "activities_listed": _("Family-centre activities you listed"),
    "decision_documents_opened": _("Decision documents you opened for your organisation"),
    "returns_waived": _("Returns of unused funds you waived"),
    "requests_for_review": _("Requests for review you filed or resolved"),
    "review_request_attachments_uploaded": _("Documents you attached to requests for review"),
    "change_requests": _("Change requests you filed or resolved"),
    "grant_years_confirmed": _("Later years of multi-year grants you confirmed"),
    "suomifi_identification": _("Your Suomi.fi identity: your name and a pseudonym, never your personal identity code"),
    "suomifi_mandates": _("What Suomi.fi Mandates told the portal about the associations you chose, and when"),
}


@dataclass(frozen=True)
class Holding:
    """One section of what the portal keeps about a person, and what deleting the account does to it."""

    what: str
    kept: bool


def holdings() -> list[Holding]:
    """What every app declares it holds about a person (``portal.personal_data``), in the order
    declared, so that the privacy notice lists what the code keeps."""
    found: dict[str, Holding] = {}
    for declaration in personal_data.DECLARATIONS:
        if declaration.section not in found:
            name = str(SECTIONS.get(declaration.section) or declaration.model._meta.verbose_name_plural)
            found[declaration.section] = Holding(name[:1].upper() + name[1:], declaration.kept)
    return list(found.values())
