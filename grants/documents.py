"""Decision documents: the decision as the applicant receives it, with its grounds and the
instructions for requesting a review, rendered by a job, sent, and never changed afterwards.

- Sending: publishing a call's decisions has a job render each decision's document in the
  organisation's language, store it, record when it was sent and when it is deemed received
  (``portal.timelimits``), and email the organisation's administrators a link to it.
- Corrections: when a published decision with a sent document is changed, the job sends a new
  document (kind ``correction``) that names the one it replaces. The earlier one stays as it was.
- Opening: the first time a member of the organisation opens a document in the portal is
  recorded, as the proof of when it was received.
"""

from __future__ import annotations

import csv
import datetime
import functools
import hashlib
import logging
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from grants import pages
from grants.models import ChangeRequest, Decision, DecisionDocument, ReviewRequest
from organisations.models import Membership
from portal import emails, timelimits, uploads
from portal.csvsafe import safe_row
from portal.models import AreaRole

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from portal.models import User, WelfareArea

logger = logging.getLogger(__name__)

LANGUAGES = ("fi", "sv")


def schedule(decision_ids: Iterable[int]) -> None:
    """Have a job send the documents of these decisions once the transaction commits."""
    from grants.tasks import send_decision_document

    for decision_id in list(decision_ids):
        transaction.on_commit(functools.partial(send_decision_document.delay, decision_id))


def schedule_review_decision(review_request_id: int) -> None:
    """Have a job send the document of a resolved request for review once the transaction commits."""
    from grants.tasks import send_review_decision_document

    transaction.on_commit(functools.partial(send_review_decision_document.delay, review_request_id))


def schedule_change_decision(change_request_id: int) -> None:
    """Have a job send the document of a resolved change request once the transaction commits."""
    from grants.tasks import send_change_decision_document

    transaction.on_commit(functools.partial(send_change_decision_document.delay, change_request_id))


def current_document(decision: Decision) -> DecisionDocument | None:
    """The latest sent document of the decision: the one in force. A decision on a request for
    review is one only when it changed the decision; a rejection leaves the earlier one in force."""
    grant_decisions = Q(review_request__isnull=True, change_request__isnull=True)
    in_force = grant_decisions | Q(review_request__resolution=ReviewRequest.Resolution.CHANGED)
    return decision.documents.filter(in_force, sent_at__isnull=False).order_by("-sent_at", "-pk").first()


def decision_maker_title(decision: Decision) -> str:
    """The title the decision-maker holds in the area, when one is recorded on their role."""
    return area_title(decision, decision.decided_by_id, decision.decided_at)


def area_title(decision: Decision, user_id: int | None, on: datetime.datetime | None) -> str:
    """The title the person held in the decision's area on that day, when one is recorded."""
    if user_id is None or on is None:
        return ""
    role = (
        AreaRole.objects.active(timezone.localdate(on))
        .in_area(decision.application.call.area)
        .with_role(AreaRole.Role.DECISION_MAKER, AreaRole.Role.COORDINATOR)
        .filter(user_id=user_id)
        .exclude(title="")
        .order_by("role")  # a decision-maker's title before a coordinator's
        .first()
    )
    return role.title if role else ""


def document_context(
    decision: Decision, sent_at: datetime.datetime, previous: DecisionDocument | None
) -> dict[str, object]:
    application = decision.application
    sent_on = timezone.localdate(sent_at)
    electronic = application.organisation.electronic_service_consent_at is not None
    notified_on = (timelimits.deemed_notified if electronic else timelimits.deemed_notified_by_post)(sent_on)
    return {
        "electronic": electronic,
        "decision": decision,
        "application": application,
        "call": application.call,
        "area": application.call.area,
        "organisation": application.organisation,
        "decision_maker": decision.decided_by,
        "decision_maker_title": decision_maker_title(decision),
        "decided_on": timezone.localdate(decision.decided_at),
        "use_from": decision.use_period[0],
        "use_until": decision.use_period[1],
        "payments": list(decision.payments.all()),
        "sent_at": sent_at,
        "notified_on": notified_on,
        "review_deadline": timelimits.review_deadline(notified_on),
        "review_days": timelimits.REVIEW_PERIOD_DAYS,
        "previous": previous,
        "portal_url": settings.PORTAL_BASE_URL,
    }


