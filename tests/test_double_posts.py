"""Every POST that creates something, sent ten times at once as a double click or a resent request
would: exactly one row, one email, one file.

The posts are real HTTP requests to the live test server, started together from ten threads with
the same session and the same form (its one-time token included). On PostgreSQL they run truly
concurrently; SQLite serialises them, which still proves that the second to the tenth find the
first one's work.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal

import pytest
import urllib3
from django.conf import settings
from django.core import mail
from django.db.models import Model
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.urls import reverse

from familycentre.models import CooperationAgreement, FamilyCentreActivity, NetworkMember
from funding.models import ContinuityReport
from grants.models import (
    Application,
    ApplicationAttachment,
    ApplicationEvent,
    BudgetLine,
    Decision,
    GrantCall,
    Payment,
    ReviewAssignment,
)
from organisations.models import (
    CoordinatorNote,
    Invitation,
    JoinRequest,
    Membership,
    Organisation,
    OrganisationDocument,
)
from portal.models import Municipality, User
from tests.conftest import World
from tests.factories import (
    GROUNDS,
    PDF_BYTES,
    AgreementFactory,
    ApplicationFactory,
    FamilyCentreFactory,
    GrantCallFactory,
    area,
)

POSTS = 10
Fields = dict[str, object]


def race(live_server, user: User, path: str, fields: Fields) -> list[int]:
    """POST the same form ``POSTS`` times at once as ``user``; the answers' status codes."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    secret = _get_new_csrf_string()
    body = {**fields, "csrfmiddlewaretoken": secret, "submission": uuid.uuid4().hex}
    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={secret}"}
    http = urllib3.PoolManager(maxsize=POSTS, retries=False, timeout=60)
    start = threading.Barrier(POSTS)

    def post(_number: int) -> int:
        start.wait()
        answer = http.request(
            "POST", live_server.url + path, fields=list(flatten(body)), headers=headers, redirect=False
        )
        return answer.status

    with ThreadPoolExecutor(POSTS) as pool:
        statuses = list(pool.map(post, range(POSTS)))
    assert all(status in (302, 303) for status in statuses), statuses  # each told where to go, none failed
    return statuses


def flatten(fields: Fields):
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            yield (name, item if isinstance(item, tuple) else str(item))


@dataclass(frozen=True)
class Post:
    """One creating form: who sends it, where, with what, and the rows it must create once."""

    name: str
    sender: Callable[[World], User]
    path: Callable[[World], str]
    fields: Callable[[World], Fields]
    counts: Callable[[World], list[type[Model] | object]]
    emails: bool = False  # the step emails people: each of them once


def application(status: str) -> Callable[[World], Application]:
    def make(world: World) -> Application:
        if not hasattr(world, f"_application_{status}"):
            setattr(
                world, f"_application_{status}", ApplicationFactory.in_state(status, organisation=world.organisation)
            )
        return getattr(world, f"_application_{status}")

    return make


decided, submitted, in_review, draft = (application(s) for s in ("decided", "submitted", "in_review", "draft"))


def url(url_name: str, make: Callable[[World], object], **extra: object) -> Callable[[World], str]:
    return lambda world: reverse(url_name, kwargs={"pk": make(world).pk, **extra})


def org_url(name: str) -> Callable[[World], str]:
    return lambda world: reverse(name, kwargs={"pk": world.organisation.pk})


def centre(world: World):
    if not hasattr(world, "_centre"):
        world._centre = FamilyCentreFactory.with_ngo(world.organisation)
    return world._centre


def sent_agreement(world: World) -> CooperationAgreement:
    if not hasattr(world, "_agreement"):
        world._agreement = AgreementFactory(organisation=world.organisation, status="sent")
    return world._agreement


def pdf(name: str = "liite.pdf") -> tuple[str, bytes, str]:
    return (name, PDF_BYTES, "application/pdf")


def draft_fields(world: World) -> Fields:
    """The draft's own form as its page shows it, with one new budget line."""
    return {
        "version": draft(world).version,
        "title": "Vertaisryhmät",
        "summary": "Ryhmiä.",
        "planned_activities": "Viikoittain.",
        "requested_amount": "20000",
        "budget-TOTAL_FORMS": "2",
        "budget-INITIAL_FORMS": "1",
        "budget-MIN_NUM_FORMS": "0",
        "budget-MAX_NUM_FORMS": "100",
        "budget-0-id": draft(world).budget_lines.get().pk,
        "budget-0-kind": "expense",
        "budget-0-category": "activities",
        "budget-0-amount": "20000",
        "budget-1-kind": "expense",
        "budget-1-category": "travel",
        "budget-1-amount": "500",
        "funding-TOTAL_FORMS": "0",
        "funding-INITIAL_FORMS": "0",
        "funding-MIN_NUM_FORMS": "0",
        "funding-MAX_NUM_FORMS": "30",
    }


