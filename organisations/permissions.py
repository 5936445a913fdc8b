"""Who may see or do what with an organisation, its members, documents and notes.

Built on the core's role questions (``portal.access``); views ask these functions and use the
scoped querysets they return. The access-matrix test proves them page by page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from organisations.models import (
    CoordinatorNote,
    JoinRequest,
    Membership,
    Organisation,
    OrganisationDocument,
    RegisterFinding,
)
from portal import identity
from portal.access import Role, active_roles, areas_with_role, has_area_role
from portal.models import WelfareArea

if TYPE_CHECKING:
    from organisations.models import OrganisationQuerySet
    from portal.access import AnyUser


def memberships_of(user: AnyUser) -> dict[int, Membership]:
    """The person's memberships by organisation, once per request and kept with their roles
    between the changes to them (``portal.identity``)."""
    if not user.is_authenticated:
        return {}
    found: dict[int, Membership] | None = user.__dict__.get("_memberships")
    if found is None:

        def read() -> dict[int, Membership]:
            return {m.organisation_id: m for m in Membership.objects.filter(user=user)}

        found = user.__dict__["_memberships"] = identity.kept(user, "memberships", read)
    return found


def membership(user: AnyUser, organisation: Organisation) -> Membership | None:
    return memberships_of(user).get(organisation.pk)


def is_member(user: AnyUser, organisation: Organisation) -> bool:
    return membership(user, organisation) is not None


def is_organisation_admin(user: AnyUser, organisation: Organisation) -> bool:
    found = membership(user, organisation)
    return found is not None and found.role == Membership.Role.ADMIN


def coordinated_areas_of(user: AnyUser, organisation: Organisation) -> QuerySet[WelfareArea]:
    """The areas the user coordinates in which the organisation operates."""
    areas = areas_with_role(user, Role.COORDINATOR)
    return areas.filter(pk__in=areas_of(organisation))


# Other places where an organisation is engaged and so known to the area's coordinators: the apps
# above this one add theirs (grants: the areas it has applied to), so this app imports none of them.
_ENGAGEMENTS: list[Callable[[Organisation], Iterable[int]]] = []


def counts_as_engagement(areas: Callable[[Organisation], Iterable[int]]) -> Callable[[Organisation], Iterable[int]]:
    """Register a function giving more areas in which an organisation is engaged (a decorator)."""
    _ENGAGEMENTS.append(areas)
    return areas


def areas_of(organisation: Organisation) -> set[int]:
    """Where the organisation operates (home and municipalities) or is otherwise engaged (see
    ``counts_as_engagement``); kept on the instance, because one page asks several questions about
    the same organisation."""
    if "_access_areas" not in organisation.__dict__:
        areas = set(organisation.areas.values_list("pk", flat=True))
        for engagement in _ENGAGEMENTS:
            areas |= set(engagement(organisation))
        organisation.__dict__["_access_areas"] = areas
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


def organisations_coordinated_by(user: AnyUser, area: WelfareArea) -> OrganisationQuerySet:
    """The organisations operating in ``area``, when the user coordinates it; otherwise none."""
    if not has_area_role(user, area, Role.COORDINATOR):
        return Organisation.objects.none()
    return Organisation.objects.operating_in(area)


def register_findings_for(user: AnyUser, area: WelfareArea) -> QuerySet[RegisterFinding]:
    """The register's findings not yet handled about the organisations of an area the user coordinates."""
    return (
        RegisterFinding.objects.open()
        .filter(organisation__in=organisations_coordinated_by(user, area))
        .select_related("organisation")
        .order_by("organisation__name_fi", "kind")
    )
