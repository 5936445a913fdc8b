"""Grant pages. Thin: access questions go to ``portal.access``, steps to ``grants.workflow``,
other rules to ``grants.services``."""

from __future__ import annotations

import csv
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet, Sum, prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.formats import date_format
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from grants import (
    budgets,
    changerequests,
    decisionlists,
    documents,
    opendata,
    pages,
    permissions,
    returns,
    reviewrequests,
    services,
    workflow,
)
from grants.filters import ApplicationFilter
from grants.forms import (
    AnswerForm,
    ApplicationForm,
    AssignForm,
    AttachmentForm,
    BudgetLineFormSet,
    BulkReferenceForm,
    ConflictForm,
    CriterionFormSet,
    DecisionForm,
    GrantCallForm,
    MessageForm,
    OtherFundingFormSet,
    PaymentForm,
    ReviewForm,
    StartApplicationForm,
    TransitionForm,
    UseOfFundsForm,
    WaiverForm,
    budget_rows,
)
from grants.models import (
    Application,
    ApplicationAttachment,
    AttachmentKind,
    Decision,
    DecisionDocument,
    FundsReturn,
    GrantCall,
    GrantYear,
    OpenDataRelease,
    ReviewAssignment,
    ScoringCriterion,
    Status,
    UseOfFundsReport,
)
from grants.tasks import render_submitted_application
from organisations import permissions as organisation_permissions
from organisations.models import Organisation
from portal import access, areas, fragments, jobs, money, submissions, uploads
from portal.csvsafe import safe_row
from portal.http import AuthenticatedHttpRequest
from portal.models import WelfareArea
from portal.storage import StorageUnavailable
from portal.workflow import Refusal, show_refusal

PAGE_SIZE = 25
# The work list's filters that choose from fixed lists, its order and the page (a free-text search
# and amounts are not kept).
WORK_LIST_CHOICES = ("call", "status", "theme", "municipality", "sort", "page")
DECISIONS_PER_PAGE = 50


# --- Public: calls --------------------------------------------------------------------------------


