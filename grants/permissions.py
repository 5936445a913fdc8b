"""Who may see or do what with grant calls, applications and reviews.

Built on the core's role questions (``portal.access``) and the organisation's (a member of the
applicant is never its reviewer, coordinator or decision-maker). The access-matrix test proves them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from grants.models import REPORT_EDITABLE, Application, GrantCall, ReviewAssignment, Status
from organisations import permissions as organisation_permissions
from portal.access import Role, active_roles, areas_with_role, has_area_role

if TYPE_CHECKING:
    from grants.models import ApplicationQuerySet
    from organisations.models import Organisation
    from portal.access import AnyUser
    from portal.models import WelfareArea


@organisation_permissions.counts_as_engagement
def areas_applied_to(organisation: Organisation) -> list[int]:
    """An organisation that has applied to an area is known to its coordinators."""
    return list(
        Application.objects.filter(organisation=organisation).submitted().values_list("call__area_id", flat=True)
    )


def can_manage_calls(user: AnyUser, area: WelfareArea) -> bool:
    return has_area_role(user, area, Role.COORDINATOR)


def calls_visible_to(user: AnyUser) -> QuerySet[GrantCall]:
    """Published calls, and the unpublished ones of the areas the user coordinates."""
    return GrantCall.objects.filter(Q(published_at__isnull=False) | Q(area__in=areas_with_role(user, Role.COORDINATOR)))


def staff_roles_for(user: AnyUser, application: Application) -> set[str]:
    """The user's roles in the call's area; none for a member of the applicant (a conflict)."""
    if organisation_permissions.is_member(user, application.organisation):
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
    if organisation_permissions.is_member(user, application.organisation):
        return True
    if application.status == Status.DRAFT:
        return False
    return _deciding_staff(user, application) or is_assigned_reviewer(user, application)


def can_open_decision_documents(user: AnyUser, application: Application) -> bool:
    """The organisation's members and the area's coordinators and decision-makers."""
    return organisation_permissions.is_member(user, application.organisation) or _deciding_staff(user, application)


def can_request_review(user: AnyUser, application: Application) -> bool:
    """An administrator of the organisation, once a decision has been sent to it."""
    return organisation_permissions.is_organisation_admin(user, application.organisation) and (
        application.status != Status.DRAFT
    )


def can_request_change(user: AnyUser, application: Application) -> bool:
    """An administrator of the organisation, for its grant."""
    return can_request_review(user, application)


def can_resolve_change_request(user: AnyUser, application: Application) -> bool:
    return can_manage_application(user, application)


def can_resolve_review_request(user: AnyUser, application: Application) -> bool:
    return can_decide(user, application)


def can_edit_application(user: AnyUser, application: Application) -> bool:
    return organisation_permissions.is_member(user, application.organisation) and application.status == Status.DRAFT


def can_write_report(user: AnyUser, application: Application) -> bool:
    """The applicant, while the report on the use of funds is open (the statuses of REPORT_EDITABLE)."""
    return organisation_permissions.is_member(user, application.organisation) and application.status in REPORT_EDITABLE


def can_manage_application(user: AnyUser, application: Application) -> bool:
    return application.status != Status.DRAFT and Role.COORDINATOR in staff_roles_for(user, application)


def can_waive_return(user: AnyUser, application: Application) -> bool:
    return can_manage_application(user, application)


def can_decide(user: AnyUser, application: Application) -> bool:
    return application.status != Status.DRAFT and _deciding_staff(user, application)


def sees_internal_events(user: AnyUser, application: Application) -> bool:
    """Internal notes, every review and the overdue warnings: the deciding staff only."""
    return application.status != Status.DRAFT and _deciding_staff(user, application)


def applications_in_area(user: AnyUser, area: WelfareArea) -> ApplicationQuerySet:
    """The area's submitted applications, for its coordinators and decision-makers; else none."""
    if not has_area_role(user, area, Role.COORDINATOR, Role.DECISION_MAKER):
        return Application.objects.none()
    return Application.objects.in_area(area).submitted()


def reviewer_areas(user: AnyUser) -> list[int]:
    """The areas where the user is a reviewer today, as plain ids from the roles already read (the
    planner then starts from the reviewer)."""
    return sorted(
        role.area_id for role in active_roles(user) if role.role == Role.REVIEWER and role.area_id is not None
    )


def review_assignments_of(user: AnyUser) -> QuerySet[ReviewAssignment]:
    """The user's review assignments in the areas where they are a reviewer today, checked at every
    access: none of an organisation they belong to."""
    if not user.is_authenticated:
        return ReviewAssignment.objects.none()
    return (
        ReviewAssignment.objects.filter(reviewer=user, application__call__area_id__in=reviewer_areas(user))
        .exclude(application__status__in=[Status.DRAFT, Status.WITHDRAWN])
        # A reviewer who has joined the applicant since being assigned has a conflict of interest.
        .exclude(application__organisation__memberships__user=user)
    )