def render_pdf(context: dict[str, object], language: str, template: str = "grants/decision_pdf.html") -> bytes:
    from weasyprint import HTML

    with translation.override(language):
        html = render_to_string(template, context)
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


def language_of(decision: Decision) -> str:
    language = decision.application.organisation.decision_language
    return language if language in LANGUAGES else "fi"


DECISION_RELATED = ("application__call__area", "application__organisation", "decided_by")


def send(decision_id: int) -> DecisionDocument | None:
    """Render, store and send the document of the decision as it stands now. Nothing to do when
    that version was sent already (a job run twice), or the decision is not published."""
    decision = Decision.objects.select_related(*DECISION_RELATED).get(pk=decision_id)
    if decision.published_at is None:
        return None
    if decision.documents.filter(decision_decided_at=decision.decided_at).exists():
        return None
    previous = current_document(decision)
    kind = DecisionDocument.Kind.CORRECTION if previous else DecisionDocument.Kind.ORIGINAL
    return _send(decision, kind, "grants/decision_pdf.html", previous, {"previous": previous})


def send_review_decision(review_request_id: int) -> DecisionDocument | None:
    """Render, store and send the decision on a resolved request for review, once."""
    request = ReviewRequest.objects.select_related("concerns", "resolved_by", "filed_by").get(pk=review_request_id)
    if request.is_pending or DecisionDocument.objects.filter(review_request=request).exists():
        return None
    decision = Decision.objects.select_related(*DECISION_RELATED).get(pk=request.decision_id)
    extra: dict[str, object] = {
        "review_request": request,
        "concerned": request.concerns,
        "resolver": request.resolved_by,
        "resolver_title": area_title(decision, request.resolved_by_id, request.resolved_at),
        "resolved_on": timezone.localdate(request.resolved_at),
        "appeal_days": timelimits.APPEAL_PERIOD_DAYS,
    }
    changed = request.resolution == ReviewRequest.Resolution.CHANGED
    # The document it replaces, when the decision changed: the one the request concerned, or a
    # correction sent since.
    replaced = current_document(decision) if changed else None
    template = "grants/review_decision_pdf.html"
    return _send(decision, DecisionDocument.Kind.REVIEW, template, replaced, extra, review_request=request)


def send_change_decision(change_request_id: int) -> DecisionDocument | None:
    """Render, store and send the decision on a resolved change request, once. It stands beside
    the grant decision, which stays in force, and it may itself be reviewed on request."""
    request = ChangeRequest.objects.select_related("resolved_by").get(pk=change_request_id)
    if request.is_pending or DecisionDocument.objects.filter(change_request=request).exists():
        return None
    decision = Decision.objects.select_related(*DECISION_RELATED).get(pk=request.decision_id)
    extra: dict[str, object] = {
        "change_request": request,
        "concerned": current_document(decision),
        "resolver": request.resolved_by,
        "resolver_title": area_title(decision, request.resolved_by_id, request.resolved_at),
        "resolved_on": timezone.localdate(request.resolved_at),
    }
    template = "grants/change_decision_pdf.html"
    return _send(decision, DecisionDocument.Kind.CHANGE, template, None, extra, change_request=request)


