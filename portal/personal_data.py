"""A person's own data: a copy to download, and deleting the account.

Deleting an account ends the person's memberships and roles; what they wrote for an
organisation (documents, notes, invitations) stays with it, with their name removed.
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from organisations import services
from organisations.models import CoordinatorNote, Invitation, JoinRequest, Membership, OrganisationDocument
from portal.models import AreaRole, User


def export(user: User) -> dict[str, Any]:
    """Everything the portal holds about the user, as JSON-ready data."""
    return {
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "preferred_language": user.preferred_language,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "email_addresses": list(EmailAddress.objects.filter(user=user).values("email", "verified", "primary")),
        "area_roles": [
            {
                "area": role.area.code if role.area else None,  # a national viewer has no area
                "role": role.role,
                "valid_from": str(role.valid_from),
                "valid_to": str(role.valid_to or ""),
            }
            for role in AreaRole.objects.filter(user=user).select_related("area")
        ],
        "memberships": [
            {"organisation": m.organisation.name_fi, "role": m.role, "joined_at": m.joined_at.isoformat()}
            for m in Membership.objects.filter(user=user).select_related("organisation")
        ],
        "join_requests": [
            {
                "organisation": r.organisation.name_fi,
                "status": r.status,
                "message": r.message,
                "created_at": r.created_at.isoformat(),
            }
            for r in JoinRequest.objects.filter(user=user).select_related("organisation")
        ],
        "invitations_sent": [
            {"organisation": i.organisation.name_fi, "email": i.email, "created_at": i.created_at.isoformat()}
            for i in Invitation.objects.filter(invited_by=user).select_related("organisation")
        ],
        "documents_uploaded": [
            {"organisation": d.organisation.name_fi, "kind": d.kind, "year": d.year, "file_name": d.original_name}
            for d in OrganisationDocument.objects.filter(uploaded_by=user).select_related("organisation")
        ],
        "coordinator_notes_written": [
            {
                "organisation": n.organisation.name_fi,
                "area": n.area.code,
                "text": n.text,
                "created_at": n.created_at.isoformat(),
            }
            for n in CoordinatorNote.objects.filter(author=user).select_related("organisation", "area")
        ],
    }


@transaction.atomic
def delete_account(user: User) -> None:
    blocking = services.obligations_before_leaving(user)
    if blocking:
        raise ValidationError(
            _("First hand over or close %(names)s."),
            code="last_admin",
            params={"names": ", ".join(organisation.name for organisation, _reason in blocking)},
        )
    # Foreign keys to what the user wrote are SET_NULL; memberships, roles and requests cascade.
    user.delete()
