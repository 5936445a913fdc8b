"""The access policy: the one place that answers "may this user see or do this?".

Views ask these functions and use the scoped querysets they return; they never filter by
hand. Area roles are assignments with a validity period, so every question looks at the
roles active today.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from familycentre.models import AgreementStatus, CooperationAgreement, FamilyCentre, FamilyCentreActivity
from funding.models import ContinuityReport
from grants.models import Application, GrantCall, ReviewAssignment, Status
from organisations.models import CoordinatorNote, JoinRequest, Membership, Organisation, OrganisationDocument
from portal.models import AreaRole, WelfareArea

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portal.models import User

    AnyUser = User | AnonymousUser

Role = AreaRole.Role

# Roles that take decisions about money or data and therefore must use two-factor login.
MFA_REQUIRED_ROLES = frozenset({Role.COORDINATOR, Role.DECISION_MAKER})

# What each role may do, shown to the person in their workspace.
ROLE_DUTIES = {
    Role.COORDINATOR: _(
        "Publishes grant calls, verifies organisations, assigns reviewers, records decisions and "
        "payments, manages family centres and agreements, and publishes reports."
    ),
    Role.REVIEWER: _("Scores the grant applications assigned to you and declares any conflict of interest."),
    Role.DECISION_MAKER: _("Records the formal decisions on grant applications."),
    Role.COUNCILLOR: _("Reads the area's published reports and dashboard; changes nothing."),
    Role.NATIONAL_VIEWER: _("Reads the national overview of funding continuity; changes nothing."),
}


def active_roles(user: AnyUser) -> QuerySet[AreaRole]:
    """The user's area roles valid today, cached on the user object for this request."""
    if not user.is_authenticated:
        return AreaRole.objects.none()
    cached = getattr(user, "_active_area_roles", None)
    if cached is None:
        cached = AreaRole.objects.filter(user=user).active().select_related("area")
        user._active_area_roles = cached
    return cached


def has_area_role(user: AnyUser, area: WelfareArea, *roles: str) -> bool:
    """True when the user holds one of ``roles`` (any role when none given) in ``area`` today."""
    return any(r.area_id == area.pk and (not roles or r.role in roles) for r in active_roles(user))


def areas_with_role(user: AnyUser, *roles: str) -> QuerySet[WelfareArea]:
    """The areas in which the user holds one of ``roles`` today (any role when none given)."""
    assignments = active_roles(user)
    if roles:
        assignments = assignments.with_role(*roles)
    return WelfareArea.objects.filter(pk__in=assignments.values("area_id"))


def can_open_area_workspace(user: AnyUser, area: WelfareArea) -> bool:
    return has_area_role(user, area)


