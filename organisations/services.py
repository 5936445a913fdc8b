"""Rules about organisations and their members. Views call these; they never change rows by hand."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations import permissions
from organisations.models import (
    CoordinatorNote,
    Invitation,
    JoinRequest,
    Membership,
    Organisation,
    OrganisationDocument,
)
from portal import emails, fragments
from portal.models import AreaRole

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django_stubs_ext import StrOrPromise

    from portal.models import User, WelfareArea


class LastAdminError(ValidationError):
    pass


IDENTITY_FIELDS = ("name_fi", "business_id", "register_number", "iban")


def find_registered(business_id: str | None, register_number: str | None) -> Organisation | None:
    """The organisation already in the portal with this Business ID or register number, if any.

    Raises ValidationError when the two identifiers belong to two different organisations.
    """
    match = Q(pk__in=[])
    if business_id:
        match |= Q(business_id=business_id)
    if register_number:
        match |= Q(register_number=register_number)
    found = list(Organisation.objects.filter(match)[:2])
    if len(found) > 1:
        raise ValidationError(
            _("The Business ID and the register number belong to two different organisations in the portal."),
            code="identifiers_mismatch",
        )
    return found[0] if found else None


def has_history(organisation: Organisation) -> bool:
    """Whether the organisation has done anything in the portal: applied for a grant, made a
    cooperation agreement, kept documents or listed activities. Its record is then worth taking
    over, so nobody gets it without a check."""
    return (
        organisation.documents.exists()
        # Rows of the grants and family-centre apps, through their reverse relations.
        or organisation.applications.exists()
        or organisation.cooperation_agreements.exists()
        or organisation.family_centre_activities.exists()
    )


def can_be_claimed(organisation: Organisation) -> bool:
    """Only a record an import of funding history created, which nobody has ever been a member of
    and which has no history, becomes the registrant's at once. Anything else is a claim that a
    coordinator of the organisation's area checks first."""
    return (
        organisation.origin == Organisation.Origin.IMPORTED
        and organisation.first_member_at is None
        and organisation.closed_at is None
        and not organisation.memberships.exists()
        and not has_history(organisation)
    )


def add_member(organisation: Organisation, user: User, role: str) -> Membership:
    """The person's membership (made when there is none), e.g. by a Suomi.fi mandate (suomifi)."""
    return _add_member(organisation, user, role)


def _add_member(organisation: Organisation, user: User, role: str) -> Membership:
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    if not created and role == Membership.Role.ADMIN and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    # Remembered for good: an organisation that has had members is never claimable again.
    Organisation.objects.filter(pk=organisation.pk, first_member_at__isnull=True).update(first_member_at=timezone.now())
    return membership


@transaction.atomic
def register(
    organisation: Organisation, user: User, save_relations: Callable[[Organisation], None]
) -> tuple[Organisation, bool]:
    """Register a new organisation, or claim the imported record with the same identifiers.

    ``organisation`` is the unsaved form instance; ``save_relations`` saves its many-to-many
    fields onto the row it is given. Returns the organisation and whether it was claimed.
    Raises ValidationError when the record exists and may not be claimed without a check.
    """
    existing = find_registered(organisation.business_id, organisation.register_number)
    if existing is not None:
        # Lock the row: of two people claiming at once, the second finds a member and must ask.
        existing = Organisation.objects.select_for_update().get(pk=existing.pk)
        if existing.memberships.exists():
            raise ValidationError(_("This organisation already has members in the portal."), code="has_members")
        if not can_be_claimed(existing):
            raise ValidationError(
                _("This organisation has earlier activity in the portal; a coordinator checks who may manage it."),
                code="needs_check",
            )
        organisation.pk = existing.pk
        organisation.created_at = existing.created_at
        organisation.origin = existing.origin
        organisation.business_id = organisation.business_id or existing.business_id
        organisation.register_number = organisation.register_number or existing.register_number
        # Whoever claims must be verified again by the area's coordinator.
        organisation.verified_at = organisation.verified_by = None
    organisation.save()
    save_relations(organisation)
    _add_member(organisation, user, Membership.Role.ADMIN)
    return organisation, existing is not None


@transaction.atomic
def update(organisation: Organisation, save_relations: Callable[[Organisation], None]) -> None:
    """Save an edited profile. A new name, identifier or bank account needs verifying again."""
    before = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if any(getattr(before, field) != getattr(organisation, field) for field in IDENTITY_FIELDS):
        organisation.verified_at = organisation.verified_by = None
    organisation.save()
    save_relations(organisation)


# Invitations carry the sender's name to any address: limited, so that an account cannot be used
# to send the portal's emails to strangers in bulk.
INVITATIONS_PER_SENDER_PER_HOUR = 10
INVITATIONS_PER_ORGANISATION_PER_DAY = 30


