"""Who may see, request and publish continuity reports and import funding history."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from funding.models import ContinuityReport
from portal import access, fragments

if TYPE_CHECKING:
    from portal.access import AnyUser
    from portal.models import WelfareArea


def can_manage_reports(user: AnyUser, area: WelfareArea) -> bool:
    return access.has_area_role(user, area, access.Role.COORDINATOR)


def reports_visible_to(user: AnyUser, area: WelfareArea) -> QuerySet[ContinuityReport]:
    """Coordinators see every report of their area; its councillors the published ones; others none."""
    reports = ContinuityReport.objects.filter(area=area)
    if can_manage_reports(user, area):
        return reports
    if access.has_area_role(user, area, access.Role.COUNCILLOR):
        return reports.filter(published_at__isnull=False)
    return reports.none()


def report_readers(user: AnyUser, area: WelfareArea) -> str:
    """Which of the area's reports the user reads, as ``reports_visible_to`` decides: "all",
    "published" or "none"."""
    if can_manage_reports(user, area):
        return "all"
    if access.has_area_role(user, area, access.Role.COUNCILLOR):
        return "published"
    return "none"


def latest_published_report(user: AnyUser, area: WelfareArea) -> ContinuityReport | None:
    """The area's most recently published continuity report, if the user may read it: the same for
    every reader, kept between the dashboards' changes (publishing renews them, topic "figures")."""
    if report_readers(user, area) == "none":
        return None

    def read() -> ContinuityReport | None:
        published = ContinuityReport.objects.filter(
            area=area, published_at__isnull=False, state=ContinuityReport.State.SUCCEEDED
        )
        return published.order_by("-published_at").first()

    return fragments.kept_value("latest-published-report", str(area.pk), ["figures"], read)


def can_view_report(user: AnyUser, report: ContinuityReport) -> bool:
    if report.area is None:
        return access.can_view_national(user)
    return reports_visible_to(user, report.area).filter(pk=report.pk).exists()


def can_manage_report(user: AnyUser, report: ContinuityReport) -> bool:
    return access.can_view_national(user) if report.area is None else can_manage_reports(user, report.area)
