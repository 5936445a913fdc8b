"""Demo grants for ``seed_demo``: calls in several areas and years, applications in every state,
reviews, published decisions and payments, so that the demo's open data is not empty."""

from __future__ import annotations

import datetime
from decimal import Decimal
from itertools import cycle

from django.db.models import QuerySet
from django.utils import timezone

from grants import changerequests, documents, returns, reviewrequests, services
from grants.models import (
    Application,
    ApplicationEvent,
    BudgetLine,
    ChangeRequest,
    Decision,
    DecisionDocument,
    GrantCall,
    GrantType,
    GrantYear,
    Payment,
    Review,
    ReviewAssignment,
    ReviewRequest,
    ScoringCriterion,
    Status,
    UseOfFundsReport,
)
from grants.signals import decision_recorded
from organisations.models import Membership, Organisation
from portal.models import User, WelfareArea

HELSINKI = datetime.timezone(datetime.timedelta(hours=2))
CALLS = [
    # area, funding year, grant type, title in Finnish and in Swedish
    ("05", 2025, GrantType.GENERAL, "Järjestöjen yleisavustukset 2025", "Allmänna understöd till organisationer 2025"),
    ("05", 2026, GrantType.GENERAL, "Järjestöjen yleisavustukset 2026", "Allmänna understöd till organisationer 2026"),
    (
        "05", 2026, GrantType.TARGETED, "Perhekeskustoiminnan kohdeavustukset 2026",
        "Riktade understöd för familjecentralernas verksamhet 2026",
    ),
    ("05", 2027, GrantType.GENERAL, "Järjestöjen yleisavustukset 2027", "Allmänna understöd till organisationer 2027"),
    (
        "90", 2026, GrantType.GENERAL, "Helsingin sote-järjestöavustukset 2026",
        "Helsingfors understöd till social- och hälsoorganisationer 2026",
    ),
    ("02", 2026, GrantType.PARTNERSHIP, "Kumppanuusavustukset 2026", "Partnerskapsunderstöd 2026"),
]  # fmt: skip
# The order in which demo applications walk through the states.
STATES = [
    Status.CLOSED, Status.PAID, Status.DECIDED, Status.REPORT_SUBMITTED, Status.IN_REVIEW, Status.SUBMITTED,
    Status.INFO_REQUESTED, Status.REPORT_RETURNED, Status.WITHDRAWN, Status.DRAFT,
]  # fmt: skip
DECIDED_STATES = {Status.DECIDED, Status.PAID, Status.REPORT_SUBMITTED, Status.REPORT_RETURNED, Status.CLOSED}


