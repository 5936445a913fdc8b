"""Funding-continuity reports and funding imports: the coordinator's and councillors' pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from funding import imports, national, permissions, reports
from funding.forms import ImportForm, ReportRequestForm
from funding.models import ContinuityReport, FundingImport
from funding.tasks import build_continuity_report
from portal import access, areas, jobs, submissions, uploads
from portal.http import AuthenticatedHttpRequest
from portal.models import WelfareArea


def _area_for_reports(request: HttpRequest, code: str) -> WelfareArea:
    area = areas.by_code_or_404(code)
    access.require(access.has_area_role(request.user, area, access.Role.COORDINATOR, access.Role.COUNCILLOR))
    return area


@login_required
@submissions.once_per_submission
def report_list(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    area = _area_for_reports(request, code)
    manage = permissions.can_manage_reports(request.user, area)
    year = timezone.localdate().year
    form = ReportRequestForm(
        request.POST or None, initial={"year": year, "baseline_year": year - 1, "language": request.LANGUAGE_CODE}
    )
    if request.method == "POST":
        access.require(manage)
        if form.is_valid():
            report = form.save(commit=False)
            report.area = area
            report.requested_by = request.user
            report.stage = _("Waiting for a worker")
            report.save()
            jobs.after_commit(lambda: build_continuity_report.delay(report.pk))  # the reaper requeues it if lost
            return redirect("funding:report_status", pk=report.pk)
    return render(
        request,
        "funding/report/list.html",
        {"area": area, "reports": permissions.reports_visible_to(request.user, area), "form": form if manage else None},
        status=400 if form.errors else 200,
    )


def _report(request: HttpRequest, pk: int) -> ContinuityReport:
    report = get_object_or_404(ContinuityReport.objects.select_related("area"), pk=pk)
    access.require(permissions.can_view_report(request.user, report))
    return report


@login_required
@submissions.once_per_submission
def national_reports(request: AuthenticatedHttpRequest) -> HttpResponse:
    access.require(access.can_view_national(request.user))
    year = timezone.localdate().year
    form = ReportRequestForm(
        request.POST or None, initial={"year": year, "baseline_year": year - 1, "language": request.LANGUAGE_CODE}
    )
    if request.method == "POST":
        access.require(access.can_use_admin(request.user))  # national viewers read; operators request
    if request.method == "POST" and form.is_valid():
        report = form.save(commit=False)
        report.requested_by = request.user
        report.stage = _("Waiting for the workers")
        report.save()
        jobs.after_commit(lambda: national.start(report))
        return redirect("funding:report_status", pk=report.pk)
    return render(
        request,
        "funding/report/national_list.html",
        {
            "reports": ContinuityReport.objects.filter(area__isnull=True),
            "form": form if access.can_use_admin(request.user) else None,
        },
        status=400 if form.errors else 200,
    )


@login_required
def report_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    template = "funding/report/progress.html" if request.htmx else "funding/report/detail.html"
    return render(
        request, template, {"report": report, "can_manage": permissions.can_manage_report(request.user, report)}
    )


@login_required
def report_html(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    if report.area is None:
        return redirect("funding:report_download", pk=pk, kind="pdf")
    if report.state != ContinuityReport.State.SUCCEEDED or not report.page:
        messages.info(request, _("The report has no web page; download its PDF."))
        return redirect("funding:report_status", pk=pk)
    with report.page.open("rb") as stored:
        content = mark_safe(stored.read().decode("utf-8"))  # noqa: S308 - rendered by the job with autoescape
    return render(request, "funding/report/page.html", {"report": report, "content": content})


@login_required
def report_download(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponseBase:
    report = _report(request, pk)
    if kind not in ("pdf", "csv"):
        raise Http404
    file = report.pdf if kind == "pdf" else report.csv
    if report.state != ContinuityReport.State.SUCCEEDED or not file:
        messages.info(request, _("The report is not ready yet."))
        return redirect("funding:report_status", pk=pk)
    stem = f"jatkuvuus-{report.area.code if report.area else 'koko-maa'}-{report.year}"
    return uploads.download_response(file, f"{stem}.{kind}")


@login_required
@require_POST
def report_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    access.require(report.area is not None and permissions.can_manage_reports(request.user, report.area))
    if reports.publish(report, request.user):
        messages.success(request, _("The report is published; the area's councillors can now read it."))
    return redirect("funding:report_status", pk=pk)


@login_required
@submissions.once_per_submission
def funding_imports(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    area = areas.by_code_or_404(code)
    access.require(permissions.can_manage_reports(request.user, area))
    form = ImportForm(request.POST or None, request.FILES or None)
    record = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        record = imports.run(upload, upload.name, area, request.user, dry_run=True)
        if record.state != FundingImport.State.REFUSED:
            # Checked: shown after a redirect, so that a reload does not send the file again.
            return redirect(reverse("funding:funding_imports", kwargs={"code": code}) + f"?checked={record.pk}")
    elif request.method == "GET":
        checked = request.GET.get("checked", "")
        if checked.isascii() and checked.isdecimal() and len(checked) <= 18:
            record = FundingImport.objects.filter(area=area, pk=int(checked), state=FundingImport.State.PREVIEW).first()
    return render(
        request,
        "funding/imports.html",
        {
            "area": area,
            "form": form,
            "record": record,
            "history": FundingImport.objects.filter(area=area).exclude(state=FundingImport.State.PREVIEW)[:20],
        },
        # A refused file is shown with its rows to correct, and nothing of it is kept.
        status=400 if form.errors or (record and record.errors) else 200,
    )


@login_required
@require_POST
def confirm_import(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    preview = get_object_or_404(FundingImport.objects.select_related("area"), pk=pk, state=FundingImport.State.PREVIEW)
    access.require(permissions.can_manage_reports(request.user, preview.area))
    record = imports.confirm(preview, request.user)
    if record.state == FundingImport.State.IMPORTED:
        messages.success(
            request,
            _("%(rows)s rows were imported; %(created)s organisations were added as unclaimed.")
            % {"rows": record.rows_imported, "created": record.organisations_created},
        )
    else:
        messages.error(request, record.errors[0][1] if record.errors else _("The file was refused."))
    return redirect("funding:funding_imports", code=preview.area.code)
