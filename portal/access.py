"""The core's access questions: which area roles a person holds today, whether they must use
two-factor login, and whether they are an operator. Each app answers the questions about its own
objects in its ``permissions.py``, built on these; views ask those functions and use the scoped
querysets they return, never filtering by hand. Area roles are assignments with a validity
period, so every question looks at the roles active today.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import identity
from portal.models import AreaRole, WelfareArea

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django_stubs_ext import StrPromise

    from portal.models import User

    AnyUser = User | AnonymousUser

Role = AreaRole.Role

# Roles that take decisions about money or data and therefore must use two-factor login.
MFA_REQUIRED_ROLES = frozenset({Role.COORDINATOR, Role.DECISION_MAKER})

# What each role may do, shown to the person in their workspace.
ROLE_DUTIES: dict[str, StrPromise] = {
    Role.COORDINATOR: _(
        "Publishes grant calls, verifies organisations, assigns reviewers, records decisions and "
        "payments, manages family centres and agreements, and publishes reports."
    ),
    Role.REVIEWER: _("Scores the grant applications assigned to you and declares any conflict of interest."),
    Role.DECISION_MAKER: _("Records the formal decisions on grant applications."),
    Role.COUNCILLOR: _("Reads the area's published reports and dashboard; changes nothing."),
    Role.NATIONAL_VIEWER: _("Reads the national overview of funding continuity; changes nothing."),
}


def active_roles(user: AnyUser) -> list[AreaRole]:
    """The user's area roles valid today (each with its area), read once per request."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_active_area_roles", None)
    if cached is None:
        today = timezone.localdate()
        cached = [role for role in identity.of(user).roles if role.valid_on(today)]
        user._active_area_roles = cached
    return cached


def has_area_role(user: AnyUser, area: WelfareArea, *roles: str) -> bool:
    """True when the user holds one of ``roles`` (any role when none given) in ``area`` today."""
    return any(r.area_id == area.pk and (not roles or r.role in roles) for r in active_roles(user))


def areas_with_role(user: AnyUser, *roles: str) -> QuerySet[WelfareArea]:
    """The areas in which the user holds one of ``roles`` today (any role when none given)."""
    return WelfareArea.objects.filter(
        pk__in=[r.area_id for r in active_roles(user) if r.area_id is not None and (not roles or r.role in roles)]
    )


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
    return user.is_authenticated and identity.of(user).has_totp


def must_set_up_mfa(user: AnyUser) -> bool:
    return settings.PORTAL_REQUIRE_STAFF_MFA and requires_mfa(user) and not has_totp(user)


def can_view_dashboard(user: AnyUser, area: WelfareArea) -> bool:
    return has_area_role(user, area, Role.COORDINATOR, Role.COUNCILLOR, Role.DECISION_MAKER)


def can_view_national(user: AnyUser) -> bool:
    """Operators and national viewers: the national overview is not tied to an area."""
    return can_use_admin(user) or any(r.role == Role.NATIONAL_VIEWER for r in active_roles(user))


def require(allowed: bool) -> None:
    """Raise 403 unless ``allowed``; views call this with a permission function's answer."""
    if not allowed:
        raise PermissionDenied