@transaction.atomic
def invite(organisation: Organisation, email: str, role: str, invited_by: User, base_url: str) -> Invitation:
    Organisation.objects.select_for_update().get(pk=organisation.pk)  # counts and the new row together
    now = timezone.now()
    if Invitation.objects.filter(invited_by=invited_by, created_at__gt=now - timedelta(hours=1)).count() >= (
        INVITATIONS_PER_SENDER_PER_HOUR
    ):
        raise ValidationError(
            _("You have sent %(count)s invitations in the last hour. Send more in an hour."),
            code="invitation_limit",
            params={"count": INVITATIONS_PER_SENDER_PER_HOUR},
        )
    if Invitation.objects.filter(organisation=organisation, created_at__gt=now - timedelta(days=1)).count() >= (
        INVITATIONS_PER_ORGANISATION_PER_DAY
    ):
        raise ValidationError(
            _("The organisation has sent %(count)s invitations today. Send more tomorrow."),
            code="invitation_limit",
            params={"count": INVITATIONS_PER_ORGANISATION_PER_DAY},
        )
    invitation = Invitation.objects.create(
        organisation=organisation, email=email.lower(), role=role, invited_by=invited_by
    )
    link = base_url + reverse("organisations:invitation", kwargs={"token": invitation.token})
    # The invitee has no account language yet: write in the inviter's language.
    emails.send_later(
        invitation.email,
        invited_by.preferred_language,
        "organisations/email/invitation",
        {"invitation": invitation, "link": link, "inviter": invited_by},
    )
    return invitation


def verified_addresses(user: User) -> list[str]:
    return [
        address.lower()
        for address in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    ]


def is_addressed_to(invitation: Invitation, user: User) -> bool:
    """A forwarded or leaked link is of no use: the invitation belongs to the address it was sent to."""
    return invitation.email.lower() in verified_addresses(user)


def invitations_for(user: User) -> QuerySet[Invitation]:
    """The usable invitations sent to the user's verified addresses, to offer wherever they arrive."""
    return (
        Invitation.objects.usable()
        .filter(email__in=verified_addresses(user))
        .select_related("organisation", "invited_by")
    )


@transaction.atomic
def accept_invitation(invitation: Invitation, user: User) -> Membership:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise ValidationError(_("This invitation has already been used or has expired."), code="invitation_used")
    if not is_addressed_to(invitation, user):
        raise ValidationError(
            _("This invitation was sent to %(email)s. Log in with that address to accept it."),
            code="invitation_email",
            params={"email": invitation.email},
        )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return _add_member(invitation.organisation, user, invitation.role)


