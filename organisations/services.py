"""Rules about organisations and their members. Views call these; they never change rows by hand."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.models import (
    CoordinatorNote,
    Invitation,
    JoinRequest,
    Membership,
    Organisation,
    OrganisationDocument,
)
from portal import emails

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

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


@transaction.atomic
def register(
    organisation: Organisation, user: User, save_relations: Callable[[Organisation], None]
) -> tuple[Organisation, bool]:
    """Register a new organisation, or claim the unclaimed one with the same identifiers.

    ``organisation`` is the unsaved form instance; ``save_relations`` saves its many-to-many
    fields onto the row it is given. Returns the organisation and whether it was claimed.
    """
    existing = find_registered(organisation.business_id, organisation.register_number)
    if existing is not None:
        # Lock the row: of two people claiming at once, the second finds a member and must ask to join.
        existing = Organisation.objects.select_for_update().get(pk=existing.pk)
        if existing.memberships.exists():
            raise ValidationError(_("This organisation already has members in the portal."), code="has_members")
        organisation.pk = existing.pk
        organisation.created_at = existing.created_at
        organisation.business_id = organisation.business_id or existing.business_id
        organisation.register_number = organisation.register_number or existing.register_number
        # Whoever claims must be verified again by the area's coordinator.
        organisation.verified_at = organisation.verified_by = None
    organisation.save()
    save_relations(organisation)
    Membership.objects.create(user=user, organisation=organisation, role=Membership.Role.ADMIN)
    return organisation, existing is not None


@transaction.atomic
def update(organisation: Organisation, save_relations: Callable[[Organisation], None]) -> None:
    """Save an edited profile. A new name, identifier or bank account needs verifying again."""
    before = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if any(getattr(before, field) != getattr(organisation, field) for field in IDENTITY_FIELDS):
        organisation.verified_at = organisation.verified_by = None
    organisation.save()
    save_relations(organisation)


def invite(organisation: Organisation, email: str, role: str, invited_by: User, base_url: str) -> Invitation:
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


@transaction.atomic
def accept_invitation(invitation: Invitation, user: User) -> Membership:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise ValidationError(_("This invitation has already been used or has expired."), code="invitation_used")
    # A forwarded or leaked link is of no use: the invitation belongs to the address it was sent to.
    if not EmailAddress.objects.filter(user=user, email__iexact=invitation.email, verified=True).exists():
        raise ValidationError(
            _("This invitation was sent to %(email)s. Log in with that address to accept it."),
            code="invitation_email",
            params={"email": invitation.email},
        )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    if not created and invitation.role == Membership.Role.ADMIN:
        membership.role = Membership.Role.ADMIN
        membership.save(update_fields=["role"])
    return membership


def request_to_join(organisation: Organisation, user: User, message: str, base_url: str) -> JoinRequest:
    if Membership.objects.filter(organisation=organisation, user=user).exists():
        raise ValidationError(_("You are already a member of this organisation."), code="already_member")
    join_request, created = JoinRequest.objects.get_or_create(
        organisation=organisation, user=user, status=JoinRequest.Status.PENDING, defaults={"message": message}
    )
    if created:
        link = base_url + reverse("organisations:members", kwargs={"pk": organisation.pk})
        for admin in Membership.objects.admins().filter(organisation=organisation).select_related("user"):
            emails.send_later(
                admin.user.email,
                admin.user.preferred_language,
                "organisations/email/join_request",
                {"join_request": join_request, "link": link},
            )
    return join_request


@transaction.atomic
def decide_join_request(join_request: JoinRequest, accept: bool, admin: User) -> None:
    join_request = JoinRequest.objects.select_for_update().get(pk=join_request.pk)
    if join_request.status != JoinRequest.Status.PENDING:
        return  # Deciding twice (a double click, two admins) changes nothing.
    join_request.status = JoinRequest.Status.ACCEPTED if accept else JoinRequest.Status.DECLINED
    join_request.decided_by = admin
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "decided_by", "decided_at"])
    if accept:
        Membership.objects.get_or_create(user=join_request.user, organisation=join_request.organisation)


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
