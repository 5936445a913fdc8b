"""Rules about organisations and their members. Views call these; they never change rows by hand."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from organisations import permissions
from organisations import register as prh
from organisations.models import (
    CoordinatorNote,
    Invitation,
    JoinRequest,
    Membership,
    Organisation,
    OrganisationDocument,
    RegisterExtract,
    RegisterFinding,
)
from organisations.register import Company, RegisterError
from portal import emails, fragments, jobs
from portal.models import AreaRole, Municipality

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django_stubs_ext import StrOrPromise

    from portal.models import User, WelfareArea


logger = logging.getLogger(__name__)


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
    if organisation.business_id:
        _check_register_later(organisation.pk)
    return organisation, existing is not None


@transaction.atomic
def update(organisation: Organisation, save_relations: Callable[[Organisation], None]) -> None:
    """Save an edited profile. A new name, identifier or bank account needs verifying again."""
    before = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if any(getattr(before, field) != getattr(organisation, field) for field in IDENTITY_FIELDS):
        organisation.verified_at = organisation.verified_by = None
    organisation.save()
    save_relations(organisation)
    if organisation.business_id and organisation.business_id != before.business_id:
        _check_register_later(organisation.pk)  # the kept answer was about the old Business ID


def _check_register_later(organisation_id: int) -> None:
    """What the register says is kept for the coordinator's check; saving never waits for it."""
    from organisations.tasks import check_register

    jobs.after_commit(lambda: check_register.delay(organisation_id))


def set_electronic_service_consent(organisation: Organisation, user: User, given: bool) -> None:
    """Record who consented to electronic service and when, or that the consent was withdrawn;
    an unchanged answer keeps the record as it was."""
    if given == (organisation.electronic_service_consent_at is not None):
        return
    organisation.electronic_service_consent_at = timezone.now() if given else None
    organisation.electronic_service_consent_by = user if given else None
    organisation.save(update_fields=["electronic_service_consent_at", "electronic_service_consent_by"])


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


# --- The association register (PRH's open data) ---------------------------------------------------

REGISTER_FAULTS = {
    RegisterError.TIMEOUT: _(
        "The association register (PRH) did not answer in time. Fill in the details yourself: you can "
        "register without it, or try again in a moment."
    ),
    RegisterError.UNAVAILABLE: _(
        "The association register (PRH) cannot be reached just now. Fill in the details yourself: you "
        "can register without it, or try again later."
    ),
    RegisterError.BAD_RESPONSE: _(
        "The association register (PRH) sent an answer the portal could not read. Fill in the details "
        "yourself: you can register without it."
    ),
}
# On the coordinator's page, whatever the fault: the last answer kept stays in view.
CHECK_FAILED = _(
    "The association register (PRH) could not be asked just now. The details of the last check are "
    "shown; try again later."
)
NOT_IN_REGISTER = _("The association register (PRH) has no organisation with this Business ID. Check the number.")
LOOKUPS_PER_MINUTE = 20
TOO_MANY_LOOKUPS = _("You have looked up many organisations in a short time. Try again in a minute.")
# A register that fails this many organisations in a row is down: the weekly run stops until next week.
CONSECUTIVE_FAILURES_TO_STOP = 5


@dataclass(frozen=True)
class Lookup:
    """A look-up by Business ID: what the register has, or the message to show instead."""

    company: Company | None
    domicile: Municipality | None = None
    problem: StrOrPromise | None = None

    def prefill(self) -> dict[str, str]:
        """The registration form's fields the register fills in."""
        if self.company is None:
            return {}
        values = {"name_fi": self.company.name, "business_id": self.company.business_id}
        if self.domicile is not None:
            values["home_municipality"] = str(self.domicile.pk)
        return values


def domicile_of(company: Company) -> Municipality | None:
    return Municipality.objects.filter(code=company.domicile_code).first() if company.domicile_code else None


def may_look_up(user: User) -> bool:
    """PRH limits the queries of all its users together: one person may not spend the portal's share
    (``LOOKUPS_PER_MINUTE``). Counted in the security cache; without it, look-ups are let through."""
    key = f"register-lookups:{user.pk}:{int(time.time() // 60)}"
    # get and set, which portal.cache answers when Redis is away (incr would raise); two tabs at
    # once may both count one less, which a limit this loose can afford.
    count = int(cache.get(key, 0)) + 1
    cache.set(key, count, timeout=120)
    return count <= LOOKUPS_PER_MINUTE


def look_up(business_id: str) -> Lookup:
    """Ask the register at once (a page waits): a fault is a message, never an error page."""
    try:
        company = prh.fetch(business_id)
    except RegisterError as error:
        return Lookup(None, problem=REGISTER_FAULTS[error.reason])
    if company is None:
        return Lookup(None, problem=NOT_IN_REGISTER)
    return Lookup(company, domicile=domicile_of(company))


def register_company(extract: RegisterExtract | None) -> Company | None:
    """The register's record as kept at the last check (None when not found or never checked)."""
    if extract is None or not extract.found:
        return None
    try:
        return prh.parse(extract.data)
    except RegisterError:
        logger.warning("The kept register extract of organisation %s is unreadable", extract.organisation_id)
        return None


def _comparable(name: str) -> str:
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class Difference:
    label: str
    portal: str
    register: str