@transaction.atomic
def request_to_join(organisation: Organisation, user: User, message: str) -> JoinRequest:
    """Ask the organisation's administrators to let the user in; when it has none, ask the
    coordinators of its areas, who check who the person is before they give it to them."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if Membership.objects.filter(organisation=organisation, user=user).exists():
        raise ValidationError(_("You are already a member of this organisation."), code="already_member")
    has_admins = Membership.objects.admins().filter(organisation=organisation).exists()
    join_request, created = JoinRequest.objects.get_or_create(
        organisation=organisation,
        user=user,
        status=JoinRequest.Status.PENDING,
        defaults={"message": message, "kind": JoinRequest.Kind.JOIN if has_admins else JoinRequest.Kind.CLAIM},
    )
    if created:
        if join_request.kind == JoinRequest.Kind.JOIN:
            deciders = [
                m.user for m in Membership.objects.admins().filter(organisation=organisation).select_related("user")
            ]
            page = reverse("organisations:members", kwargs={"pk": organisation.pk})
        else:
            deciders = coordinators_of(organisation)
            page = reverse("organisations:detail", kwargs={"pk": organisation.pk}) + "#requests"
        for person in deciders:
            emails.send_later(
                person.email,
                person.preferred_language,
                "organisations/email/join_request",
                {"join_request": join_request, "link": settings.PORTAL_BASE_URL + page},
            )
    return join_request


def coordinators_of(organisation: Organisation) -> list[User]:
    """The coordinators of the areas where the organisation operates or has applied."""
    return (
        AreaRole.objects.active()
        .with_role(AreaRole.Role.COORDINATOR)
        .filter(area_id__in=permissions.areas_of(organisation))
        .people()
    )


@transaction.atomic
def decide_join_request(join_request: JoinRequest, accept: bool, decider: User) -> None:
    join_request = (
        JoinRequest.objects.select_for_update().select_related("organisation", "user").get(pk=join_request.pk)
    )
    if join_request.status != JoinRequest.Status.PENDING:
        return  # Deciding twice (a double click, two deciders) changes nothing.
    join_request.status = JoinRequest.Status.ACCEPTED if accept else JoinRequest.Status.DECLINED
    join_request.decided_by = decider
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "decided_by", "decided_at"])
    if accept:
        # A claim checked by the coordinator hands the organisation over: its claimant administers it.
        role = Membership.Role.ADMIN if join_request.kind == JoinRequest.Kind.CLAIM else Membership.Role.MEMBER
        _add_member(join_request.organisation, join_request.user, role)
    requester = join_request.user
    emails.send_later(
        requester.email,
        requester.preferred_language,
        "organisations/email/join_decided",
        {
            "join_request": join_request,
            "link": settings.PORTAL_BASE_URL
            + reverse("organisations:detail", kwargs={"pk": join_request.organisation_id}),
        },
    )


def _ensure_an_admin_remains(organisation: Organisation, leaving: Membership) -> None:
    other_admins = Membership.objects.admins().filter(organisation=organisation).exclude(pk=leaving.pk)
    if leaving.role == Membership.Role.ADMIN and not other_admins.exists():
        raise LastAdminError(
            _("An organisation needs at least one administrator. Make another member an administrator first."),
            code="last_admin",
        )


def _locked(membership: Membership) -> Membership:
    """Lock all the organisation's memberships, so that two admins cannot demote each other at
    once, and return this one as it is now."""
    locked = {m.pk: m for m in Membership.objects.select_for_update().filter(organisation=membership.organisation_id)}
    return locked[membership.pk]


@transaction.atomic
def change_role(membership: Membership, role: str) -> None:
    membership = _locked(membership)
    if role != Membership.Role.ADMIN:
        _ensure_an_admin_remains(membership.organisation, membership)
    membership.role = role
    membership.save(update_fields=["role"])


@transaction.atomic
def remove_member(membership: Membership) -> None:
    membership = _locked(membership)
    _ensure_an_admin_remains(membership.organisation, membership)
    membership.delete()


def add_document(
    organisation: Organisation, kind: str, year: int, file: UploadedFile, user: User
) -> OrganisationDocument:
    return OrganisationDocument.store(file, user, organisation=organisation, kind=kind, year=year)


def verify(organisation: Organisation, coordinator: User) -> None:
    if organisation.verified_at is None:
        organisation.verified_at = timezone.now()
        organisation.verified_by = coordinator
        organisation.save(update_fields=["verified_at", "verified_by"])


def add_note(organisation: Organisation, area: WelfareArea, text: str, author: User) -> CoordinatorNote:
    return CoordinatorNote.objects.create(organisation=organisation, area=area, text=text, author=author)


# --- Handing over, closing, leaving -----------------------------------------------------------------


@transaction.atomic
def request_closure(organisation: Organisation, admin: User, reason: str) -> None:
    """An administrator asks the coordinators to close the organisation in the portal (it has
    stopped, merged or moves elsewhere); its records stay for the area's files."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.closure_requested_at is not None or organisation.closed_at is not None:
        return  # asked already (a double click): nothing more
    organisation.closure_requested_at = timezone.now()
    organisation.closure_requested_by = admin
    organisation.closure_reason = reason.strip()
    organisation.save(update_fields=["closure_requested_at", "closure_requested_by", "closure_reason"])
    link = settings.PORTAL_BASE_URL + reverse("organisations:detail", kwargs={"pk": organisation.pk}) + "#requests"
    for person in coordinators_of(organisation):
        emails.send_later(
            person.email,
            person.preferred_language,
            "organisations/email/closure_request",
            {"organisation": organisation, "admin": admin, "link": link},
        )


def close(organisation: Organisation, coordinator: User) -> None:
    """Close the organisation in the portal: it leaves the directory and applies for nothing more."""
    Organisation.objects.filter(pk=organisation.pk, closed_at__isnull=True).update(
        closed_at=timezone.now(), closed_by=coordinator
    )
    fragments.changed(Organisation)  # a closed organisation leaves the directory


def obligations_before_leaving(user: User) -> list[tuple[Organisation, StrOrPromise]]:
    """The organisations the user cannot leave behind by deleting their account, each with what to
    do first: they are its only administrator and it has other members, or a history that a
    stranger must not be able to take over."""
    found: list[tuple[Organisation, StrOrPromise]] = []
    sole_admin_of = [
        membership.organisation
        for membership in Membership.objects.admins().filter(user=user).select_related("organisation")
        if not Membership.objects.admins().filter(organisation=membership.organisation_id).exclude(user=user).exists()
    ]
    for organisation in sole_admin_of:
        if Membership.objects.filter(organisation=organisation).exclude(user=user).exists():
            found.append((organisation, _("Make another member an administrator first.")))
        elif organisation.closure_requested_at is None and has_history(organisation):
            found.append(
                (
                    organisation,
                    _(
                        "It has applications, agreements or documents in the portal. Invite someone to take over "
                        "as administrator, or ask the area's coordinator to close the organisation in the portal."
                    ),
                )
            )
    return found