POST_CASES = [
    Post(
        "payment",
        lambda w: w.coordinator,
        url("grants:payment", decided),
        lambda w: {"amount": "5000", "paid_on": "2027-02-01", "reference": "RF18 5390 0054 2"},
        lambda w: [Payment],
    ),
    Post(
        "message to the coordinators",
        lambda w: w.ngo_member,
        url("grants:message", submitted),
        lambda w: {"text": "Liitimme puuttuvan budjetin."},
        lambda w: [ApplicationEvent.objects.filter(kind="message")],
        emails=True,
    ),
    Post(
        "invitation",
        lambda w: w.ngo_admin,
        org_url("organisations:invite"),
        lambda w: {"email": "uusi.jasen@example.org", "role": "member"},
        lambda w: [Invitation],
        emails=True,
    ),
    Post(
        "review assignment",
        lambda w: w.coordinator,
        url("grants:assign", submitted),
        lambda w: {"reviewer": w.reviewer.pk},
        lambda w: [ReviewAssignment],
    ),
    Post(
        "agreement signature",
        lambda w: w.ngo_admin,
        lambda w: reverse("familycentre:agreement_step", kwargs={"pk": sent_agreement(w).pk, "name": "sign"}),
        lambda w: {},
        lambda w: [CooperationAgreement.objects.filter(status="signed", version=sent_agreement(w).version + 1)],
        emails=True,
    ),
    Post(
        "coordinator's note",
        lambda w: w.coordinator,
        org_url("organisations:add_note"),
        lambda w: {"area": area("05").pk, "text": "Soitin puheenjohtajalle."},
        lambda w: [CoordinatorNote],
    ),
    Post(
        "application attachment",
        lambda w: w.ngo_member,
        url("grants:application_edit", draft),
        lambda w: (
            draft_fields(w)
            | {
                "action": "attach",
                "attachment-kind": "activity_plan",
                "attachment-file": pdf("toimintasuunnitelma.pdf"),
            }
        ),
        lambda w: [ApplicationAttachment.objects.filter(kind="activity_plan")],
    ),
    Post(
        "organisation document",
        lambda w: w.ngo_member,
        org_url("organisations:documents"),
        lambda w: {"kind": "annual_report", "year": "2025", "file": pdf("vuosikertomus.pdf")},
        lambda w: [OrganisationDocument],
    ),
    Post(
        "new application",
        lambda w: w.ngo_member,
        lambda w: reverse("grants:start", kwargs={"pk": GrantCallFactory().pk}),
        lambda w: {"organisation": w.organisation.pk},
        lambda w: [Application],
    ),
    Post(
        "grant call",
        lambda w: w.coordinator,
        lambda w: reverse("grants:call_create", kwargs={"code": "05"}),
        lambda w: {
            "title_fi": "Kohdeavustukset 2027",
            "description_fi": "Haku on auki.",
            "grant_type": "kohdeavustus",
            "funding_year": "2027",
            "budget": "50000",
            "max_amount": "10000",
            "opens_at": "2026-12-01T08:00",
            "closes_at": "2027-01-31T16:00",
            "criteria-TOTAL_FORMS": "1",
            "criteria-INITIAL_FORMS": "0",
            "criteria-MIN_NUM_FORMS": "0",
            "criteria-MAX_NUM_FORMS": "20",
            "criteria-0-name_fi": "Vaikuttavuus",
            "criteria-0-weight": "2",
        },
        lambda w: [GrantCall],
    ),
    Post(
        "family-centre activity",
        lambda w: w.ngo_member,
        lambda w: (centre(w), reverse("familycentre:activities", kwargs={"pk": w.organisation.pk}))[1],
        lambda w: {
            "centres": [centre(w).pk],
            "name_fi": "Vauvakahvila",
            "description_fi": "Avoin kahvila.",
            "target_group": "babies",
            "languages": ["fi"],
            "time_and_place_fi": "Ti 10–12",
            "contact": "info@example.org",
        },
        lambda w: [FamilyCentreActivity],
    ),
    Post(
        "network member",
        lambda w: w.coordinator,
        url("familycentre:network", centre),
        lambda w: {
            "member_type": "parish",
            "name": "Kaarinan seurakunta",
            "representative_name": "Pastori Pekka",
            "joined_on": "2026-01-01",
        },
        lambda w: [NetworkMember.objects.filter(member_type="parish")],
    ),
    Post(
        "join request",
        lambda w: w.other_org_member,
        org_url("organisations:join"),
        lambda w: {"message": "Olen uusi sihteeri."},
        lambda w: [JoinRequest],
        emails=True,
    ),
    Post(
        "decision",
        lambda w: w.decision_maker,
        url("grants:decision", in_review),
        lambda w: {"outcome": "approved", "amount": "20000", "rationale": GROUNDS},
        lambda w: [Decision, ApplicationEvent.objects.filter(transition="decide")],
    ),
    Post(
        "information request",
        lambda w: w.coordinator,
        url("grants:transition", in_review, name="request_info"),
        lambda w: {"text": "Lähettäkää talousarvio."},
        lambda w: [ApplicationEvent.objects.filter(transition="request_info")],
    ),
    Post(
        "continuity report",
        lambda w: w.coordinator,
        lambda w: reverse("funding:reports", kwargs={"code": "05"}),
        lambda w: {"year": "2026", "baseline_year": "2025", "language": "fi"},
        lambda w: [ContinuityReport],
    ),
    Post(
        "organisation registration",
        lambda w: w.reviewer,
        lambda w: reverse("organisations:register"),
        lambda w: {
            "name_fi": "Kaarinan Kävelykaverit ry",
            "business_id": "1234567-1",
            "kind": "local",
            "home_municipality": Municipality.objects.get(code="202").pk,
            "languages": ["fi"],
        },
        lambda w: [Organisation.objects.filter(business_id="1234567-1"), Membership.objects.filter(user=w.reviewer)],
    ),
    Post(
        "draft with a new budget line",
        lambda w: w.ngo_member,
        url("grants:application_edit", draft),
        draft_fields,
        lambda w: [BudgetLine.objects.filter(category="travel")],
    ),
]


