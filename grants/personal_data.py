"""What grants hold about a person (see portal.personal_data). What they did stays on
the record of the application, the call or the report with their name removed."""

from __future__ import annotations

from django.db.models import Q

from grants.models import (
    Application,
    ApplicationAttachment,
    ApplicationEvent,
    ChangeRequest,
    Decision,
    DecisionDocument,
    FundsReturn,
    GrantCall,
    GrantYear,
    Payment,
    ReviewAssignment,
    ReviewRequest,
    ReviewRequestAttachment,
    UseOfFundsReport,
)
from portal.personal_data import declare, iso

declare(
    Application,
    "created_by",
    "submitted_by",
    section="applications",
    export=lambda user: [
        {
            "title": a.title,
            "organisation": a.organisation.name_fi,
            "call": a.call.title_fi,
            "status": a.status,
            "started_by_you": a.created_by_id == user.pk,
            "submitted_by_you": a.submitted_by_id == user.pk,
            "submitted_at": iso(a.submitted_at),
        }
        for a in Application.objects.filter(Q(created_by=user) | Q(submitted_by=user)).select_related(
            "organisation", "call"
        )
    ],
    kept=True,
)
declare(
    ApplicationEvent,
    "actor",
    section="application_events",
    export=lambda user: [
        {
            "application": e.application.title,
            "kind": e.kind,
            "step": e.transition,
            "text": e.text,
            "internal": not e.visible_to_applicant,
            "at": iso(e.created_at),
        }
        for e in ApplicationEvent.objects.filter(actor=user).select_related("application")
    ],
    kept=True,
)
declare(
    ApplicationAttachment,
    "uploaded_by",
    section="attachments_uploaded",
    export=lambda user: [
        {"application": a.application.title, "kind": a.kind, "file_name": a.original_name, "at": iso(a.uploaded_at)}
        for a in ApplicationAttachment.objects.filter(uploaded_by=user).select_related("application")
    ],
    kept=True,
)
declare(
    # A reviewer's deleted account leaves the review and its scores behind a decision, unnamed.
    ReviewAssignment,
    "reviewer",
    "assigned_by",
    section="reviews",
    export=lambda user: [
        {
            "application": a.application.title,
            "reviewer": a.reviewer_id == user.pk,
            "assigned_by_you": a.assigned_by_id == user.pk,
            "conflict_of_interest": a.conflict_of_interest,
            "scores": getattr(a, "review", None) and a.review.scores,
            "comment": getattr(a, "review", None) and a.review.comment,
            "recommendation": getattr(a, "review", None) and a.review.recommended_outcome,
        }
        for a in ReviewAssignment.objects.filter(Q(reviewer=user) | Q(assigned_by=user)).select_related(
            "application", "review"
        )
    ],
    kept=True,
)
declare(
    Decision,
    "decided_by",
    "unverified_confirmed_by",
    section="decisions",
    export=lambda user: [
        {"application": d.application.title, "outcome": d.outcome, "amount": str(d.amount), "at": iso(d.decided_at)}
        for d in Decision.objects.filter(Q(decided_by=user) | Q(unverified_confirmed_by=user)).select_related(
            "application"
        )
    ],
    kept=True,
)
declare(
    DecisionDocument,
    "first_opened_by",
    section="decision_documents_opened",
    export=lambda user: [
        {"application": d.decision.application.title, "kind": d.kind, "first_opened_at": iso(d.first_opened_at)}
        for d in DecisionDocument.objects.filter(first_opened_by=user).select_related("decision__application")
    ],
    kept=True,
)
declare(
    FundsReturn,
    "waived_by",
    section="returns_waived",
    export=lambda user: [
        {"application": r.application.title, "amount": str(r.amount), "reason": r.waiver_reason, "at": iso(r.waived_at)}
        for r in FundsReturn.objects.filter(waived_by=user).select_related("application")
    ],
    kept=True,
)
declare(
    Payment,
    "recorded_by",
    section="payments_recorded",
    export=lambda user: [
        {"application": p.decision.application.title, "amount": str(p.amount), "paid_on": str(p.paid_on)}
        for p in Payment.objects.filter(recorded_by=user).select_related("decision__application")
    ],
    kept=True,
)
declare(
    UseOfFundsReport,
    "submitted_by",
    section="reports_on_use_of_funds",
    export=lambda user: [
        {"application": r.application.title, "amount_used": str(r.amount_used), "at": iso(r.submitted_at)}
        for r in UseOfFundsReport.objects.filter(submitted_by=user).select_related("application")
    ],
    kept=True,
)
declare(
    GrantCall,
    "created_by",
    section="calls_created",
    export=lambda user: [
        {"title": c.title_fi, "area": c.area.code, "at": iso(c.created_at)}
        for c in GrantCall.objects.filter(created_by=user).select_related("area")
    ],
    kept=True,
)
declare(
    # A request for review and its resolution are part of the decision's record, kept unnamed.
    ReviewRequest,
    "filed_by",
    "resolved_by",
    section="requests_for_review",
    export=lambda user: [
        {
            "application": r.decision.application.title,
            "filed_by_you": r.filed_by_id == user.pk,
            "demand": r.demand if r.filed_by_id == user.pk else None,
            "grounds": r.grounds if r.filed_by_id == user.pk else None,
            "contact": r.contact if r.filed_by_id == user.pk else None,
            "filed_at": iso(r.filed_at),
            "resolved_by_you": r.resolved_by_id == user.pk,
            "resolution": r.resolution,
        }
        for r in (ReviewRequest.objects.filter(filed_by=user) | ReviewRequest.objects.filter(resolved_by=user))
        .select_related("decision__application")
        .distinct()
    ],
    kept=True,
)
declare(
    ReviewRequestAttachment,
    "uploaded_by",
    section="review_request_attachments_uploaded",
    export=lambda user: [
        {"file_name": a.original_name, "at": iso(a.uploaded_at)}
        for a in ReviewRequestAttachment.objects.filter(uploaded_by=user)
    ],
    kept=True,
)
declare(
    ChangeRequest,
    "filed_by",
    "resolved_by",
    section="change_requests",
    export=lambda user: [
        {
            "application": c.decision.application.title,
            "kind": c.kind,
            "filed_by_you": c.filed_by_id == user.pk,
            "filed_at": iso(c.filed_at),
            "resolved_by_you": c.resolved_by_id == user.pk,
            "resolution": c.resolution,
        }
        for c in (ChangeRequest.objects.filter(filed_by=user) | ChangeRequest.objects.filter(resolved_by=user))
        .select_related("decision__application")
        .distinct()
    ],
    kept=True,
)
declare(
    GrantYear,
    "confirmed_by",
    section="grant_years_confirmed",
    export=lambda user: [
        {"decision": y.decision_id, "year": y.year, "confirmed_at": iso(y.confirmed_at)}
        for y in GrantYear.objects.filter(confirmed_by=user)
    ],
    kept=True,
)
