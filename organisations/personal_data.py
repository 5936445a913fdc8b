"""What organisations hold about a person (see portal.personal_data)."""

from __future__ import annotations

from organisations import services
from organisations.models import (
    CoordinatorNote,
    Invitation,
    JoinRequest,
    Membership,
    Organisation,
    OrganisationDocument,
    RegisterFinding,
)
from portal.models import User
from portal.personal_data import declare, iso, obligation

declare(
    Membership,
    "user",
    section="memberships",
    export=lambda user: [
        {"organisation": m.organisation.name_fi, "role": m.role, "joined_at": iso(m.joined_at)}
        for m in Membership.objects.filter(user=user).select_related("organisation")
    ],
    kept=False,
)
declare(
    JoinRequest,
    "user",
    section="join_requests",
    export=lambda user: [
        {
            "organisation": r.organisation.name_fi,
            "status": r.status,
            "message": r.message,
            "created_at": iso(r.created_at),
        }
        for r in JoinRequest.objects.filter(user=user).select_related("organisation")
    ],
    kept=False,
)
declare(
    JoinRequest,
    "decided_by",
    section="join_requests_decided",
    export=lambda user: [
        {
            "organisation": r.organisation.name_fi,
            "person": r.user.full_name,
            "status": r.status,
            "at": iso(r.decided_at),
        }
        for r in JoinRequest.objects.filter(decided_by=user).select_related("organisation", "user")
    ],
    kept=True,
)
declare(
    Invitation,
    "invited_by",
    "accepted_by",
    section="invitations",
    export=lambda user: [
        {
            "organisation": i.organisation.name_fi,
            "email": i.email,
            "sent_by_you": i.invited_by_id == user.pk,
            "created_at": iso(i.created_at),
            "accepted_at": iso(i.accepted_at),
        }
        for i in Invitation.objects.filter(invited_by=user).select_related("organisation")
        | Invitation.objects.filter(accepted_by=user).select_related("organisation")
    ],
    kept=True,
)
declare(
    OrganisationDocument,
    "uploaded_by",
    section="documents_uploaded",
    export=lambda user: [
        {"organisation": d.organisation.name_fi, "kind": d.kind, "year": d.year, "file_name": d.original_name}
        for d in OrganisationDocument.objects.filter(uploaded_by=user).select_related("organisation")
    ],
    kept=True,
)
declare(
    CoordinatorNote,
    "author",
    section="coordinator_notes_written",
    export=lambda user: [
        {"organisation": n.organisation.name_fi, "area": n.area.code, "text": n.text, "created_at": iso(n.created_at)}
        for n in CoordinatorNote.objects.filter(author=user).select_related("organisation", "area")
    ],
    kept=True,
)
declare(
    Organisation,
    "verified_by",
    "closure_requested_by",
    "closed_by",
    "electronic_service_consent_by",
    section="organisations_verified_or_closed",
    export=lambda user: [
        {
            "organisation": o.name_fi,
            "verified_at": iso(o.verified_at) if o.verified_by_id == user.pk else None,
            "closure_requested_at": iso(o.closure_requested_at) if o.closure_requested_by_id == user.pk else None,
            "closed_at": iso(o.closed_at) if o.closed_by_id == user.pk else None,
            "consented_to_electronic_service_at": iso(o.electronic_service_consent_at)
            if o.electronic_service_consent_by_id == user.pk
            else None,
        }
        for o in Organisation.objects.filter(verified_by=user)
        | Organisation.objects.filter(closure_requested_by=user)
        | Organisation.objects.filter(closed_by=user)
        | Organisation.objects.filter(electronic_service_consent_by=user)
    ],
    kept=True,
)

declare(
    RegisterFinding,
    "handled_by",
    section="register_findings_handled",
    export=lambda user: [
        {"organisation": f.organisation.name_fi, "finding": f.kind, "handled_at": iso(f.handled_at)}
        for f in RegisterFinding.objects.filter(handled_by=user).select_related("organisation")
    ],
    kept=True,
)


@obligation
def _organisations_to_hand_over(user: User) -> list:
    return services.obligations_before_leaving(user)