def count(thing: type[Model] | object) -> int:
    return thing.objects.count() if isinstance(thing, type) else thing.count()


@pytest.mark.parametrize("case", POST_CASES, ids=lambda case: case.name)
def test_ten_identical_posts_create_one(reference_data, live_server, world, case, monkeypatch):
    # The report job itself is not what is raced here; its row is.
    monkeypatch.setattr("funding.views.build_continuity_report.delay", lambda report_id: None)
    path, fields, sender = case.path(world), case.fields(world), case.sender(world)
    before = [count(thing) for thing in case.counts(world)]
    mail.outbox.clear()

    race(live_server, sender, path, fields)

    after = [count(thing) for thing in case.counts(world)]
    assert [a - b for a, b in zip(after, before, strict=True)] == [1] * len(before), (before, after)
    if case.emails:
        recipients = [address for message in mail.outbox for address in message.to]
        assert recipients and len(recipients) == len(set(recipients)), recipients


def test_a_refused_post_keeps_its_token_usable_for_the_corrected_form(client, world):
    """A payment over the grant is refused; the same form corrected (same token) is then recorded."""
    application = ApplicationFactory.in_state("decided", organisation=world.organisation)
    client.force_login(world.coordinator)
    token = uuid.uuid4().hex
    path = reverse("grants:payment", kwargs={"pk": application.pk})
    client.post(path, {"amount": "90000", "paid_on": "2027-02-01", "submission": token})
    assert not Payment.objects.exists()
    client.post(path, {"amount": "9000", "paid_on": "2027-02-01", "submission": token})
    assert Payment.objects.get().amount == Decimal("9000")
    client.post(path, {"amount": "9000", "paid_on": "2027-02-01", "submission": token})
    assert Payment.objects.count() == 1


def test_a_coordinator_without_the_token_is_asked_to_reload(client, world):
    application = ApplicationFactory.in_state("decided", organisation=world.organisation)
    client.force_login(world.coordinator)
    client.post(reverse("grants:payment", kwargs={"pk": application.pk}), {"amount": "10", "paid_on": "2027-02-01"})
    assert not Payment.objects.exists()