def call_dates(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """Calls for a year are open from October to the end of January; next year's is open now."""
    return (
        datetime.datetime(year - 1, 10, 1, 8, 0, tzinfo=HELSINKI),
        datetime.datetime(year, 1, 31, 16, 0, tzinfo=HELSINKI),
    )


def seed(coordinator: User, reviewer: User, decision_maker: User) -> None:
    states = cycle(STATES)  # shared by all calls, so that every state appears
    for code, year, grant_type, title, title_sv in CALLS:
        area = WelfareArea.objects.get(code=code)
        opens_at, closes_at = call_dates(year)
        call, created = GrantCall.objects.get_or_create(
            area=area,
            title_fi=title,
            defaults={
                "title_sv": title_sv,
                "description_fi": "Avustusta voivat hakea alueella toimivat sosiaali- ja terveysjärjestöt (demo).",
                "description_sv": "Understöd kan sökas av social- och hälsoorganisationer i området (demo).",
                "grant_type": grant_type,
                "funding_year": year,
                "budget": Decimal("250000"),
                "max_amount": Decimal("40000"),
                "opens_at": opens_at,
                "closes_at": closes_at,
                "required_attachments": ["budget"],
                "published_at": opens_at - datetime.timedelta(days=14),
                "created_by": coordinator,
            },
        )
        if not created:
            continue
        ScoringCriterion.objects.bulk_create(
            [
                ScoringCriterion(call=call, name_fi="Toiminnan vaikuttavuus", name_sv="Verksamhetens effekt", weight=3),
                ScoringCriterion(
                    call=call, name_fi="Kohderyhmän tavoittaminen", name_sv="Hur väl målgruppen nås", weight=2
                ),
                ScoringCriterion(call=call, name_fi="Talouden realistisuus", name_sv="En realistisk budget", weight=1),
            ]
        )
        if call.is_open():
            continue
        organisations = Organisation.objects.operating_in(area).order_by("pk")
        for organisation in organisations:
            _application(call, organisation, next(states), coordinator, reviewer, decision_maker)
    _decision_documents()


# The demo registry of area 05, for the review instructions of its decision documents.
DEMO_REGISTRY = {
    "registry_email": "kirjaamo@hyvinvointialue.example",
    "registry_address": "Varsinais-Suomen hyvinvointialue, kirjaamo\nPL 52\n20521 Turku",
}


def _decision_documents() -> None:
    """Area 05's registry, and the documents of its latest published decisions, sent by the job
    (in ``make run`` the worker renders them a moment after seeding)."""
    WelfareArea.objects.filter(code="05", registry_email="").update(**DEMO_REGISTRY)
    latest = Decision.objects.filter(application__call__area__code="05", published_at__isnull=False).order_by(
        "-decided_at", "-pk"
    )[:4]
    documents.schedule(decision.pk for decision in latest if not decision.documents.exists())
    _review_request()


def _review_request() -> None:
    """A request for review waiting in area 05's queue, filed by the administrator of an
    organisation with a published decision; its document is sent at once for it to concern."""
    if ReviewRequest.objects.exists():
        return
    admins = Membership.objects.filter(role=Membership.Role.ADMIN)
    decision = (
        Decision.objects.filter(
            application__call__area__code="05",
            published_at__isnull=False,
            application__organisation__memberships__in=admins,
        )
        .order_by("-decided_at", "pk")
        .first()
    )
    if decision is None:
        return
    document = documents.send(decision.pk) or documents.current_document(decision)
    admin = admins.filter(organisation=decision.application.organisation_id).first()
    assert admin is not None and document is not None  # chosen for its administrator; sent just now
    documents.record_opening(document, admin.user)  # the administrator has read it
    reviewrequests.file(
        decision,
        admin.user,
        demand="Avustus myönnetään haetun suuruisena.",
        grounds="Toiminta laajenee vuonna 2027 kahteen uuteen kuntaan, mikä kerrottiin hakemuksen liitteessä.",
        contact=f"{admin.user.full_name}, {admin.user.email}",
    )
    _grants_in_use(admins)


def _grants_in_use(admins: QuerySet[Membership]) -> None:
    """In area 05: a three-year partnership grant with its later years conditional, a change
    request waiting, and unused funds to return from an accepted report."""
    in_area = Decision.objects.granted().filter(application__call__area__code="05", published_at__isnull=False)
    partnership = in_area.filter(application__status=Status.DECIDED).order_by("pk").first()
    if partnership is not None and not partnership.later_years.exists():
        year = partnership.application.call.funding_year
        for later in (1, 2):
            GrantYear.objects.create(decision=partnership, year=year + later, amount=partnership.amount)
        decision_recorded.send(sender=Decision, decision=partnership)
    others = in_area.filter(application__status=Status.DECIDED, review_requests=None, later_years=None)
    corrected = others.exclude(documents__kind=DecisionDocument.Kind.CORRECTION).first()
    if corrected is not None and corrected.decided_by is not None:
        # A decision changed after it was sent: the job sends the corrected document.
        documents.send(corrected.pk)
        services.record_decision(
            corrected.application, corrected.decided_by,
            change_reason="Laskuvirhe korjattu: avustus on haetun suuruinen.",
            outcome=Decision.Outcome.APPROVED, amount=corrected.application.requested_amount or corrected.amount,
            rationale=corrected.rationale, conditions=corrected.conditions, report_due_on=corrected.report_due_on,
            payment_schedule=corrected.payment_schedule, confirm_overrun=True, confirm_unverified=True,
        )  # fmt: skip
    changing = (
        in_area.filter(
            application__status__in=changerequests.IN_USE,
            application__organisation__memberships__in=admins,
            change_requests=None,
        )
        .order_by("pk")
        .first()
    )
    admin = admins.filter(organisation=changing.application.organisation_id).first() if changing else None
    if changing is not None and admin is not None:
        changerequests.file(
            changing, admin.user, ChangeRequest.Kind.EXTENSION,
            description="Ryhmät jatkuvat kevääseen, koska toiminta alkoi tilojen vuoksi vasta syksyllä.",
            grounds="Tilat valmistuivat kolme kuukautta suunniteltua myöhemmin.",
            new_use_until=changing.use_period[1] + datetime.timedelta(days=90),
        )  # fmt: skip
    closed = Application.objects.filter(call__area__code="05", status=Status.CLOSED, funds_return=None).first()
    if closed is not None:
        UseOfFundsReport.objects.filter(application=closed).update(amount_used=closed.decision.amount - 1500)
        returns.settle(closed)


def _application(call: GrantCall, organisation: Organisation, state: Status, coordinator: User, reviewer: User,
                 decision_maker: User) -> None:  # fmt: skip
    requested = Decimal(8000 + (organisation.pk * 1370) % 30000)
    submitted_at = call.closes_at - datetime.timedelta(days=3)
    application = Application.objects.create(
        call=call,
        organisation=organisation,
        title=f"{organisation.name_fi}: toiminta {call.funding_year}",
        summary="Vertaistukiryhmiä ja neuvontaa alueen asukkaille (demo).",
        planned_activities="Viikoittaiset ryhmät, vapaaehtoisten koulutus ja avoimet tapahtumat.",
        requested_amount=requested,
        expected_participants=120,
        expected_volunteers=15,
        # A decision is recorded in review; the application reaches its demo state afterwards.
        status=Status.IN_REVIEW if state in DECIDED_STATES else state,
        submitted_at=None if state in (Status.DRAFT, Status.WITHDRAWN) else submitted_at,
        created_by=coordinator,
    )
    BudgetLine.objects.create(application=application, kind="expense", category="activities", amount=requested)
    ApplicationEvent.objects.create(
        application=application, kind="transition", transition="submit", from_status="draft", to_status=state,
        actor=coordinator, created_at=submitted_at,
    )  # fmt: skip
    if state in (Status.DRAFT, Status.WITHDRAWN, Status.SUBMITTED):
        return
    criteria = list(call.criteria.all())
    if organisation.memberships.filter(user=reviewer).exists():
        return
    assignment = ReviewAssignment.objects.create(application=application, reviewer=reviewer, assigned_by=coordinator)
    Review.objects.create(
        assignment=assignment,
        scores={str(c.pk): 3 + (organisation.pk + c.pk) % 3 for c in criteria},
        comment="Selkeä suunnitelma.",
        recommended_outcome=Review.Outcome.APPROVE_PARTLY,
        recommended_amount=requested * Decimal("0.8"),
    )
    if state not in DECIDED_STATES:
        return
    rejected = organisation.pk % 5 == 0
    decision = services.record_decision(
        application,
        decision_maker,
        outcome=Decision.Outcome.REJECTED if rejected else Decision.Outcome.PARTLY_APPROVED,
        amount=Decimal("0") if rejected else (requested * Decimal("0.8")).quantize(Decimal("1")),
        rationale="Avustus myönnetään osittain määrärahan puitteissa."
        if not rejected
        else "Ei vastaa haun painopisteitä.",
        reference=f"§ {40 + call.pk}/{call.funding_year - 1}",
        confirm_unverified=True,  # the demo's one unverified association was granted money all the same
    )
    Decision.objects.filter(pk=decision.pk).update(
        decided_at=call.closes_at + datetime.timedelta(days=45),
        published_at=call.closes_at + datetime.timedelta(days=50),
    )
    Application.objects.filter(pk=application.pk).update(status=Status.DECIDED if rejected else state)
    if rejected:
        return
    if state in (Status.PAID, Status.REPORT_SUBMITTED, Status.REPORT_RETURNED, Status.CLOSED):
        Payment.objects.create(
            decision=decision, amount=decision.amount, paid_on=(call.closes_at + datetime.timedelta(days=60)).date(),
            reference=f"MAKSU-{application.pk}", recorded_by=coordinator,
        )  # fmt: skip
    if state in (Status.REPORT_SUBMITTED, Status.REPORT_RETURNED, Status.CLOSED):
        UseOfFundsReport.objects.create(
            application=application, amount_used=decision.amount, narrative="Toiminta toteutui suunnitellusti.",
            results="Ryhmiin osallistui 130 henkeä.", submitted_by=coordinator, submitted_at=timezone.now(),
        )  # fmt: skip