def call_list(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("area", "")
    # An area code is letters and digits; anything else (a NUL byte crashes PostgreSQL) is no area.
    code = code if code.isascii() and code.isalnum() and len(code) <= 3 else ""
    now = timezone.now()

    def body() -> str:
        areas = WelfareArea.objects.all()
        area = next((option for option in areas if option.code == code), None) if code else None
        calls = GrantCall.objects.published().select_related("area")
        if area:
            calls = calls.in_area(area)
        context = {
            "areas": areas,
            "area": area,
            "open_calls": calls.open_calls(now),
            "upcoming_calls": calls.upcoming(now),
        }
        return render_to_string("grants/includes/call_list_body.html", context)

    # The same for everyone: kept until a call or an area changes, and for the minute only, so that
    # a call opens and closes on the list within the minute it does (the call's own page, and
    # submitting, go by the second).
    minute = now.replace(second=0, microsecond=0).isoformat()
    kept = fragments.kept("calls", f"{code}|{minute}", ["calls", "reference"], body)
    return render(request, "grants/call_list.html", {"body": kept})


def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(permissions.calls_visible_to(request.user).select_related("area"), pk=pk)
    organisations = Organisation.objects.for_member(request.user).not_closed()
    return render(
        request,
        "grants/call_detail.html",
        {
            "call": call,
            "criteria": call.criteria.all(),
            "can_manage": permissions.can_manage_calls(request.user, call.area),
            "start_form": StartApplicationForm(organisations=organisations) if organisations else None,
            "is_open": call.is_open(),
        },
    )


# --- Coordinator: calls ---------------------------------------------------------------------------


@login_required
def manage_calls(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    area = areas.by_code_or_404(code)
    access.require(permissions.can_manage_calls(request.user, area))
    calls = GrantCall.objects.in_area(area).order_by("-funding_year", "-opens_at")
    return render(request, "grants/manage_calls.html", {"area": area, "calls": calls})


@login_required
@submissions.once_per_submission
def call_form(request: AuthenticatedHttpRequest, code: str | None = None, pk: int | None = None) -> HttpResponse:
    if pk is None:
        area = get_object_or_404(WelfareArea, code=code)
        call = GrantCall(area=area, created_by=request.user)
    else:
        call = get_object_or_404(GrantCall.objects.select_related("area"), pk=pk)
        area = call.area
    access.require(permissions.can_manage_calls(request.user, area))
    form = GrantCallForm(request.POST or None, instance=call)
    criteria = CriterionFormSet(request.POST or None, instance=call, prefix="criteria")
    if request.method == "POST" and form.is_valid() and criteria.is_valid():
        saved = form.save()
        criteria.instance = saved
        criteria.save()
        messages.success(request, _("The call was saved."))
        return redirect("grants:call", pk=saved.pk)
    return render(request, "grants/call_form.html", {"form": form, "criteria": criteria, "area": area, "call": call})


@login_required
@require_POST
def publish_call(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(GrantCall, pk=pk)
    access.require(permissions.can_manage_calls(request.user, call.area))
    if call.published_at is None:
        call.published_at = timezone.now()
        call.save(update_fields=["published_at"])
    messages.success(request, _("The call is published."))
    return redirect("grants:call", pk=pk)


@login_required
def call_decisions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(GrantCall.objects.select_related("area"), pk=pk)
    access.require(permissions.can_manage_calls(request.user, call.area))
    decisions = Decision.objects.filter(application__call=call).select_related("application__organisation")
    form = BulkReferenceForm(request.POST or None, decisions=decisions)
    if request.method == "POST":
        if request.POST.get("action") == "publish":
            count = services.publish_decisions(call)
            messages.success(request, _("%(count)s decisions were published.") % {"count": count})
            return redirect("grants:call_decisions", pk=pk)
        if form.is_valid():
            count = services.set_reference(form.cleaned_data["decisions"], form.cleaned_data["reference"])
            messages.success(request, _("The reference was recorded for %(count)s decisions.") % {"count": count})
            return redirect("grants:call_decisions", pk=pk)
    context = {
        "call": call,
        "decisions": decisions,
        "form": form,
        "decided_total": call.decided_total(),
        "proposed": decisionlists.proposed(call).count(),
        "letters": DecisionDocument.objects.filter(
            decision__application__call=call, delivery=DecisionDocument.Delivery.POST
        ).select_related("decision__application__organisation"),
    }
    return render(request, "grants/call_decisions.html", context, status=400 if form.errors else 200)


@login_required
def decision_list(request: AuthenticatedHttpRequest, pk: int, file_format: str) -> HttpResponse:
    """The decisions proposed for the meeting, as PDF for the agenda or CSV (grants.decisionlists)."""
    if file_format not in ("pdf", "csv"):
        raise Http404
    call = get_object_or_404(GrantCall.objects.select_related("area"), pk=pk)
    access.require(permissions.can_manage_calls(request.user, call.area))
    name = f"decision-list-{call.pk}.{file_format}"
    if file_format == "csv":
        response = HttpResponse(decisionlists.as_csv(call), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(decisionlists.as_pdf(call), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- Coordinator: work list -----------------------------------------------------------------------


@login_required
def work_list(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    area = areas.by_code_or_404(code)
    access.require(access.has_area_role(request.user, area, access.Role.COORDINATOR, access.Role.DECISION_MAKER))
    applications: QuerySet[Application] = permissions.applications_in_area(request.user, area).for_work_list()
    filters = ApplicationFilter(
        request.GET or None,
        queryset=applications,
        calls=GrantCall.objects.in_area(area).only("pk", "title_fi", "title_sv"),
        municipalities=area.municipalities.all(),
    )
    if request.GET.get("format") == "csv":
        return work_list_csv(filters.qs)
    can_assign = permissions.can_manage_calls(request.user, area)

    def body() -> str:
        ordered = filters.qs if filters.qs.query.order_by else filters.qs.order_by("-submitted_at")
        context = {
            "area": area,
            "filter": filters,
            "page": Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page")),
            "reviewers": services.reviewers_of_area(area),
            "can_assign": can_assign,
            "request": request,
        }
        return render_to_string("grants/includes/work_list_body.html", context)

    # The filters and the list are the same for every coordinator of the area (the access check
    # above runs every time; the form's CSRF token is outside): kept until a call, a submitted
    # application, an organisation, a role or a reference list changes.
    results = fragments.cached(
        f"work-list:{area.code}:{int(can_assign)}",
        request.GET,
        ["grants", "organisations", "roles", "reference"],
        body,
        vary_on=WORK_LIST_CHOICES,
    )
    return render(request, "grants/work_list.html", {"area": area, "results": results, "can_assign": can_assign})


def work_list_csv(applications: QuerySet[Application]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="applications.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 only with a byte order mark.
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("Organisation"), _("Business ID or register number"), _("Call"), _("Title"), _("Status"),
                     _("Amount applied for"), _("Submitted")])  # fmt: skip
    for application in applications.iterator(chunk_size=500):
        writer.writerow(
            safe_row([
                application.organisation.name_fi,
                application.organisation.business_id or application.organisation.register_number,
                application.call.title,  # in the reader's language, as the headings
                application.title,
                application.get_status_display(),
                application.requested_amount or "",
                timezone.localtime(application.submitted_at).strftime("%Y-%m-%d %H:%M")
                if application.submitted_at
                else "",
            ])
        )  # fmt: skip
    return response


@login_required
@require_POST
def bulk_assign(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    area = areas.by_code_or_404(code)
    access.require(permissions.can_manage_calls(request.user, area))
    chosen = request.POST.get("reviewer", "")
    reviewer = next((r for r in services.reviewers_of_area(area) if str(r.pk) == chosen), None)
    # Digits only, and few enough to be a database key (SQLite cannot even look a longer one up).
    ids = [v for v in request.POST.getlist("applications") if v.isascii() and v.isdecimal() and len(v) <= 18]
    applications = permissions.applications_in_area(request.user, area).filter(pk__in=ids)
    if reviewer is None or not applications:
        messages.error(request, _("Choose a reviewer and at least one application."))
        return redirect("grants:work_list", code=code)
    assigned, refused = services.assign_many(applications, reviewer, request.user)
    if assigned:
        messages.success(
            request, _("%(count)s applications were assigned to %(name)s.") % {"count": assigned, "name": reviewer}
        )
    for reason in refused:
        messages.error(request, reason)
    return redirect("grants:work_list", code=code)


# --- Applications -------------------------------------------------------------------------------


@login_required
@require_POST
@submissions.once_per_submission
def start_application(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    call = get_object_or_404(GrantCall.objects.published(), pk=pk)
    form = StartApplicationForm(request.POST, organisations=Organisation.objects.for_member(request.user).not_closed())
    if not form.is_valid():
        messages.error(request, _("Choose one of your organisations."))
        return redirect("grants:call", pk=pk)
    try:
        application = services.start_application(call, form.cleaned_data["organisation"], request.user)
    except ValidationError as error:
        show_refusal(request, error)
        return redirect("grants:call", pk=pk)
    return redirect("grants:application_edit", pk=application.pk)


@login_required
def organisation_applications(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    access.require(organisation_permissions.is_member(request.user, organisation))

    def table() -> str:
        applications = organisation.applications.select_related("call", "decision").only(
            "pk", "organisation", "title", "status", "requested_amount",
            "call__title_fi", "call__title_sv", "decision__amount",
        )  # fmt: skip
        return render_to_string("grants/includes/organisation_applications_table.html", {"applications": applications})

    # The same for each of its members: kept until the organisation's applications or calls change.
    kept = fragments.kept("organisation-applications", str(organisation.pk), pages.organisation_topics(pk), table)
    return render(
        request,
        "grants/organisation_applications.html",
        {"organisation": organisation, "table": kept},
    )


def _application(request: HttpRequest, pk: int) -> Application:
    application = get_object_or_404(
        Application.objects.select_related("call__area", "organisation", "submitted_by"), pk=pk
    )
    access.require(permissions.can_view_application(request.user, application))
    return application


# What the application page's content shows of the application's one-to-one rows, read with it.
DETAIL_PAGE_RELATED = (
    "call__area",
    "organisation",
    "submitted_by",
    "decision",
    "use_of_funds_report",
    "funds_return__waived_by",
)


def _detail_page(
    request: AuthenticatedHttpRequest,
    application: Application,
    payment_form: PaymentForm | None = None,
    answer_form: AnswerForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The application page; a refused payment or answer comes back to it with its errors. What
    the person may see and do is decided here on every request; the content that follows from it
    is kept between changes (grants/pages.py)."""
    user = request.user
    available = workflow.available(application, user)
    viewer: dict[str, Any] = {
        "show_internal": permissions.sees_internal_events(user, application),
        "can_manage": permissions.can_manage_application(user, application),
        "is_applicant": organisation_permissions.is_member(user, application.organisation),
        "can_edit": permissions.can_edit_application(user, application),
        "can_submit": any(t.name == "submit" for t in available),
        "transitions": [t for t in available if t.name not in ("decide", "submit", "answer")],
        "can_record_decision": permissions.can_decide(user, application) and application.status in services.DECIDABLE,
        "can_write_report": permissions.can_write_report(user, application),
        "can_request_review": permissions.can_request_review(user, application)
        and reviewrequests.can_file_now(application),
        "can_request_change": permissions.can_request_change(user, application)
        and changerequests.can_file_now(application),
        "my_assignment": (
            application.assignments.filter(reviewer=user).first()
            if permissions.is_assigned_reviewer(user, application)
            else None
        ),
    }

    def render_content() -> str:
        context = _detail_context(application.pk, viewer, payment_form, answer_form)
        placeholder = {"csrf_token": pages.CSRF_PLACEHOLDER}
        return render_to_string("grants/includes/application_content.html", context | placeholder)

    if payment_form is None and answer_form is None:
        key = tuple(
            [t.name for t in value] if name == "transitions" else getattr(value, "pk", value)
            for name, value in viewer.items()
        )
        content = pages.content(request, application, key, render_content)
    else:  # a form with its errors: this person's own, never kept
        content = pages.fill(request, render_content())
    return render(
        request, "grants/application_detail.html", {"application": application, "content": content}, status=status
    )


def _detail_context(
    pk: int, viewer: dict[str, Any], payment_form: PaymentForm | None, answer_form: AnswerForm | None
) -> dict[str, Any]:
    """What the application page's content shows, for a viewer as ``_detail_page`` found them."""
    application = Application.objects.select_related(*DETAIL_PAGE_RELATED).get(pk=pk)
    internal = viewer["show_internal"]
    once = {"submission": pages.SUBMISSION_PLACEHOLDER}  # each request fills in its own (pages.fill)
    events = application.events.select_related("actor")
    if not internal:
        events = events.filter(visible_to_applicant=True)
    # The applicant sees the decision once it is confirmed.
    decision: Decision | None = (
        getattr(application, "decision", None)
        if internal or application.status not in (Status.IN_REVIEW, Status.INFO_REQUESTED)
        else None
    )
    if decision is not None:
        prefetch_related_objects([decision], "payments")
    report: UseOfFundsReport | None = getattr(application, "use_of_funds_report", None)
    budget_lines = list(application.budget_lines.all())  # shown, and summed for the totals
    context = viewer | {
        "application": application,
        "call": application.call,
        "events": events,
        "budget_lines": budget_lines,
        "totals": budgets.budget_totals(
            [(line.kind, line.amount) for line in budget_lines], application.requested_amount, application.call
        ),
        "other_funding": application.other_funding.all(),
        "attachments": application.attachments.all(),
        "decision": decision,
        "report": report,
        "balance": services.funds_balance(decision, report),
        "message_form": MessageForm(initial=once) if internal or viewer["is_applicant"] else None,
        "show_iban": internal,
        "missing": workflow.missing_for_submission(application) if application.status == Status.DRAFT else [],
    }
    if viewer["is_applicant"] and application.status == Status.INFO_REQUESTED:
        context |= {
            "answer_form": answer_form or AnswerForm(),
            "information_request": services.information_requested(application),
        }
    if internal:
        criteria = list(application.call.criteria.all())
        assignments, conflicted = services.assignments_with_conflicts(application)
        context |= {
            "criteria": criteria,
            "assignments": [(a, getattr(a, "review", None), _score(a, criteria)) for a in assignments],
            "average_score": services.average_score(application, criteria, conflicted, assignments),
            "joined_applicant": conflicted,
            "overdue": services.overdue_reports_of(application),
        }
    if viewer["can_manage"]:
        verified = application.organisation.verified_at is not None
        context |= {
            "assign_form": AssignForm(reviewers=services.reviewers_of_area(application.call.area)),
            "payment_form": payment_form
            or PaymentForm(initial={"paid_on": timezone.localdate()} | once, verified=verified),
        }
    return context


@login_required
def application_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = pages.application_row(pk)  # a page that only shows it: the row is kept
    if application is None:
        raise Http404
    access.require(permissions.can_view_application(request.user, application))
    return _detail_page(request, application)


def _score(assignment: ReviewAssignment, criteria: list[ScoringCriterion]) -> Decimal | None:
    review = getattr(assignment, "review", None)
    return review.weighted_score(criteria) if review else None


def _posted_budget_totals(data: QueryDict, application: Application) -> budgets.BudgetTotals:
    """The budget's totals from the rows as typed, the unfinished ones left out: shown while the
    person types (htmx) and beside the errors of a refused save."""
    rows = []
    for index in range(min(_int(data.get("budget-TOTAL_FORMS")), BudgetLineFormSet.absolute_max)):
        amount = money.parse(data.get(f"budget-{index}-amount", ""))
        if amount is not None and not data.get(f"budget-{index}-DELETE"):
            rows.append((data.get(f"budget-{index}-kind", ""), amount))
    return budgets.budget_totals(rows, money.parse(data.get("requested_amount", "")), application.call)


def _int(value: str | None) -> int:
    return int(value) if value and value.isascii() and value.isdecimal() and len(value) < 6 else 0


@login_required
def budget_totals(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The totals box of the application form, recomputed from what is typed (htmx)."""
    application = _application(request, pk)
    access.require(permissions.can_edit_application(request.user, application))
    return render(
        request, "grants/includes/budget_totals.html", {"totals": _posted_budget_totals(request.GET, application)}
    )


@login_required
@submissions.once_per_submission
def application_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The draft, its budget, other funding and attachments in one form: attaching or removing an
    attachment saves what was typed too."""
    application = _application(request, pk)
    access.require(permissions.can_edit_application(request.user, application))
    data = request.POST if request.method == "POST" else None
    action = request.POST.get("action", "save")
    removing = (
        application.attachments.filter(pk=_int(action.removeprefix("remove:"))).first()
        if action.startswith("remove:")
        else None
    )
    form = ApplicationForm(data, instance=application)
    budget = BudgetLineFormSet(data, instance=application, prefix="budget")
    funding = OtherFundingFormSet(data, instance=application, prefix="funding")
    attachment = AttachmentForm(data, request.FILES or None, attaching=action == "attach")
    if data is not None:
        valid = [form.is_valid(), budget.is_valid(), funding.is_valid(), attachment.is_valid()]
        if all(valid):
            requested = form.cleaned_data["requested_amount"]
            if problem := budgets.budget_totals(budget_rows(budget), requested, application.call).problem():
                form.add_error("requested_amount", problem)
        if form.is_valid() and all(valid):

            def save() -> None:
                form.save()
                form.save_relations()
                budget.save()
                funding.save()

            try:
                services.save_draft(application, form.cleaned_data["version"], save)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if action == "attach":
                    file = attachment.cleaned_data["file"]
                    try:
                        services.add_attachment(application, attachment.cleaned_data["kind"], file, request.user)
                    except StorageUnavailable:
                        # What was typed is saved (a warning, not an error, keeps it: see
                        # portal.submissions); only the file must be chosen again later.
                        messages.warning(
                            request,
                            _("The draft was saved, but the attachment was not: the file store is unavailable. "
                              "Try attaching it again in a moment."),
                        )  # fmt: skip
                        # The top of the page, where the message is: a phone shows no more.
                        return redirect("grants:application_edit", pk=pk)
                    else:
                        messages.success(request, _("The draft was saved and the attachment added."))
                elif removing is not None:
                    removing.delete_with_file()
                    messages.success(request, _("The draft was saved and the attachment removed."))
                else:
                    messages.success(request, _("The draft was saved."))
                    return redirect("grants:application", pk=pk)
                return redirect(reverse("grants:application_edit", kwargs={"pk": pk}) + "#attachments")
        elif action == "attach" and request.FILES:
            # A browser cannot be given a file back: say so beside the field.
            attachment.add_error("file", _("The file was not added: correct the errors above and choose it again."))
    return render(
        request,
        "grants/application_form.html",
        {
            "application": application,
            "form": form,
            "budget": budget,
            "funding": funding,
            "attachment_form": attachment,
            "totals": _posted_budget_totals(data, application) if data else budgets.saved_budget_totals(application),
        },
        status=400 if data is not None else 200,
    )


@login_required
def submit_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Submitting asks first: what is sent, to whom, and that it cannot be edited afterwards."""
    application = _application(request, pk)
    access.require(organisation_permissions.is_member(request.user, application.organisation))
    if application.status != Status.DRAFT:
        if application.submitted_at:
            messages.info(
                request,
                _("The application was submitted on %(time)s.")
                % {"time": date_format(timezone.localtime(application.submitted_at), "SHORT_DATETIME_FORMAT")},
            )
        return redirect("grants:application", pk=pk)
    return render(
        request,
        "grants/submit_confirm.html",
        {
            "application": application,
            "totals": budgets.saved_budget_totals(application),
            "attachments": application.attachments.all(),
            "missing": workflow.missing_for_submission(application),
            "is_open": application.call.is_open(),
        },
    )


@login_required
def submitted_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    """The application as it was submitted, for its organisation and the area's staff."""
    application = _application(request, pk)
    access.require(application.submitted_at is not None)
    if not application.submitted_pdf:
        jobs.after_commit(lambda: render_submitted_application.delay(application.pk))  # lost or not done yet
        messages.info(request, _("The document is being prepared. Try again in a moment."))
        return redirect("grants:application", pk=pk)
    return uploads.download_response(application.submitted_pdf, f"hakemus-{application.pk}.pdf")


def _attachment(request: HttpRequest, pk: int, attachment_pk: int) -> ApplicationAttachment:
    application = _application(request, pk)
    return get_object_or_404(ApplicationAttachment, pk=attachment_pk, application=application)


@login_required
def download_attachment(request: AuthenticatedHttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    attachment = _attachment(request, pk, attachment_pk)
    return uploads.download_response(attachment.file, attachment.original_name)


@login_required
@require_POST
def waive_return(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A coordinator lets the organisation keep an accepted report's unused money, with a reason."""
    application = _application(request, pk)
    access.require(permissions.can_waive_return(request.user, application))
    funds_return = get_object_or_404(FundsReturn, application=application)
    form = WaiverForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(list(form.errors["reason"]))
        returns.waive(funds_return, request.user, form.cleaned_data["reason"])
    except ValidationError as error:
        show_refusal(request, error)
        return redirect(reverse("grants:application", kwargs={"pk": pk}) + "#funds-return")
    messages.success(request, _("The return of unused funds was waived."))
    return redirect("grants:application", pk=pk)


@login_required
@require_POST
def confirm_year(request: AuthenticatedHttpRequest, pk: int, year: int) -> HttpResponse:
    """A coordinator confirms a later year of a multi-year grant once its appropriation is approved."""
    application = _application(request, pk)
    access.require(permissions.can_manage_application(request.user, application))
    grant_year = get_object_or_404(GrantYear, decision__application=application, year=year)
    services.confirm_year(grant_year, request.user)
    messages.success(request, _("The grant for %(year)s is confirmed.") % {"year": year})
    return redirect(reverse("grants:application", kwargs={"pk": pk}) + "#later-years")


@login_required
def decision_document(request: AuthenticatedHttpRequest, pk: int, document_pk: int) -> FileResponse:
    """A decision document as it was sent (``?copy=en``: its unofficial English translation); the
    first opening of the document by the organisation is recorded."""
    application = _application(request, pk)
    access.require(permissions.can_open_decision_documents(request.user, application))
    document = get_object_or_404(
        DecisionDocument.objects.select_related("decision"),
        pk=document_pk,
        decision__application=application,
        sent_at__isnull=False,
    )
    if request.GET.get("copy") == "en" and document.unofficial_copy:
        return uploads.download_response(document.unofficial_copy, document.unofficial_copy_name())
    documents.record_opening(document, request.user)
    return uploads.download_response(document.pdf, document.download_name())


@login_required
@require_POST
def transition(request: AuthenticatedHttpRequest, pk: int, name: str) -> HttpResponse:
    application = _application(request, pk)
    step = workflow.BY_NAME.get(name)
    if name == "answer":
        return _answer(request, application)
    form = TransitionForm(request.POST)
    text = form.cleaned_data["text"] if form.is_valid() else ""
    try:
        services.take_step(application, name, request.user, text)
    except Refusal as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(request, step.done if step and step.done else _("Done."))
    return redirect("grants:application", pk=pk)


def _answer(request: AuthenticatedHttpRequest, application: Application) -> HttpResponse:
    form = AnswerForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail_page(request, application, answer_form=form, status=400)
    data = form.cleaned_data
    try:
        services.answer_information_request(application, request.user, data["text"], data["kind"], data["files"])
    except Refusal as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(request, workflow.BY_NAME["answer"].done or _("Done."))
    return redirect("grants:application", pk=application.pk)


@login_required
@require_POST
@submissions.once_per_submission
def add_message(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    staff = permissions.sees_internal_events(request.user, application)
    access.require(staff or organisation_permissions.is_member(request.user, application.organisation))
    form = MessageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a message first."))
        return redirect("grants:application", pk=pk)
    internal = staff and form.cleaned_data["internal"]
    services.add_message(application, request.user, form.cleaned_data["text"], internal)
    messages.success(request, _("The message was sent."))
    return redirect("grants:application", pk=pk)


@login_required
@require_POST
def assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    access.require(permissions.can_manage_application(request.user, application))
    form = AssignForm(request.POST, reviewers=services.reviewers_of_area(application.call.area))
    if form.is_valid():
        try:
            services.assign_reviewer(application, form.cleaned_data["reviewer"], request.user)
        except ValidationError as error:
            show_refusal(request, error)
        else:
            messages.success(request, _("The reviewer was assigned and told by email."))
    else:
        messages.error(request, _("Choose a reviewer."))
    return redirect("grants:application", pk=pk)


@login_required
@submissions.once_per_submission
def decision(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The decision form, with what it is decided on beside it: the amount applied for, the call's
    largest grant, the remaining appropriation and the reviewers' recommendations."""
    application = _application(request, pk)
    access.require(permissions.can_decide(request.user, application))
    existing = Decision.objects.filter(application=application).first()
    remaining = application.call.remaining()
    form = DecisionForm(request.POST or None, instance=existing, application=application, remaining=remaining)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in DecisionForm.Meta.fields}
        extra = {name: form.cleaned_data.get(name) or False for name in ("confirm_overrun", "confirm_unverified")}
        change_reason = form.cleaned_data.get("change_reason", "")
        try:
            later_years = form.later_years()
            services.decide(application, request.user, change_reason=change_reason, later_years=later_years,
                            **extra, **fields)  # fmt: skip
        except ValidationError as error:  # a Refusal of the decide step too
            form.add_error(None, error)
        else:
            messages.success(request, _("The decision was recorded and the applicant told by email."))
            return redirect("grants:application", pk=pk)
    criteria = list(application.call.criteria.all())
    reviews = [
        (assignment, assignment.review, assignment.review.weighted_score(criteria))
        for assignment in application.assignments.filter(conflict_of_interest=False, review__isnull=False)
        .exclude(reviewer__in=services.conflicted_reviewers(application))
        .select_related("reviewer", "review")
    ]
    return render(
        request,
        "grants/decision_form.html",
        {
            "application": application,
            "form": form,
            "remaining": remaining,
            "call": application.call,
            "reviews": reviews,
            "average_score": services.average_score(application, criteria),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
@submissions.once_per_submission
def add_payment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    access.require(permissions.can_manage_application(request.user, application))
    found = Decision.objects.filter(application=application).first()
    if found is None or not found.is_grant:
        messages.error(request, _("Only an approved grant is paid."))
        return redirect("grants:application", pk=pk)
    form = PaymentForm(request.POST, verified=application.organisation.verified_at is not None)
    if not form.is_valid():
        return _detail_page(request, application, payment_form=form, status=400)
    fields = {name: form.cleaned_data[name] for name in ("amount", "paid_on", "reference")}
    confirmed = form.cleaned_data.get("confirm_unverified", False)
    try:
        services.record_payment(found, request.user, confirm_unverified=confirmed, **fields)
    except ValidationError as error:
        form.add_error(None, error)
        return _detail_page(request, application, payment_form=form, status=400)
    if Application.objects.filter(pk=pk, status=Status.PAID).exists() and application.status == Status.DECIDED:
        messages.success(
            request, _("The payment was recorded. The grant is now paid in full: the application is marked as paid.")
        )
    else:
        messages.success(request, _("The payment was recorded."))
    return redirect("grants:application", pk=pk)


@login_required
@submissions.once_per_submission
def use_of_funds(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The report on the use of funds, beside what was granted, paid and when it is due; its
    attachments are added from the same form, so that nothing typed is lost."""
    application = _application(request, pk)
    access.require(organisation_permissions.is_member(request.user, application.organisation))
    existing = getattr(application, "use_of_funds_report", None)
    data = request.POST if request.method == "POST" else None
    attaching = request.POST.get("action") == "attach"
    form = UseOfFundsForm(data, instance=existing)
    attachment = AttachmentForm(data, request.FILES or None, attaching=attaching, kind=AttachmentKind.USE_OF_FUNDS)
    editable = permissions.can_write_report(request.user, application)
    if data is not None:
        access.require(editable)
        valid = [form.is_valid(), attachment.is_valid()]
        if all(valid):
            fields = {name: form.cleaned_data[name] for name in UseOfFundsForm.Meta.fields}
            services.save_use_of_funds_report(application, request.user, **fields)
            if attachment.cleaned_data["file"] is not None:
                try:
                    services.add_attachment(
                        application, AttachmentKind.USE_OF_FUNDS, attachment.cleaned_data["file"], request.user
                    )
                except StorageUnavailable:
                    # What was typed is saved (a warning keeps it: see portal.submissions).
                    messages.warning(
                        request,
                        _("The report was saved, but the attachment was not: the file store is unavailable. "
                          "Try attaching it again in a moment."),
                    )  # fmt: skip
                    return redirect("grants:use_of_funds", pk=pk)
            balance = services.funds_balance(
                Decision.objects.filter(application=application).first(),
                UseOfFundsReport.objects.filter(application=application).first(),
            )
            if balance and balance.overspent:
                messages.warning(
                    request,
                    _("You report %(amount)s more used than was paid; the difference is your own funding.")
                    % {"amount": money.euros(balance.overspent)},
                )
            elif balance and balance.unused:
                messages.warning(
                    request,
                    _("You report %(amount)s less used than was paid: the area may ask for it back.")
                    % {"amount": money.euros(balance.unused)},
                )
            messages.success(request, _("The report was saved. Submit it when it is ready."))
            if attaching:
                return redirect(reverse("grants:use_of_funds", kwargs={"pk": pk}) + "#report-attachments")
            return redirect("grants:application", pk=pk)
        if attaching and request.FILES:
            attachment.add_error("file", _("The file was not added: correct the errors above and choose it again."))
    decision_row = Decision.objects.filter(application=application).first()
    return render(
        request,
        "grants/use_of_funds_form.html",
        {
            "application": application,
            "form": form,
            "editable": editable,
            "decision": decision_row,
            "paid": services.paid_total(decision_row) if decision_row else None,
            "attachments": application.attachments.filter(kind=AttachmentKind.USE_OF_FUNDS),
            "attachment_form": attachment,
        },
        status=400 if data is not None else 200,
    )


# --- Reviewers ----------------------------------------------------------------------------------


@login_required
def my_reviews(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What is still to do, the oldest assignment first; or what is done (reviewed or declined for
    a conflict of interest), the latest first. A busy reviewer has over a thousand: a page at a time.
    Kept per reviewer, tab and page until something in it changes (grants/pages.py)."""
    user = request.user

    def body() -> str:
        assignments = permissions.review_assignments_of(user)
        done = Q(review__isnull=False) | Q(conflict_of_interest=True)
        counts = assignments.aggregate(todo=Count("pk", filter=~done), done=Count("pk", filter=done))
        shown = (
            assignments.filter(done).order_by("-assigned_at", "-pk")
            if showing_done
            else assignments.exclude(done).order_by("assigned_at", "pk")
        )
        shown = shown.select_related("application__organisation", "application__call", "review").only(
            "pk", "conflict_of_interest", "review__id", "application__title", "application__organisation__name_fi",
            "application__organisation__name_sv", "application__call__title_fi", "application__call__title_sv",
        )  # fmt: skip
        paginator = Paginator(shown, PAGE_SIZE)
        paginator.count = counts["done" if showing_done else "todo"]  # known from the aggregate: no second count
        page = paginator.get_page(request.GET.get("page"))
        context = {"page": page, "counts": counts, "showing_done": showing_done}
        return render_to_string("grants/includes/my_reviews_body.html", context, request=request)

    showing_done = request.GET.get("show") == "done"
    areas = ",".join(map(str, permissions.reviewer_areas(user)))  # a role ended today changes the list
    content = fragments.cached(
        f"my-reviews:{user.pk}:{areas}", request.GET, pages.reviewer_topics(user.pk), body, vary_on=("show", "page")
    )
    return render(request, "grants/my_reviews.html", {"content": content})


def _assignment(request: HttpRequest, pk: int) -> ReviewAssignment:
    return get_object_or_404(
        permissions.review_assignments_of(request.user).select_related(
            "application__call", "application__organisation"
        ),
        pk=pk,
    )


@login_required
def review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)
    criteria = list(assignment.application.call.criteria.all())
    form = ReviewForm(request.POST or None, instance=getattr(assignment, "review", None), criteria=criteria)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_review(
                assignment,
                form.scores(),
                form.cleaned_data["comment"],
                form.cleaned_data["recommended_outcome"],
                form.cleaned_data["recommended_amount"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your review was saved."))
            return redirect("grants:my_reviews")
    return render(
        request,
        "grants/review_form.html",
        {
            "assignment": assignment,
            "application": assignment.application,
            "form": form,
            "conflict_form": ConflictForm(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def declare_conflict(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assignment = _assignment(request, pk)
    form = ConflictForm(request.POST)
    if form.is_valid():
        services.declare_conflict(assignment, form.cleaned_data["reason"])
        messages.success(request, _("Your conflict of interest was recorded; the coordinator will reassign."))
        return redirect("grants:my_reviews")
    messages.error(request, _("Say why you cannot review this application."))
    return redirect("grants:review", pk=pk)


# --- Public decisions ---------------------------------------------------------------------------


def decisions(request: HttpRequest, code: str) -> HttpResponse:
    area = areas.by_code_or_404(code)
    # The same for everyone: kept until a decision, a call, an organisation or an area changes.
    results = fragments.cached(
        f"decisions:{area.code}",
        request.GET,
        ["grants", "organisations", "reference"],
        lambda: render_to_string("grants/includes/decisions.html", _decisions_context(request, area)),
        vary_on=("year", "page"),
    )
    return render(request, "grants/decisions.html", {"area": area, "results": results})


def _decisions_context(request: HttpRequest, area: WelfareArea) -> dict[str, Any]:
    published = Decision.objects.published().filter(application__call__area=area)
    years = list(
        published.order_by("-application__call__funding_year")
        .values_list("application__call__funding_year", flat=True)
        .distinct()
    )
    asked = request.GET.get("year", "")
    if asked.isascii() and asked.isdecimal() and len(asked) == 4:
        year = int(asked)
    else:
        year = years[0] if years else timezone.localdate().year
    of_year = published.filter(application__call__funding_year=year)
    totals = of_year.aggregate(count=Count("pk"), granted=Sum("amount"))
    rows = of_year.for_public_list().order_by("application__call__title_fi", "application__organisation__name_fi")
    paginator = Paginator(rows, DECISIONS_PER_PAGE)
    paginator.count = totals["count"]  # counted above with the sum: no second count
    page = paginator.get_page(request.GET.get("page"))
    return {"request": request, "year": year, "years": years, "page": page, **totals}


@require_GET
def open_data_json(request: HttpRequest) -> HttpResponseBase:
    return _open_data(request, "json", "application/json")


@require_GET
def open_data_csv(request: HttpRequest) -> HttpResponseBase:
    return _open_data(request, "csv", "text/csv; charset=utf-8")


def _open_data(request: HttpRequest, kind: str, content_type: str) -> HttpResponseBase:
    """The latest open data file, as the job wrote it: gzipped when the client takes that, with
    an ETag and Last-Modified so that a client that has it already gets "not modified"."""
    release = OpenDataRelease.objects.order_by("-generated_at", "-pk").first()
    if release is None:
        opendata.schedule_build()
        preparing = HttpResponse(
            _("The open data is being prepared. Try again in a minute."), status=503, content_type="text/plain"
        )
        preparing["Retry-After"] = "60"
        return preparing
    gzipped = "gzip" in request.headers.get("accept-encoding", "")
    etag = f'"{getattr(release, f"{kind}_sha256")}{"-gzip" if gzipped else ""}"'
    last_modified = int(release.generated_at.timestamp())
    response: HttpResponseBase | None = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        file = getattr(release, f"{kind}_gzip" if gzipped else kind)
        try:
            response = FileResponse(file.open("rb"), content_type=content_type)
        except FileNotFoundError as error:
            raise Http404 from error
        if gzipped:
            response["Content-Encoding"] = "gzip"
        if kind == "csv":
            response["Content-Disposition"] = 'attachment; filename="grants.csv"'
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Vary"] = "Accept-Encoding"
    patch_cache_control(response, public=True, max_age=300)
    response["Access-Control-Allow-Origin"] = "*"
    return response
