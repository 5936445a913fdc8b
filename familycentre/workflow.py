"""The cooperation agreement's steps as one table: who may take each and from which status.
``familycentre.services.take_step`` saves a step this allows and tells those concerned.

draft → sent → signed → active → terminated        (an active agreement also expires by its date)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from familycentre.models import AgreementStatus, CooperationAgreement
from organisations import permissions as organisation_permissions
from portal import access
from portal import workflow as core

if TYPE_CHECKING:
    from portal.models import User


class Actor(StrEnum):
    COORDINATOR = "coordinator"  # a coordinator of the centre's area
    ORGANISATION_ADMIN = "organisation_admin"  # an administrator of the partner organisation


@dataclass(frozen=True)
class Transition(core.Transition[AgreementStatus, Actor]):
    stamp: str  # the field pair that records who and when: <stamp>_by, <stamp>_at


A = AgreementStatus
TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "send", frozenset({A.DRAFT}), A.SENT, frozenset({Actor.COORDINATOR}), _("Send for signature"), "sent",
    ),
    Transition(
        "sign", frozenset({A.SENT}), A.SIGNED, frozenset({Actor.ORGANISATION_ADMIN}), _("Sign for the organisation"),
        "signed",
    ),
    Transition(
        "countersign", frozenset({A.SIGNED}), A.ACTIVE, frozenset({Actor.COORDINATOR}), _("Countersign"),
        "countersigned",
    ),
    Transition(
        "terminate", frozenset({A.ACTIVE}), A.TERMINATED, frozenset({Actor.COORDINATOR, Actor.ORGANISATION_ADMIN}),
        _("Terminate the agreement"), "ended",
    ),
)  # fmt: skip
BY_NAME = {transition.name: transition for transition in TRANSITIONS}


def actors_of(user: User, agreement: CooperationAgreement) -> set[Actor]:
    actors = set()
    if access.has_area_role(user, agreement.centre.area, access.Role.COORDINATOR):
        actors.add(Actor.COORDINATOR)
    if organisation_permissions.is_organisation_admin(user, agreement.organisation):
        actors.add(Actor.ORGANISATION_ADMIN)
    return actors


def available(agreement: CooperationAgreement, user: User) -> list[Transition]:
    actors = actors_of(user, agreement)
    return [transition for transition in TRANSITIONS if transition.open_to(agreement.status, actors)]


def check(agreement: CooperationAgreement, name: str, user: User) -> Transition | None:
    """The step to take, or None when it has been taken already. Raises core.Refusal."""
    return core.check(
        BY_NAME,
        name,
        agreement,
        actors_of(user, agreement),
        _("This step is not possible while the agreement is “%(status)s”."),
    )
