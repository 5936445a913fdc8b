"""The main navigation: each person sees the links to what their roles let them do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from portal import access

if TYPE_CHECKING:
    from django.http import HttpRequest


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str

    def is_current(self, path: str) -> bool:
        return path == self.url or (self.url != "/" and path.startswith(self.url))


def items_for(request: HttpRequest) -> list[NavItem]:
    user = request.user
    items = [
        NavItem(_("Home"), reverse("home")),
        NavItem(_("Grant calls"), reverse("grants:calls")),
        NavItem(_("Organisations"), reverse("organisations:directory")),
        NavItem(_("Wellbeing areas"), reverse("portal:area_list")),
    ]
    if not user.is_authenticated:
        return items
    items.append(NavItem(_("My workspace"), reverse("workspace:home")))
    roles = access.active_roles(user)  # read once per request; every question below looks at these
    for area in sorted({role.area for role in roles if role.area is not None}, key=lambda area: area.code):
        items.append(NavItem(_("Area work: %(area)s") % {"area": area.name}, area_workspace_url(area.code)))
    if any(role.role == access.Role.REVIEWER for role in roles):
        items.append(NavItem(_("My reviews"), reverse("grants:my_reviews")))
    if access.can_view_national(user):
        items.append(NavItem(_("National overview"), reverse("funding:national_reports")))
    if access.can_use_admin(user):
        items.append(NavItem(_("Administration"), reverse("admin:index")))
    return items


def area_workspace_url(code: str) -> str:
    return reverse("workspace:area", kwargs={"code": code})
