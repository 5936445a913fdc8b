"""The front page and a municipality's page for families; the workspace: what a person's memberships
and roles give them to do, and the area dashboard."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from familycentre.models import FamilyCentre, FamilyCentreActivity
from funding import permissions as funding_permissions
from grants.models import GrantCall
from jarjestoportaali import dashboard
from organisations.models import Membership, Organisation
from organisations.services import invitations_for
from portal import access, areas, fragments, municipalities
from portal.forms import MunicipalitySearchForm
from portal.http import AuthenticatedHttpRequest
from portal.models import AreaRole, Municipality


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
    area = areas.by_code_or_404(code)
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
    area = areas.by_code_or_404(code)
    access.require(access.can_view_dashboard(request.user, area))
    year = request.GET.get("year", "")
    board = dashboard.build(area, int(year) if year.isascii() and year.isdecimal() and len(year) == 4 else None)
    readers = funding_permissions.report_readers(request.user, area)
    with fragments.read_together(dashboard.TOPICS):
        context = {
            "board": board,
            "area": area,
            **dashboard.sections(area, board.year, readers),
            "latest_report": funding_permissions.latest_published_report(request.user, area),
        }
    return render(request, "workspace/dashboard.html", context)


# --- The front door ---------------------------------------------------------------------------------

# How many of a municipality's organisations its page lists; the directory has the rest.
ORGANISATIONS_SHOWN = 10


def front_page(request: HttpRequest) -> HttpResponse:
    """The front page: where do you live? A family, or a worker guiding one, types a municipality
    and lands on what is offered there. The open calls of every area are listed too."""
    form = MunicipalitySearchForm(request.GET if "municipality" in request.GET else None)
    if form.is_bound and form.is_valid():
        return redirect("municipality", code=form.cleaned_data["municipality"].code)
    context = {
        "form": form,
        "municipality_names": municipalities.names(),
        "open_calls": GrantCall.objects.open_calls().select_related("area").order_by("closes_at", "pk"),
    }
    return render(request, "front_page.html", context)


def municipality_page(request: HttpRequest, code: str) -> HttpResponse:
    """What a municipality's families find: the family-centre activities offered there, the NGOs
    operating there and the open calls of its wellbeing area."""
    if not (code.isascii() and code.isdigit()):
        raise Http404
    municipality = get_object_or_404(Municipality.objects.select_related("area"), code=code)
    centres = Prefetch("centres", queryset=FamilyCentre.objects.order_by("name_fi"))
    activities = (
        FamilyCentreActivity.objects.serving(municipality)
        .select_related("organisation")
        .prefetch_related(centres)
        .order_by("name_fi", "pk")
    )
    organisations = Organisation.objects.not_closed().in_municipality(municipality)
    context = {
        "municipality": municipality,
        "area": municipality.area,
        "activities": activities,
        "organisations": organisations.for_listing().order_by("name_fi", "pk")[:ORGANISATIONS_SHOWN],
        "organisation_count": organisations.count(),
        "open_calls": GrantCall.objects.open_calls()
        .in_area(municipality.area)
        .select_related("area")
        .order_by("closes_at"),
    }
    return render(request, "municipality.html", context)
