"""What funding holds about a person (see portal.personal_data): who asked for a report, who
published it and who uploaded an import stay on the record with their name removed."""

from __future__ import annotations

from django.db.models import Q

from funding.models import ContinuityReport, FundingImport
from portal.personal_data import declare, iso

declare(
    ContinuityReport,
    "requested_by",
    "published_by",
    section="continuity_reports",
    export=lambda user: [
        {"area": r.area.code if r.area else None, "year": r.year, "at": iso(r.created_at)}
        for r in ContinuityReport.objects.filter(Q(requested_by=user) | Q(published_by=user)).select_related("area")
    ],
    kept=True,
)
declare(
    FundingImport,
    "uploaded_by",
    section="funding_imports",
    export=lambda user: [
        {"file_name": i.original_name, "area": i.area.code, "state": i.state, "at": iso(i.created_at)}
        for i in FundingImport.objects.filter(uploaded_by=user).select_related("area")
    ],
    kept=True,
)