def register_differences(organisation: Organisation, company: Company) -> list[Difference]:
    """Where the portal's record and the register's differ: name, home municipality, status."""
    differences = []
    if company.name and _comparable(company.name) != _comparable(organisation.name_fi):
        differences.append(Difference(gettext("Name"), organisation.name_fi, company.name))
    if company.domicile_code and company.domicile_code != organisation.home_municipality.code:
        domicile = domicile_of(company)
        differences.append(
            Difference(
                gettext("Home municipality"),
                organisation.home_municipality.name,
                domicile.name if domicile else company.domicile_city,
            )
        )
    if company.ended is not None and organisation.closed_at is None:
        differences.append(
            Difference(
                gettext("Status"),
                gettext("Active"),
                gettext("Dissolved on %(date)s") % {"date": formats.date_format(company.ended, "SHORT_DATE_FORMAT")},
            )
        )
    return differences


def check_register(
    organisation: Organisation, *, retries: int | None = None, seen_by_coordinator: bool = False
) -> list[RegisterFinding]:
    """Ask the register about the organisation and keep its answer. For a verified organisation,
    record what is new for its coordinators (dissolved, another name), each finding once, and return
    the new ones. ``seen_by_coordinator``: a coordinator asked and sees them, so no email is due.
    Raises RegisterError when the register cannot be asked."""
    if not organisation.business_id:
        return []
    company = prh.fetch(organisation.business_id, retries=retries)
    with transaction.atomic():
        RegisterExtract.objects.update_or_create(
            organisation=organisation,
            defaults={
                "business_id": organisation.business_id,
                "found": company is not None,
                "data": company.raw if company is not None else {},
                "fetched_at": timezone.now(),
            },
        )
        if company is None or organisation.verified_at is None:
            return []
        found = []
        if company.ended is not None and organisation.closed_at is None:
            found.append((RegisterFinding.Kind.DISSOLVED, company.ended.isoformat(), ""))
        if company.name and _comparable(company.name) != _comparable(organisation.name_fi):
            found.append((RegisterFinding.Kind.RENAMED, company.name[:200], organisation.name_fi))
        new = []
        for kind, value, portal_value in found:
            finding, created = RegisterFinding.objects.get_or_create(
                organisation=organisation,
                kind=kind,
                value=value,
                defaults={
                    "portal_value": portal_value,
                    "notified_at": timezone.now() if seen_by_coordinator else None,
                },
            )
            if created:
                new.append(finding)
        return new


@dataclass(frozen=True)
class RegisterRun:
    checked: int
    failed: int
    flagged: int
    failures_in_a_row: int

    @property
    def register_down(self) -> bool:
        return self.failures_in_a_row >= CONSECUTIVE_FAILURES_TO_STOP


def organisations_to_check() -> list[int]:
    """The weekly check's organisations: verified, with a Business ID, still open in the portal."""
    return list(
        Organisation.objects.filter(verified_at__isnull=False, business_id__isnull=False, closed_at__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def refresh_from_register(
    organisation_ids: list[int] | None = None, *, failures_in_a_row: int = 0, pause_seconds: float | None = None
) -> RegisterRun:
    """Check these organisations (by default all that ``organisations_to_check``) against the
    register, recording what is new. Run again, it flags nothing twice. A register that has failed
    ``CONSECUTIVE_FAILURES_TO_STOP`` organisations in a row (counted on from an earlier batch with
    ``failures_in_a_row``) is down: the rest wait for next week."""
    pause = settings.PORTAL_PRH_JOB_PAUSE_MS / 1000 if pause_seconds is None else pause_seconds
    ids = organisations_to_check() if organisation_ids is None else organisation_ids
    checked = failed = flagged = 0
    in_a_row = failures_in_a_row
    for organisation in Organisation.objects.filter(pk__in=ids).order_by("pk").iterator():
        if in_a_row >= CONSECUTIVE_FAILURES_TO_STOP:
            logger.warning("PRH's register failed %s organisations in a row; checking again next week", in_a_row)
            break
        if checked or failed:
            time.sleep(pause)  # PRH limits the queries of all its users together
        try:
            flagged += len(check_register(organisation, retries=settings.PORTAL_PRH_JOB_RETRIES))
        except RegisterError:
            failed += 1
            in_a_row += 1
            continue
        checked += 1
        in_a_row = 0
    return RegisterRun(checked=checked, failed=failed, flagged=flagged, failures_in_a_row=in_a_row)


def notify_register_findings() -> int:
    """Email each coordinator, in their language, the findings not yet told about their areas'
    organisations (one email each); returns how many findings were told."""
    findings = list(
        RegisterFinding.objects.open()
        .filter(notified_at__isnull=True)
        .select_related("organisation")
        .order_by("organisation__name_fi", "kind")
    )
    recipients: dict[int, tuple[User, list[RegisterFinding]]] = {}
    for finding in findings:
        for person in coordinators_of(finding.organisation):
            recipients.setdefault(person.pk, (person, []))[1].append(finding)
    for person, theirs in recipients.values():
        emails.send_later(
            person.email,
            person.preferred_language,
            "organisations/email/register_findings",
            {"recipient": person, "findings": theirs, "base_url": settings.PORTAL_BASE_URL},
        )
    RegisterFinding.objects.filter(pk__in=[finding.pk for finding in findings]).update(notified_at=timezone.now())
    return len(findings)


def handle_finding(finding: RegisterFinding, coordinator: User) -> None:
    """The coordinator has dealt with it (asked the organisation, closed it, corrected the name)."""
    RegisterFinding.objects.filter(pk=finding.pk, handled_at__isnull=True).update(
        handled_at=timezone.now(), handled_by=coordinator
    )
