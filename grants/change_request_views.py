"""Change requests on a grant in use: filed by the organisation, resolved by the coordinator
(rules in ``grants.changerequests``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from grants import changerequests, permissions
from grants.forms import ChangeRequestForm, ChangeResolutionForm
from grants.models import ChangeRequest, Decision
from grants.views import _application
from portal import access, submissions
from portal.forms import add_errors
from portal.http import AuthenticatedHttpRequest


@login_required
@submissions.once_per_submission
def file_change_request(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    access.require(permissions.can_request_change(request.user, application))
    decision = get_object_or_404(Decision.objects.select_related("application__call"), application=application)
    problem = changerequests.filing_problem(decision)
    form = ChangeRequestForm(request.POST or None)
    if request.method == "POST" and problem is None and form.is_valid():
        data = form.cleaned_data
        fields = {name: data[name] for name in ("new_use_until", "move_from", "move_to", "move_amount")}
        try:
            change_request = changerequests.file(
                decision, request.user, data["kind"], data["description"], data["grounds"], **fields
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The change request was sent to the area's coordinators."))
            return redirect("grants:change_request", pk=change_request.pk)
    context = {"application": application, "decision": decision, "form": form, "problem": problem}
    return render(request, "grants/change_request_form.html", context, status=400 if form.errors else 200)


@login_required
def change_request(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    change_request = get_object_or_404(
        ChangeRequest.objects.select_related(
            "decision__application__call__area", "decision__application__organisation", "filed_by", "resolved_by",
            "document",
        ),
        pk=pk,
    )  # fmt: skip
    application = change_request.decision.application
    access.require(permissions.can_open_decision_documents(request.user, application))
    can_resolve = change_request.is_pending and permissions.can_resolve_change_request(request.user, application)
    if request.method == "POST":
        access.require(can_resolve)
    form = ChangeResolutionForm(request.POST or None) if can_resolve else None
    if form is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changerequests.resolve(
                change_request, request.user, data["resolution"], data["grounds"],
                accepted_use_until=data["accepted_use_until"], accepted_move_amount=data["accepted_move_amount"],
            )  # fmt: skip
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The change request was resolved. Its decision document is being sent."))
            return redirect("grants:change_request", pk=pk)
    context = {"change_request": change_request, "application": application, "decision": change_request.decision,
               "form": form}  # fmt: skip
    return render(request, "grants/change_request.html", context, status=400 if form and form.errors else 200)
