"""Requests for review: filed by the organisation, handled in the area's queue, resolved by the
decision-maker (rules in ``grants.reviewrequests``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from grants import permissions, reviewrequests
from grants.forms import ResolutionForm, ReviewRequestForm
from grants.models import ChangeRequest, Decision, ReviewRequest
from grants.views import _application
from portal import access, areas, submissions, uploads
from portal.forms import add_errors
from portal.http import AuthenticatedHttpRequest
from portal.storage import StorageUnavailable


@login_required
@submissions.once_per_submission
def file_review_request(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An administrator of the organisation files a request for review of the decision."""
    application = _application(request, pk)
    access.require(permissions.can_request_review(request.user, application))
    decision = get_object_or_404(Decision.objects.published(), application=application)
    document = reviewrequests.document_under_review(decision)
    problem = reviewrequests.filing_problem(decision)
    form = ReviewRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and problem is None and form.is_valid():
        data = form.cleaned_data
        try:
            review_request = reviewrequests.file(
                decision, request.user, data["demand"], data["grounds"], data["contact"], data["files"]
            )
        except ValidationError as error:
            add_errors(form, error)
        except StorageUnavailable:
            form.add_error("files", _("The file store is unavailable: nothing was filed. Try again in a moment."))
        else:
            if review_request.late:
                messages.warning(
                    request, _("The request for review was received after the last day and is marked late.")
                )
            else:
                messages.success(request, _("The request for review was received. The area tells you of its decision."))
            return redirect("grants:review_request", pk=review_request.pk)
    if request.method == "GET" and not form.is_bound:
        form.initial["contact"] = f"{request.user.full_name}\n{request.user.email}"
    late = bool(document and document.review_deadline and timezone.localdate() > document.review_deadline)
    context = {"application": application, "decision": decision, "document": document, "form": form,
               "problem": problem, "late": late}  # fmt: skip
    return render(request, "grants/review_request_form.html", context, status=400 if form.errors else 200)


def _review_request(request: AuthenticatedHttpRequest, pk: int) -> ReviewRequest:
    review_request = get_object_or_404(
        ReviewRequest.objects.select_related(
            "decision__application__call__area", "decision__application__organisation", "concerns", "filed_by",
            "resolved_by", "document",
        ),
        pk=pk,
    )  # fmt: skip
    access.require(permissions.can_open_decision_documents(request.user, review_request.decision.application))
    return review_request


@login_required
def review_request(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The request as filed and its resolution; the decision-maker resolves it here."""
    review_request = _review_request(request, pk)
    application = review_request.decision.application
    can_resolve = review_request.is_pending and permissions.can_resolve_review_request(request.user, application)
    form = None
    if can_resolve:
        initial = {"outcome": review_request.decision.outcome, "amount": review_request.decision.amount}
        form = ResolutionForm(request.POST or None, initial=initial)
    elif request.method == "POST":
        access.require(False)
    if form is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reviewrequests.resolve(
                review_request, request.user, data["resolution"], data["grounds"], data["outcome"], data["amount"],
                confirm_overrun=data["confirm_overrun"],
            )  # fmt: skip
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The request for review was resolved. Its decision document is being sent."))
            return redirect("grants:review_request", pk=pk)
    context = {
        "review_request": review_request,
        "application": application,
        "decision": review_request.decision,
        "attachments": review_request.attachments.all(),
        "form": form,
    }
    return render(request, "grants/review_request.html", context, status=400 if form and form.errors else 200)


@login_required
def review_request_attachment(request: AuthenticatedHttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    review_request = _review_request(request, pk)
    attachment = get_object_or_404(review_request.attachments, pk=attachment_pk)
    return uploads.download_response(attachment.file, attachment.original_name)


@login_required
def area_review_requests(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """The area's queue: requests for review waiting for a resolution, the oldest first, then the
    resolved; and the change requests waiting."""
    area = areas.by_code_or_404(code)
    access.require(access.has_area_role(request.user, area, access.Role.COORDINATOR, access.Role.DECISION_MAKER))
    in_area = ReviewRequest.objects.in_area(area).select_related(
        "decision__application__organisation", "concerns", "resolved_by"
    )
    changes = ChangeRequest.objects.in_area(area).select_related("decision__application__organisation")
    context = {
        "area": area,
        "pending": in_area.pending().order_by("filed_at", "pk"),
        "resolved": in_area.exclude(resolution="").order_by("-resolved_at")[:50],
        "changes_pending": changes.pending().order_by("filed_at", "pk"),
    }
    return render(request, "grants/area_review_requests.html", context)
