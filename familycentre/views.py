"""Family-centre pages. Thin: access questions go to ``portal.access``, steps to ``workflow``, rules to
``services``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from familycentre import permissions, services, workflow
from familycentre.filters import ActivityFilter
from familycentre.forms import ActivityForm, AgreementForm, FamilyCentreForm, NetworkMemberForm
from familycentre.models import CooperationAgreement, FamilyCentre, FamilyCentreActivity, NetworkMember
from organisations import permissions as organisation_permissions
from organisations.models import Organisation
from portal import access, areas, fragments, submissions, uploads
from portal.http import AuthenticatedHttpRequest
from portal.models import Municipality, WelfareArea
from portal.workflow import Refusal, show_refusal

# --- Public ----------------------------------------------------------------------------------------


def _activities_page(
    request: HttpRequest,
    template: str,
    fragment: str,
    activities: QuerySet[FamilyCentreActivity],
    municipalities: QuerySet[Municipality],
    context: dict[str, Any],
    show_centre: bool = False,
) -> HttpResponse:

    def body() -> str:
        centres = Prefetch("centres", queryset=FamilyCentre.objects.order_by("name_fi"))
        filters = ActivityFilter(
            request.GET or None,
            queryset=activities.select_related("organisation").prefetch_related(centres).order_by("name_fi", "pk"),
            municipalities=municipalities,
        )
        context = {"filter": filters, "activities": filters.qs, "show_centre": show_centre, "request": request}
        return render_to_string("familycentre/includes/activities_body.html", context)

    # The filters and the list are the same for everyone (a GET form has no CSRF token): kept until
    # an activity, a centre, an organisation or a reference list changes.
    results = fragments.cached(
        fragment, request.GET, ["activities", "organisations", "reference"], body, vary_on=ActivityFilter.Meta.fields
    )
    return render(request, template, {**context, "results": results})


def area_centres(request: HttpRequest, code: str) -> HttpResponse:
    area = areas.by_code_or_404(code)

    def centres() -> str:
        in_area = FamilyCentre.objects.in_area(area)
        return render_to_string("familycentre/includes/centre_list.html", {"centres": in_area})

    with fragments.read_together(["activities", "organisations", "reference"]):  # one lookup for both
        # The same for everyone: kept until a centre (or an activity) changes.
        listed = fragments.cached(f"area-centres:{area.code}", QueryDict(), ["activities"], centres)
        return _activities_page(
            request,
            "familycentre/area_centres.html",
            f"area-activities:{area.code}",
            FamilyCentreActivity.objects.offered_in(area),
            Municipality.objects.filter(area=area),
            {"area": area, "centres": listed},
            show_centre=True,
        )


def centre_detail(request: HttpRequest, pk: int) -> HttpResponse:
    centre = get_object_or_404(FamilyCentre.objects.select_related("area"), pk=pk)
    return _activities_page(
        request,
        "familycentre/centre_detail.html",
        f"centre-activities:{centre.pk}",
        centre.activities.all(),
        centre.municipalities.all(),
        {"centre": centre, "can_manage": permissions.can_manage_centre(request.user, centre)},
    )


# --- Coordinators -------------------------------------------------------------------------------


@login_required
def overview(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    area = areas.by_code_or_404(code)
    access.require(access.has_area_role(request.user, area, access.Role.COORDINATOR))
    agreements = CooperationAgreement.objects.in_area(area).select_related("centre", "organisation")
    return render(
        request,
        "familycentre/overview.html",
        {
            "area": area,
            "centres": FamilyCentre.objects.in_area(area).with_ngo_representation(),
            "ending": agreements.ending_within(services.REMINDER_DAYS),
            "agreements": agreements,
        },
    )


@login_required
@submissions.once_per_submission
def centre_form(request: AuthenticatedHttpRequest, code: str | None = None, pk: int | None = None) -> HttpResponse:
    if pk is None:
        centre = FamilyCentre(area=get_object_or_404(WelfareArea, code=code))
    else:
        centre = get_object_or_404(FamilyCentre.objects.select_related("area"), pk=pk)
    access.require(permissions.can_manage_centre(request.user, centre))
    form = FamilyCentreForm(request.POST or None, instance=centre)
    if request.method == "POST" and form.is_valid():
        form.save()
        form.save_relations()
        messages.success(request, _("The family centre was saved."))
        return redirect("familycentre:network", pk=form.instance.pk)
    return render(request, "familycentre/centre_form.html", {"form": form, "centre": centre})


@login_required
@submissions.once_per_submission
def network(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    centre = get_object_or_404(FamilyCentre.objects.select_related("area"), pk=pk)
    access.require(permissions.can_manage_centre(request.user, centre))
    form = NetworkMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.centre = centre
        form.save()
        messages.success(request, _("The member was added to the network."))
        return redirect("familycentre:network", pk=pk)
    return render(
        request,
        "familycentre/network.html",
        {
            "centre": centre,
            "members": centre.members.select_related("organisation"),
            "agreements": centre.agreements.select_related("organisation"),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@login_required
@submissions.once_per_submission
def member_edit(request: AuthenticatedHttpRequest, pk: int, member_pk: int) -> HttpResponse:
    member = get_object_or_404(NetworkMember.objects.select_related("centre__area"), pk=member_pk, centre=pk)
    access.require(permissions.can_manage_centre(request.user, member.centre))
    form = NetworkMemberForm(request.POST or None, instance=member)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The member was saved."))
        return redirect("familycentre:network", pk=pk)
    return render(request, "familycentre/member_form.html", {"form": form, "member": member, "centre": member.centre})


@login_required
@submissions.once_per_submission
def agreement_form(
    request: AuthenticatedHttpRequest, pk: int | None = None, centre_pk: int | None = None
) -> HttpResponse:
    if pk is None:
        centre = get_object_or_404(FamilyCentre.objects.select_related("area"), pk=centre_pk)
        agreement = CooperationAgreement(centre=centre, created_by=request.user)
    else:
        agreement = get_object_or_404(CooperationAgreement.objects.select_related("centre__area"), pk=pk)
        centre = agreement.centre
    access.require(permissions.can_manage_centre(request.user, centre))
    if agreement.pk and agreement.status != "draft":
        messages.error(request, _("Only a draft agreement can be edited."))
        return redirect("familycentre:agreement", pk=agreement.pk)
    form = AgreementForm(request.POST or None, instance=agreement, organisations=services.network_organisations(centre))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The draft agreement was saved."))
        return redirect("familycentre:agreement", pk=form.instance.pk)
    return render(request, "familycentre/agreement_form.html", {"form": form, "centre": centre, "agreement": agreement})


# --- Both parties -------------------------------------------------------------------------------


def _agreement(request: HttpRequest, pk: int) -> CooperationAgreement:
    agreement = get_object_or_404(
        CooperationAgreement.objects.select_related(
            "centre__area", "organisation", "sent_by", "signed_by", "countersigned_by", "ended_by"
        ),
        pk=pk,
    )
    access.require(permissions.can_view_agreement(request.user, agreement))
    return agreement


@login_required
def agreement_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agreement = _agreement(request, pk)
    return render(
        request,
        "familycentre/agreement_detail.html",
        {
            "agreement": agreement,
            "steps": workflow.available(agreement, request.user),
            "can_manage": permissions.can_manage_centre(request.user, agreement.centre),
        },
    )


@login_required
@require_POST
def agreement_step(request: AuthenticatedHttpRequest, pk: int, name: str) -> HttpResponse:
    agreement = _agreement(request, pk)
    try:
        services.take_step(agreement, name, request.user)
    except Refusal as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": workflow.BY_NAME[name].label})
    return redirect("familycentre:agreement", pk=pk)


@login_required
def agreement_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    agreement = _agreement(request, pk)
    if not agreement.pdf_is_current:
        services.render_later(agreement.pk)  # a job that failed or was lost is started again
        messages.info(request, _("The PDF is being prepared. Try again in a moment."))
        return redirect("familycentre:agreement", pk=pk)
    return uploads.download_response(agreement.pdf, f"yhteistyosopimus-{agreement.pk}.pdf")


# --- Organisations ------------------------------------------------------------------------------


@login_required
def organisation_agreements(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    access.require(organisation_permissions.is_member(request.user, organisation))
    agreements = permissions.agreements_visible_to(request.user, organisation).select_related("centre")
    return render(
        request, "familycentre/organisation_agreements.html", {"organisation": organisation, "agreements": agreements}
    )


@login_required
@submissions.once_per_submission
def activities(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    access.require(organisation_permissions.is_member(request.user, organisation))
    centres = services.centres_of(organisation)
    form = ActivityForm(request.POST or None, centres=centres)
    if request.method == "POST" and form.is_valid():
        form.instance.organisation = organisation
        form.instance.created_by = request.user
        form.save()
        messages.success(request, _("The activity was added; families can now find it."))
        return redirect("familycentre:activities", pk=pk)
    return render(
        request,
        "familycentre/activities.html",
        {
            "organisation": organisation,
            "activities": organisation.family_centre_activities.prefetch_related("centres"),
            "centres": centres,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@login_required
@submissions.once_per_submission
def activity_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(FamilyCentreActivity.objects.select_related("organisation"), pk=pk)
    access.require(permissions.can_manage_activity(request.user, activity))
    form = ActivityForm(request.POST or None, instance=activity, centres=services.centres_of(activity.organisation))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The activity was saved."))
        return redirect("familycentre:activities", pk=activity.organisation_id)
    return render(request, "familycentre/activity_form.html", {"form": form, "activity": activity})


@login_required
@require_POST
def activity_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(FamilyCentreActivity.objects.select_related("organisation"), pk=pk)
    access.require(permissions.can_manage_activity(request.user, activity))
    activity.delete()
    messages.success(request, _("The activity was removed."))
    return redirect("familycentre:activities", pk=activity.organisation_id)
