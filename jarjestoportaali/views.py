"""The workspace: what a person's memberships and roles give them to do, and the area dashboard."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from funding import figures
from funding import permissions as funding_permissions
from jarjestoportaali import dashboard
from organisations.models import Membership
from organisations.services import invitations_for
from portal import access
from portal.http import AuthenticatedHttpRequest
from portal.models import AreaRole, WelfareArea


@login_required
def workspace(request: AuthenticatedHttpRequest) -> HttpResponse:
    memberships = Membership.objects.filter(user=request.user).select_related("organisation")
    roles = [(role, access.ROLE_DUTIES[role.role]) for role in access.active_roles(request.user)]
    return render(
        request,
        "workspace/home.html",
        {"memberships": memberships, "roles": roles, "invitations": invitations_for(request.user)},
    )


@login_required
def area_workspace(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    area = get_object_or_404(WelfareArea, code=code)
    access.require(access.can_open_area_workspace(request.user, area))
    my_roles = [role for role in access.active_roles(request.user) if role.area_id == area.pk]
    colleagues = AreaRole.objects.in_area(area).active().select_related("user")
    return render(
        request,
        "workspace/area.html",
        {
            "area": area,
            "my_roles": [(role, access.ROLE_DUTIES[role.role]) for role in my_roles],
            "colleagues": colleagues,
            "is_coordinator": access.has_area_role(request.user, area, access.Role.COORDINATOR),
            "is_decision_maker": access.has_area_role(request.user, area, access.Role.DECISION_MAKER),
            "is_reviewer": access.has_area_role(request.user, area, access.Role.REVIEWER),
            "is_councillor": access.has_area_role(request.user, area, access.Role.COUNCILLOR),
        },
    )


@login_required
def area_dashboard(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    area = get_object_or_404(WelfareArea, code=code)
    access.require(access.can_view_dashboard(request.user, area))
    year = request.GET.get("year", "")
    board = dashboard.build(area, int(year) if year.isascii() and year.isdecimal() and len(year) == 4 else None)
    if board.continuity is None:
        figures.request_figures(area, board.year)
    figures_report = board.continuity and board.continuity.stored.report
    return render(
        request,
        "workspace/dashboard.html",
        {
            "board": board,
            "area": area,
            **dashboard.sections(area, board.year),
            "latest_report": funding_permissions.latest_published_report(request.user, area),
            "figures_report": figures_report
            if figures_report and funding_permissions.can_view_report(request.user, figures_report)
            else None,
        },
    )