def _send(
    decision: Decision,
    kind: str,
    template: str,
    previous: DecisionDocument | None,
    extra: dict[str, object],
    review_request: ReviewRequest | None = None,
    change_request: ChangeRequest | None = None,
) -> DecisionDocument | None:
    language = language_of(decision)
    sent_at = timezone.now()
    context = document_context(decision, sent_at, previous) | extra
    if review_request is not None:  # a decision on a review request is appealed to a court
        context["review_deadline"] = timelimits.appeal_deadline(cast(datetime.date, context["notified_on"]))
    pdf = render_pdf(context, language, template)
    copy = render_pdf({**context, "unofficial": True}, "en", template)
    storage = DecisionDocument._meta.get_field("pdf").storage
    name = storage.save(uploads.random_name("grants/decisions", "decision.pdf"), ContentFile(pdf))
    copy_name = storage.save(uploads.random_name("grants/decisions", "decision.pdf"), ContentFile(copy))
    Delivery = DecisionDocument.Delivery
    try:
        with transaction.atomic():
            document = DecisionDocument.objects.create(
                decision=decision,
                kind=kind,
                language=language,
                delivery=Delivery.ELECTRONIC if context["electronic"] else Delivery.POST,
                pdf=name,
                unofficial_copy=copy_name,
                sha256=hashlib.sha256(pdf).hexdigest(),
                decision_decided_at=decision.decided_at,
                sent_at=sent_at,
                notified_on=cast(datetime.date, context["notified_on"]),
                review_deadline=cast(datetime.date, context["review_deadline"]),
                supersedes=previous,
                review_request=review_request,
                change_request=change_request,
            )
            tell_organisation(document)
    except IntegrityError:  # another run sent this version first
        storage.delete(name)
        storage.delete(copy_name)
        return None
    return document


def tell_organisation(document: DecisionDocument) -> None:
    """Email the organisation's administrators a link to the document, each in their language."""
    decision = document.decision
    application = decision.application
    link = settings.PORTAL_BASE_URL + reverse(
        "grants:decision_document", kwargs={"pk": application.pk, "document_pk": document.pk}
    )
    members = Membership.objects.filter(organisation=application.organisation)
    # Its administrators; every member when it has none (the decision must reach someone).
    emails.send_to_each(
        members.admins().people() or members.people(),
        "grants/email/decision_document",
        {"document": document, "decision": decision, "application": application, "link": link},
    )


def record_opening(document: DecisionDocument, user: User) -> bool:
    """Record the first time a member of the organisation opens the document; later openings and
    the area's staff leave it as it is. Returns whether this was the first opening."""
    if not Membership.objects.filter(user=user, organisation=document.decision.application.organisation_id).exists():
        return False
    opened = DecisionDocument.objects.filter(pk=document.pk, first_opened_at__isnull=True).update(
        first_opened_at=timezone.now(), first_opened_by=user
    )
    if opened:
        pages.renew_for_decisions([document.decision_id])  # the application page shows the opening
    return bool(opened)


# --- Archiving -----------------------------------------------------------------------------------

ARCHIVE_COLUMNS = [
    "reference", "business_id", "association_register_number", "organisation_name", "outcome", "granted_eur",
    "decided_on", "language", "sent_at", "notified_on", "review_deadline", "document",
]  # fmt: skip


def _iso(value: datetime.date | datetime.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def archive(area: WelfareArea, year: int, out: Path) -> int:
    """Write the current document of each published decision of ``area`` made in ``year``
    (Finnish time) into ``out``, with ``decisions.csv`` listing them all, for the area's records
    management. Dates are ISO 8601 and amounts have a decimal point. Returns the rows written."""
    out.mkdir(parents=True, exist_ok=True)
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    end = timezone.make_aware(datetime.datetime(year + 1, 1, 1))
    decisions = (
        Decision.objects.filter(
            application__call__area=area, decided_at__gte=start, decided_at__lt=end, published_at__isnull=False
        )
        .select_related("application__organisation")
        .order_by("decided_at", "pk")
    )
    rows = 0
    with (out / "decisions.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(ARCHIVE_COLUMNS)
        for decision in decisions:
            organisation = decision.application.organisation
            document = current_document(decision)
            file_name = ""
            if document is not None:
                file_name = document.download_name()
                with document.pdf.open("rb") as source:
                    (out / file_name).write_bytes(source.read())
            writer.writerow(
                safe_row([
                    decision.reference,
                    organisation.business_id or "",
                    organisation.register_number or "",
                    organisation.name_fi,
                    decision.outcome,
                    f"{decision.amount:.2f}",
                    _iso(timezone.localdate(decision.decided_at)),
                    document.language if document else "",
                    _iso(document.sent_at) if document else "",
                    _iso(document.notified_on) if document else "",
                    _iso(document.review_deadline) if document else "",
                    file_name,
                ])
            )  # fmt: skip
            rows += 1
    return rows