def can_use_admin(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def requires_mfa(user: AnyUser) -> bool:
    """Staff, coordinators and decision-makers must have TOTP before any staff page opens."""
    if not user.is_authenticated:
        return False
    return user.is_staff or user.is_superuser or any(r.role in MFA_REQUIRED_ROLES for r in active_roles(user))


def has_totp(user: AnyUser) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def must_set_up_mfa(user: AnyUser) -> bool:
    return settings.PORTAL_REQUIRE_STAFF_MFA and requires_mfa(user) and not has_totp(user)


# --- Organisations ------------------------------------------------------------------------------


def membership(user: AnyUser, organisation: Organisation) -> Membership | None:
    if not user.is_authenticated:
        return None
    cache = user.__dict__.setdefault("_memberships", {})
    if organisation.pk not in cache:
        cache[organisation.pk] = Membership.objects.filter(user=user, organisation=organisation).first()
    return cache[organisation.pk]


def is_member(user: AnyUser, organisation: Organisation) -> bool:
    return membership(user, organisation) is not None


def is_organisation_admin(user: AnyUser, organisation: Organisation) -> bool:
    found = membership(user, organisation)
    return found is not None and found.role == Membership.Role.ADMIN


def coordinated_areas_of(user: AnyUser, organisation: Organisation) -> QuerySet[WelfareArea]:
    """The areas the user coordinates in which the organisation operates."""
    areas = areas_with_role(user, Role.COORDINATOR)
    return areas.filter(pk__in=areas_of(organisation))


def areas_of(organisation: Organisation) -> set[int]:
    """Where the organisation operates (home and municipalities) or has applied for a grant; kept
    on the instance, because one page asks several questions about the same organisation."""
    if "_access_areas" not in organisation.__dict__:
        organisation.__dict__["_access_areas"] = (
            {organisation.home_municipality.area_id}
            | set(organisation.municipalities.values_list("area_id", flat=True))
            | set(
                Application.objects.filter(organisation=organisation)
                .submitted()
                .values_list("call__area_id", flat=True)
            )
        )
    return organisation.__dict__["_access_areas"]


def coordinates(user: AnyUser, organisation: Organisation) -> bool:
    """True for a coordinator of an area where the organisation operates."""
    coordinated = {r.area_id for r in active_roles(user) if r.role == Role.COORDINATOR}
    return bool(coordinated) and bool(coordinated & areas_of(organisation))


def can_edit_organisation(user: AnyUser, organisation: Organisation) -> bool:
    """The whole profile, with what the organisation is and how it is reached and paid (names,
    identifiers, kind, home municipality, contacts, bank account): its administrators, who answer
    for it. Members see these details on the organisation's page."""
    return is_organisation_admin(user, organisation)


def can_edit_activity(user: AnyUser, organisation: Organisation) -> bool:
    """What the organisation does (descriptions, themes, activity types, languages): every member
    keeps these up to date. Where it operates decides which coordinators see its private details,
    so that is its administrators' to change."""
    return is_member(user, organisation)


def can_manage_documents(user: AnyUser, organisation: Organisation) -> bool:
    """Uploading and deleting the organisation's documents: every member."""
    return is_member(user, organisation)


def can_manage_members(user: AnyUser, organisation: Organisation) -> bool:
    return is_organisation_admin(user, organisation)


def can_see_private_details(user: AnyUser, organisation: Organisation) -> bool:
    """IBAN, members and documents: the organisation itself and the coordinators of its areas."""
    return is_member(user, organisation) or coordinates(user, organisation)


def can_download_document(user: AnyUser, document: OrganisationDocument) -> bool:
    return can_see_private_details(user, document.organisation)


def can_verify(user: AnyUser, organisation: Organisation) -> bool:
    return coordinates(user, organisation)


def can_decide_join_request(user: AnyUser, join_request: JoinRequest) -> bool:
    """An organisation's administrators let people in; a claim of one without members is checked
    by a coordinator of its area."""
    if join_request.kind == JoinRequest.Kind.CLAIM:
        return coordinates(user, join_request.organisation)
    return is_organisation_admin(user, join_request.organisation)


def can_close(user: AnyUser, organisation: Organisation) -> bool:
    return coordinates(user, organisation)


def visible_notes(user: AnyUser, organisation: Organisation) -> QuerySet[CoordinatorNote]:
    """Coordinators' notes on the organisation from the areas the user coordinates."""
    return CoordinatorNote.objects.filter(
        organisation=organisation, area__in=coordinated_areas_of(user, organisation)
    ).select_related("author", "area")


def organisations_coordinated_by(user: AnyUser, area: WelfareArea) -> QuerySet[Organisation]:
    """The organisations operating in ``area``, when the user coordinates it; otherwise none."""
    if not has_area_role(user, area, Role.COORDINATOR):
        return Organisation.objects.none()
    return Organisation.objects.operating_in(area)


# --- Grants -----------------------------------------------------------------------------------


def can_manage_calls(user: AnyUser, area: WelfareArea) -> bool:
    return has_area_role(user, area, Role.COORDINATOR)


def calls_visible_to(user: AnyUser) -> QuerySet[GrantCall]:
    """Published calls, and the unpublished ones of the areas the user coordinates."""
    return GrantCall.objects.filter(Q(published_at__isnull=False) | Q(area__in=areas_with_role(user, Role.COORDINATOR)))


def staff_roles_for(user: AnyUser, application: Application) -> set[str]:
    """The user's roles in the call's area; none for a member of the applicant (a conflict)."""
    if is_member(user, application.organisation):
        return set()
    return {r.role for r in active_roles(user) if r.area_id == application.call.area_id}


def _deciding_staff(user: AnyUser, application: Application) -> bool:
    return bool(staff_roles_for(user, application) & {Role.COORDINATOR, Role.DECISION_MAKER})


def is_assigned_reviewer(user: AnyUser, application: Application) -> bool:
    return (
        user.is_authenticated
        and Role.REVIEWER in staff_roles_for(user, application)
        and application.assignments.filter(reviewer=user, conflict_of_interest=False).exists()
    )


def can_view_application(user: AnyUser, application: Application) -> bool:
    """The applicant; once submitted, the area's coordinators, decision-makers and assigned reviewers."""
    if is_member(user, application.organisation):
        return True
    if application.status == Status.DRAFT:
        return False
    return _deciding_staff(user, application) or is_assigned_reviewer(user, application)


def can_edit_application(user: AnyUser, application: Application) -> bool:
    return is_member(user, application.organisation) and application.status == Status.DRAFT


def can_manage_application(user: AnyUser, application: Application) -> bool:
    return application.status != Status.DRAFT and Role.COORDINATOR in staff_roles_for(user, application)


def can_decide(user: AnyUser, application: Application) -> bool:
    return application.status != Status.DRAFT and _deciding_staff(user, application)


def sees_internal_events(user: AnyUser, application: Application) -> bool:
    """Internal notes, every review and the overdue warnings: the deciding staff only."""
    return application.status != Status.DRAFT and _deciding_staff(user, application)


def applications_in_area(user: AnyUser, area: WelfareArea) -> QuerySet[Application]:
    """The area's submitted applications, for its coordinators and decision-makers; else none."""
    if not has_area_role(user, area, Role.COORDINATOR, Role.DECISION_MAKER):
        return Application.objects.none()
    return Application.objects.in_area(area).submitted()


def review_assignments_of(user: AnyUser) -> QuerySet[ReviewAssignment]:
    """The user's review assignments in the areas where they are a reviewer today, checked at every
    access: none of an organisation they belong to."""
    if not user.is_authenticated:
        return ReviewAssignment.objects.none()
    return (
        ReviewAssignment.objects.filter(reviewer=user, application__call__area__in=areas_with_role(user, Role.REVIEWER))
        .exclude(application__status__in=[Status.DRAFT, Status.WITHDRAWN])
        # A reviewer who has joined the applicant since being assigned has a conflict of interest.
        .exclude(application__organisation__memberships__user=user)
    )


# --- Family centres -----------------------------------------------------------------------------


def can_manage_centre(user: AnyUser, centre: FamilyCentre) -> bool:
    return has_area_role(user, centre.area, Role.COORDINATOR)


def can_view_agreement(user: AnyUser, agreement: CooperationAgreement) -> bool:
    """The two parties: the coordinators of the centre's area, and the organisation's members
    once the agreement has been sent to them."""
    if can_manage_centre(user, agreement.centre):
        return True
    return agreement.status != AgreementStatus.DRAFT and is_member(user, agreement.organisation)


def agreements_visible_to(user: AnyUser, organisation: Organisation) -> QuerySet[CooperationAgreement]:
    """The organisation's agreements, for its members; none for anyone else."""
    if not is_member(user, organisation):
        return CooperationAgreement.objects.none()
    return CooperationAgreement.objects.filter(organisation=organisation).exclude(status=AgreementStatus.DRAFT)


def can_manage_activity(user: AnyUser, activity: FamilyCentreActivity) -> bool:
    return is_member(user, activity.organisation)


# --- Funding continuity ---------------------------------------------------------------------------


def can_view_dashboard(user: AnyUser, area: WelfareArea) -> bool:
    return has_area_role(user, area, Role.COORDINATOR, Role.COUNCILLOR, Role.DECISION_MAKER)


def can_manage_reports(user: AnyUser, area: WelfareArea) -> bool:
    return has_area_role(user, area, Role.COORDINATOR)


def reports_visible_to(user: AnyUser, area: WelfareArea) -> QuerySet[ContinuityReport]:
    """Coordinators see every report of their area; its councillors the published ones; others none."""
    reports = ContinuityReport.objects.filter(area=area)
    if can_manage_reports(user, area):
        return reports
    if has_area_role(user, area, Role.COUNCILLOR):
        return reports.filter(published_at__isnull=False)
    return reports.none()


def latest_published_report(user: AnyUser, area: WelfareArea) -> ContinuityReport | None:
    """The area's most recently published continuity report, if the user may read it."""
    return (
        reports_visible_to(user, area)
        .filter(published_at__isnull=False, state=ContinuityReport.State.SUCCEEDED)
        .order_by("-published_at")
        .first()
    )


def can_view_national(user: AnyUser) -> bool:
    """Operators and national viewers: the national overview is not tied to an area."""
    return can_use_admin(user) or any(r.role == Role.NATIONAL_VIEWER for r in active_roles(user))


def can_view_report(user: AnyUser, report: ContinuityReport) -> bool:
    if report.area is None:
        return can_view_national(user)
    return reports_visible_to(user, report.area).filter(pk=report.pk).exists()


def can_manage_report(user: AnyUser, report: ContinuityReport) -> bool:
    return can_view_national(user) if report.area is None else can_manage_reports(user, report.area)


def require(allowed: bool) -> None:
    """Raise 403 unless ``allowed``; views call this with a permission function's answer."""
    if not allowed:
        raise PermissionDenied
