"""Who may see or do what with family centres, cooperation agreements and listed activities."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from familycentre.models import AgreementStatus, CooperationAgreement, FamilyCentre, FamilyCentreActivity
from organisations import permissions as organisation_permissions
from portal.access import Role, has_area_role

if TYPE_CHECKING:
    from organisations.models import Organisation
    from portal.access import AnyUser


def can_manage_centre(user: AnyUser, centre: FamilyCentre) -> bool:
    return has_area_role(user, centre.area, Role.COORDINATOR)


def can_view_agreement(user: AnyUser, agreement: CooperationAgreement) -> bool:
    """The two parties: the coordinators of the centre's area, and the organisation's members
    once the agreement has been sent to them."""
    if can_manage_centre(user, agreement.centre):
        return True
    return agreement.status != AgreementStatus.DRAFT and organisation_permissions.is_member(
        user, agreement.organisation
    )


def agreements_visible_to(user: AnyUser, organisation: Organisation) -> QuerySet[CooperationAgreement]:
    """The organisation's agreements, for its members; none for anyone else."""
    if not organisation_permissions.is_member(user, organisation):
        return CooperationAgreement.objects.none()
    return CooperationAgreement.objects.filter(organisation=organisation).exclude(status=AgreementStatus.DRAFT)


def can_manage_activity(user: AnyUser, activity: FamilyCentreActivity) -> bool:
    return organisation_permissions.is_member(user, activity.organisation)
