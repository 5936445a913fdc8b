"""The rules of acting for an organisation by a Suomi.fi mandate.

- Every answer of the mandate service is recorded as it was given (``MandateCheck``), whatever it
  says, with when it was given.
- An answer with a suitable role (``SUOMIFI_MANDATES_ROLES``; empty: any role the service gives for
  this e-service) for a registered, open organisation makes the person its member, marked as by
  mandate. A person who is already a member stays as they were.
- A mandate is confirmed anew in each Suomi.fi login: at every login (and logout) the memberships
  by mandate end, unless an administrator has since made the person an administrator, which
  makes the membership an ordinary one.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from stdnum.fi import ytunnus

from organisations import services as organisation_services
from organisations.models import Membership, Organisation
from portal.models import User
from suomifi.mandates import OrganisationRoles
from suomifi.models import MandateCheck, MandateMembership


@dataclass(frozen=True)
class Outcome:
    check: MandateCheck
    organisation: Organisation | None
    membership_by_mandate: bool


def suitable(roles: list[str]) -> bool:
    wanted = settings.SUOMIFI_MANDATES_ROLES
    return bool(roles) and (not wanted or any(role in wanted for role in roles))


def _business_id(value: str) -> str:
    return ytunnus.format(value) if ytunnus.is_valid(value) else value


@transaction.atomic
def record_answer(user: User, answer: list[OrganisationRoles]) -> list[Outcome]:
    outcomes = []
    for item in answer:
        business_id = _business_id(item.business_id)
        check = MandateCheck.objects.create(
            user=user,
            business_id=business_id,
            organisation_name=item.name[:300],
            roles=item.roles,
            allowed=suitable(item.roles),
        )
        organisation = Organisation.objects.filter(business_id=business_id, closed_at__isnull=True).first()
        by_mandate = False
        if organisation is not None:
            by_mandate = _apply(user, organisation, check)
        outcomes.append(Outcome(check, organisation, by_mandate))
    return outcomes


def _apply(user: User, organisation: Organisation, check: MandateCheck) -> bool:
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    mark = MandateMembership.objects.filter(membership=membership).first() if membership else None
    if not check.allowed:
        if mark is not None:
            end(mark)
        return False
    if membership is None:
        membership = organisation_services.add_member(organisation, user, Membership.Role.MEMBER)
        MandateMembership.objects.create(membership=membership, answer=check)
        return True
    if mark is not None:
        mark.answer = check
        mark.save(update_fields=["answer"])
        return True
    return False  # a member already, not by mandate


def end(mark: MandateMembership) -> None:
    membership = mark.membership
    if membership.role == Membership.Role.MEMBER:
        membership.delete()  # the mark goes with it
    else:
        mark.delete()


@transaction.atomic
def end_memberships_by_mandate(user: User) -> None:
    for mark in MandateMembership.objects.filter(membership__user=user).select_related("membership"):
        end(mark)
