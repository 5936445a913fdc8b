from __future__ import annotations

import csv
import gzip
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from funding.models import FundingRecord
from grants import opendata, services
from grants.models import (
    Application,
    ApplicationEvent,
    Decision,
    FundsReturn,
    GrantCall,
    GrantYear,
    OpenDataRelease,
    Review,
    ReviewRequest,
    Status,
)
from organisations import demo as organisations_demo
from organisations.models import Organisation
from portal.models import Theme
from portal.workflow import Refusal
from tests.conftest import once
from tests.factories import (
    GROUNDS,
    PDF_BYTES,
    ApplicationFactory,
    AreaRoleFactory,
    GrantCallFactory,
    MembershipFactory,
    OrganisationFactory,
    area,
)

pytestmark = pytest.mark.django_db

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "portal" / "data" / "360giving"


@pytest.fixture
def coordinator(settings):
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    return AreaRoleFactory.coordinator(area=area("05")).user


# --- Calls --------------------------------------------------------------------------------------


def call_data(**changes: object) -> dict[str, object]:
    data = {
        "title_fi": "Kohdeavustukset 2027",
        "description_fi": "Haku on auki.",
        "grant_type": "kohdeavustus",
        "funding_year": "2027",
        "budget": "50000",
        "max_amount": "10000",
        "opens_at": "2026-12-01T08:00",
        "closes_at": "2027-01-31T16:00",
        "required_attachments": ["budget", "activity_plan"],
        "criteria-TOTAL_FORMS": "1",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "20",
        "criteria-0-name_fi": "Vaikuttavuus",
        "criteria-0-weight": "2",
        **once(),
    }
    data.update(changes)
    return data


def test_coordinator_creates_and_publishes_a_call_in_helsinki_time(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("grants:call_create", kwargs={"code": "05"}), call_data())
    call = GrantCall.objects.get()
    assert response.url == reverse("grants:call", kwargs={"pk": call.pk})
    assert timezone.localtime(call.closes_at).strftime("%Y-%m-%d %H:%M %Z") == "2027-01-31 16:00 EET"
    assert call.criteria.get().weight == 2
    assert call.published_at is None
    client.post(reverse("grants:call_publish", kwargs={"pk": call.pk}))
    call.refresh_from_db()
    assert call.published_at is not None


def test_a_call_that_closes_before_it_opens_is_refused(client, coordinator):
    client.force_login(coordinator)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("grants:call_create", kwargs={"code": "05"}), call_data(closes_at="2026-11-01T08:00")
    )
    assert response.status_code == 200
    assert "The call must close after it opens" in response.content.decode()
    assert not GrantCall.objects.exists()


def test_public_call_list_shows_open_and_upcoming_published_calls(client):
    open_call = GrantCallFactory(title_fi="Auki oleva haku")
    upcoming = GrantCallFactory(
        title_fi="Tuleva haku",
        opens_at=timezone.now() + timezone.timedelta(days=5),
        closes_at=timezone.now() + timezone.timedelta(days=30),
    )
    hidden = GrantCallFactory.unpublished(title_fi="Luonnos")
    closed = GrantCallFactory.closed(title_fi="Päättynyt")
    html = client.get(reverse("grants:calls"), {"area": "05"}).content.decode()
    assert open_call.title_fi in html and upcoming.title_fi in html
    assert hidden.title_fi not in html and closed.title_fi not in html
    assert client.get(reverse("grants:call", kwargs={"pk": hidden.pk})).status_code == 404


# --- Applications -------------------------------------------------------------------------------


def test_an_ngo_member_starts_drafts_attaches_and_submits(client):
    call = GrantCallFactory()
    membership = MembershipFactory()
    client.force_login(membership.user)
    response = client.post(
        reverse("grants:start", kwargs={"pk": call.pk}), {"organisation": membership.organisation_id, **once()}
    )
    application = Application.objects.get()
    assert response.url == reverse("grants:application_edit", kwargs={"pk": application.pk})
    edit = {
        "version": application.version,
        "title": "Vertaisryhmät",
        "summary": "Ryhmiä.",
        "planned_activities": "Joka viikko.",
        "requested_amount": "12000",
        "target_groups": [Theme.objects.get(code="mental-health").pk],
        "budget-TOTAL_FORMS": "1",
        "budget-INITIAL_FORMS": "0",
        "budget-MIN_NUM_FORMS": "0",
        "budget-MAX_NUM_FORMS": "100",
        "budget-0-kind": "expense",
        "budget-0-category": "activities",
        "budget-0-amount": "12000",
        "funding-TOTAL_FORMS": "0",
        "funding-INITIAL_FORMS": "0",
        "funding-MIN_NUM_FORMS": "0",
        "funding-MAX_NUM_FORMS": "30",
        **once(),
    }
    assert client.post(reverse("grants:application_edit", kwargs={"pk": application.pk}), edit).status_code == 302
    application.refresh_from_db()
    attach = edit | once() | {"version": application.version, "action": "attach", "attachment-kind": "budget"}
    attach["budget-INITIAL_FORMS"], attach["budget-0-id"] = "1", application.budget_lines.get().pk
    attach["attachment-file"] = SimpleUploadedFile("budjetti.pdf", PDF_BYTES)
    assert client.post(reverse("grants:application_edit", kwargs={"pk": application.pk}), attach).status_code == 302
    client.post(reverse("grants:transition", kwargs={"pk": application.pk, "name": "submit"}))
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.submitted_by == membership.user
    assert application.budget_lines.get().amount == Decimal("12000")


def test_coordinator_sees_an_overdue_report_warning(client, coordinator):
    earlier = ApplicationFactory.in_state("paid")
    Decision.objects.filter(application=earlier).update(report_due_on=timezone.localdate() - timezone.timedelta(days=1))
    current = ApplicationFactory.submitted(organisation=earlier.organisation)
    client.force_login(coordinator)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("grants:application", kwargs={"pk": current.pk})).content.decode()
    assert "An earlier report on the use of funds is overdue" in html


# --- Reviews ------------------------------------------------------------------------------------


def test_a_reviewer_cannot_be_assigned_to_their_own_organisation(coordinator):
    application = ApplicationFactory.submitted()
    reviewer = AreaRoleFactory.reviewer(area=area("05")).user
    MembershipFactory(user=reviewer, organisation=application.organisation)
    with pytest.raises(services.ValidationError):
        services.assign_reviewer(application, reviewer, coordinator)
    assert not application.assignments.exists()


def test_bulk_assignment_assigns_many_and_explains_refusals(client, coordinator):
    reviewer = AreaRoleFactory.reviewer(area=area("05")).user
    applications = [ApplicationFactory.submitted() for _ in range(3)]
    MembershipFactory(user=reviewer, organisation=applications[0].organisation)
    client.force_login(coordinator)
    client.post(
        reverse("grants:bulk_assign", kwargs={"code": "05"}),
        {"reviewer": reviewer.pk, "applications": [a.pk for a in applications]},
    )
    assert sorted(a.application_id for a in reviewer.review_assignments.all()) == sorted(a.pk for a in applications[1:])


def test_review_scores_give_a_weighted_score_and_conflicts_are_left_out(client):
    application = ApplicationFactory.in_review()
    criteria = list(application.call.criteria.all())  # weights 3 and 1
    reviewer = AreaRoleFactory.reviewer(area=area("05")).user
    assignment = application.assignments.create(reviewer=reviewer)
    client.force_login(reviewer)
    response = client.post(
        reverse("grants:review", kwargs={"pk": assignment.pk}),
        {f"score_{criteria[0].pk}": "4", f"score_{criteria[1].pk}": "0", "recommended_outcome": "approve_partly"},
    )
    assert response.status_code == 302
    review = Review.objects.get()
    assert review.weighted_score(criteria) == Decimal("3.00")
    conflicted = application.assignments.create(reviewer=AreaRoleFactory.reviewer(area=area("05")).user)
    services.declare_conflict(conflicted, "Olen hallituksen jäsen.")
    assert services.average_score(application, criteria) == Decimal("3.00")


# --- Decisions, ledger, payments ----------------------------------------------------------------


def decide(client, application, **changes: object):
    data = {"outcome": "approved", "amount": "20000", "rationale": GROUNDS, "reference": "§ 12/2026", **once()}
    data.update(changes)
    return client.post(reverse("grants:decision", kwargs={"pk": application.pk}), data)


def test_a_decision_writes_the_ledger_and_keeps_it_in_step(client, coordinator):
    application = ApplicationFactory.in_review()
    client.force_login(coordinator)
    assert decide(client, application).status_code == 302
    application.refresh_from_db()
    assert application.status == Status.DECIDED
    record = FundingRecord.objects.get(application=application)
    assert (record.funder_kind, record.funder_area.code, record.year, record.amount, record.source) == (
        "welfare_area", "05", 2027, Decimal("20000"), "decision",
    )  # fmt: skip
    decide(client, application, outcome="partly_approved", amount="15000", change_reason="Määräraha ei riitä.")
    assert FundingRecord.objects.get(application=application).amount == Decimal("15000")
    decide(client, application, outcome="rejected", amount="", change_reason="Hakija ei ole avustuskelpoinen.")
    assert not FundingRecord.objects.filter(application=application).exists()


def test_an_overrun_of_the_appropriation_needs_confirmation(client, coordinator):
    application = ApplicationFactory.in_review(call=GrantCallFactory(budget=Decimal("10000"), max_amount=None))
    client.force_login(coordinator)
    client.cookies["django_language"] = "en"
    response = decide(client, application)
    assert response.status_code == 400
    assert "exceeds the remaining appropriation" in response.content.decode()
    assert not Decision.objects.exists()
    decide(client, application, confirm_overrun="on")
    assert Decision.objects.get().amount == Decimal("20000")


def test_one_reference_for_many_decisions_and_publishing(client, coordinator):
    call = GrantCallFactory()
    applications = [ApplicationFactory.in_state("decided", call=call) for _ in range(3)]
    client.force_login(coordinator)
    decisions = Decision.objects.filter(application__in=applications[:2])
    client.post(
        reverse("grants:call_decisions", kwargs={"pk": call.pk}),
        {"reference": "§ 99/2026", "decisions": [d.pk for d in decisions]},
    )
    assert sorted(Decision.objects.values_list("reference", flat=True)) == ["", "§ 99/2026", "§ 99/2026"]
    client.post(reverse("grants:call_decisions", kwargs={"pk": call.pk}), {"action": "publish"})
    assert Decision.objects.published().count() == 3
    html = client.get(reverse("grants:decisions", kwargs={"code": "05"}), {"year": 2027}).content.decode()
    assert "§ 99/2026" in html


def test_published_decisions_come_fifty_to_a_page_with_their_count_and_total(client):
    call = GrantCallFactory()
    applications = [ApplicationFactory.in_state("decided", call=call) for _ in range(53)]
    Decision.objects.filter(application__in=applications).update(published_at=timezone.now(), amount=Decimal("1000"))
    url = reverse("grants:decisions", kwargs={"code": "05"})
    first = client.get(url, {"year": call.funding_year}).content.decode()
    assert "53 julkaistua päätöstä, yhteensä myönnetty 53\xa0000,00\xa0€." in first
    assert first.count("<tr><td><a href=") == 50
    assert "Sivu 1 / 2" in first
    second = client.get(url, {"year": call.funding_year, "page": 2}).content.decode()
    assert second.count("<tr><td><a href=") == 3
    assert f"?year={call.funding_year}&amp;page=1" in second  # the year is kept from page to page


def test_payments_cannot_exceed_the_grant(client, coordinator):
    application = ApplicationFactory.in_state("decided")
    client.force_login(coordinator)
    url = reverse("grants:payment", kwargs={"pk": application.pk})
    client.post(url, {"amount": "15000", "paid_on": "2027-02-01", **once()})
    client.post(url, {"amount": "6000", "paid_on": "2027-03-01", **once()})
    assert [p.amount for p in application.decision.payments.all()] == [Decimal("15000")]
    services.take_step(application, "pay", coordinator)
    application.refresh_from_db()
    assert application.status == Status.PAID


# --- Work list ----------------------------------------------------------------------------------


def add_applications(count: int) -> None:
    call = GrantCall.objects.first() or GrantCallFactory()
    for _ in range(count):
        ApplicationFactory.submitted(call=call, organisation=OrganisationFactory(), complete=False)


def work_list_queries(client, **filters: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("grants:work_list", kwargs={"code": "05"}), filters).status_code == 200
    return len(queries)


def test_work_list_uses_the_same_number_of_queries_for_5_and_200_applications(client, coordinator):
    client.force_login(coordinator)
    add_applications(5)
    work_list_queries(client, status="submitted", sort="-amount")  # the reference lists are built once
    caches["fragments"].clear()  # the list rendered, not kept: its own queries are counted
    few = work_list_queries(client, status="submitted", sort="-amount")
    add_applications(195)
    assert Application.objects.count() == 200
    caches["fragments"].clear()
    assert work_list_queries(client, status="submitted", sort="-amount") == few


def test_work_list_filters_and_exports_csv(client, coordinator):
    small = ApplicationFactory.submitted(requested_amount=Decimal("500"), title="Pikkuhanke")
    big = ApplicationFactory.submitted(requested_amount=Decimal("25000"), title="Iso")
    elsewhere = ApplicationFactory.submitted(call=GrantCallFactory(area=area("90")), title="Muualla")
    client.force_login(coordinator)
    html = client.get(reverse("grants:work_list", kwargs={"code": "05"}), {"amount_min": "1000"}).content.decode()
    assert big.title in html and small.title not in html and elsewhere.title not in html
    response = client.get(reverse("grants:work_list", kwargs={"code": "05"}), {"format": "csv", "q": "Pikkuhanke"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 2
    assert rows[1][3] == "Pikkuhanke"


# --- Open data ----------------------------------------------------------------------------------


def validator() -> Draft202012Validator:
    grant = json.loads((SCHEMA_DIR / "360-giving-schema.json").read_text())
    package = json.loads((SCHEMA_DIR / "360-giving-package-schema.json").read_text())
    grant_url = package["properties"]["grants"]["items"]["$ref"]
    # The schemas name their dialect with http://, which the referencing library does not know;
    # it is draft 2020-12, whose identifier starts with https://.
    for schema in (grant, package):
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    resource = Resource(contents=grant, specification=DRAFT202012)
    registry = Registry().with_resources([(grant_url, resource), (grant["$id"], resource)])
    return Draft202012Validator(package, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)


def test_open_data_of_the_demo_validates_against_the_360giving_schema(client, settings):
    from jarjestoportaali import demo

    settings.DEMO_MODE = True
    demo.seed()
    opendata.build_release()  # as seed_demo does
    response = client.get(reverse("grants:open_data_json"))
    data = json.loads(b"".join(response.streaming_content))
    assert len(data["grants"]) > 5
    errors = sorted(validator().iter_errors(data), key=str)
    assert errors == []
    assert list(validator().iter_errors({"grants": [{"id": "x", "awardDate": "yesterday"}]}))  # it does check
    with_business_id = [g for g in data["grants"] if g["recipientOrganization"][0]["id"].startswith("FI-PRO-")]
    assert with_business_id
    assert all(g["currency"] == "EUR" for g in data["grants"])
    # The demo shows a request for review waiting, and an organisation served by post.
    waiting = ReviewRequest.objects.pending().get()
    assert waiting.concerns.sent_at is not None and waiting.filed_by.memberships.filter(role="admin").exists()
    assert waiting.concerns.first_opened_at is not None  # opened by its administrator
    assert GrantYear.objects.filter(confirmed_at__isnull=True).count() == 2  # a three-year grant
    assert FundsReturn.objects.filter(state="due").exists()
    # A decision changed after it was sent (its corrected document follows from the job).
    assert ApplicationEvent.objects.filter(kind="decision").exclude(outcome_before="").exists()
    served_by_post = Organisation.objects.get(name_fi=organisations_demo.SERVED_BY_POST)
    assert served_by_post.electronic_service_consent_at is None
    assert Organisation.objects.filter(electronic_service_consent_at__isnull=False).count() > 5


def test_open_data_csv_matches_the_json(client):
    decided = ApplicationFactory.in_state("decided")
    Decision.objects.filter(application=decided).update(published_at=timezone.now())
    opendata.build_release()
    response = client.get(reverse("grants:open_data_csv"))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [row["Identifier"] for row in rows] == [g["id"] for g in opendata.package()["grants"]]
    assert rows[0]["Amount Awarded"] == "20000.0"


def test_publishing_decisions_writes_the_open_data_files_which_requests_serve_as_stored(
    client, coordinator, django_capture_on_commit_callbacks
):
    call = GrantCallFactory()
    ApplicationFactory.in_state("decided", call=call)
    url = reverse("grants:open_data_json")
    waiting = client.get(url)
    assert waiting.status_code == 503  # nothing published yet, and no request builds the file
    assert waiting["Retry-After"] == "60"
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("grants:call_decisions", kwargs={"pk": call.pk}), {"action": "publish"})
    client.logout()
    release = OpenDataRelease.objects.get()  # the job ran when the decisions were published
    with CaptureQueriesContext(connection) as queries:
        plain = client.get(url)
    assert not [q for q in queries.captured_queries if "grants_decision" in q["sql"]]  # served, not built
    body = b"".join(plain.streaming_content)
    data = json.loads(body)
    assert [g["amountAwarded"] for g in data["grants"]] == [20000.0]
    assert data["modified"] == timezone.localtime(release.generated_at).isoformat(timespec="seconds")
    assert plain["ETag"] == f'"{release.json_sha256}"'
    assert plain["Last-Modified"]
    assert "public" in plain["Cache-Control"]
    zipped = client.get(url, headers={"accept-encoding": "gzip, br"})
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(b"".join(zipped.streaming_content)) == body
    assert client.get(url, headers={"if-none-match": plain["ETag"]}).status_code == 304
    assert client.get(url, headers={"if-modified-since": plain["Last-Modified"]}).status_code == 304
    csv_file = client.get(reverse("grants:open_data_csv"), headers={"accept-encoding": "gzip"})
    assert gzip.decompress(b"".join(csv_file.streaming_content)).decode("utf-8-sig").startswith("Identifier,")


def test_only_the_latest_open_data_releases_are_kept(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for _ in range(opendata.KEEP_RELEASES + 2):
        opendata.build_release()
    releases = list(OpenDataRelease.objects.all())
    assert len(releases) == opendata.KEEP_RELEASES
    kept = {release.json.name for release in releases}
    stored = set(default_storage.listdir("grants/open-data")[1])
    assert {name.rsplit("/", 1)[1] for name in kept} <= stored
    assert len(stored) == 4 * opendata.KEEP_RELEASES  # json, csv and their gzipped copies


def test_unpublished_and_rejected_decisions_stay_out_of_open_data():
    ApplicationFactory.in_state("decided")
    rejected = ApplicationFactory.in_state("decided")
    Decision.objects.filter(application=rejected).update(outcome="rejected", published_at=timezone.now())
    assert opendata.package()["grants"] == []
    assert json.loads(opendata.build_release().json.read())["grants"] == []


# --- Conflicts of interest and hostile input ----------------------------------------------------


def test_staff_who_belong_to_the_applicant_neither_see_internals_nor_decide(client, coordinator):
    application = ApplicationFactory.in_review()
    MembershipFactory(user=coordinator, organisation=application.organisation)
    services.add_message(application, AreaRoleFactory.coordinator(area=area("05")).user, "Sisäinen huomio", True)
    client.force_login(coordinator)
    html = client.get(reverse("grants:application", kwargs={"pk": application.pk})).content.decode()
    assert "Sisäinen huomio" not in html
    assert client.get(reverse("grants:decision", kwargs={"pk": application.pk})).status_code == 403
    with pytest.raises(Refusal):
        services.take_step(application, "request_info", coordinator, "Kysymys")


def test_staff_do_not_see_drafts(client, coordinator):
    draft = ApplicationFactory()
    client.force_login(coordinator)
    assert client.get(reverse("grants:application", kwargs={"pk": draft.pk})).status_code == 403


def test_a_reviewer_who_declared_a_conflict_loses_access(client):
    application = ApplicationFactory.in_review()
    reviewer = AreaRoleFactory.reviewer(area=area("05")).user
    assignment = application.assignments.create(reviewer=reviewer)
    services.declare_conflict(assignment, "Sukulainen hallituksessa.")
    client.force_login(reviewer)
    assert client.get(reverse("grants:application", kwargs={"pk": application.pk})).status_code == 403


def test_csv_cells_that_look_like_formulas_are_defused(client, coordinator):
    ApplicationFactory.submitted(title='=HYPERLINK("http://evil.example","klikkaa")')
    client.force_login(coordinator)
    response = client.get(reverse("grants:work_list", kwargs={"code": "05"}), {"format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][3].startswith("'=HYPERLINK")


@pytest.mark.parametrize("year", ["²", "-1", "99999999999999999999", "<script>", "2026.5"])
def test_odd_years_on_the_public_decisions_page_do_not_break_it(client, year):
    assert client.get(reverse("grants:decisions", kwargs={"code": "05"}), {"year": year}).status_code == 200


def test_a_paid_decision_cannot_be_changed(coordinator):
    application = ApplicationFactory.in_state("paid")
    with pytest.raises(services.ValidationError):
        services.record_decision(application, coordinator, outcome="rejected", rationale=GROUNDS)
    assert Decision.objects.get(application=application).outcome == "approved"


def test_only_confirmed_decisions_are_published_and_a_due_date_is_always_set(client, coordinator):
    confirmed = ApplicationFactory.in_review()
    unconfirmed = ApplicationFactory.in_review(call=confirmed.call)
    services.decide(
        confirmed, coordinator, outcome="approved", amount=Decimal(20000), rationale=GROUNDS, report_due_on=None
    )
    services.record_decision(unconfirmed, coordinator, outcome="approved", amount=Decimal(20000), rationale=GROUNDS)
    services.publish_decisions(confirmed.call)
    assert list(Decision.objects.published().values_list("application", flat=True)) == [confirmed.pk]
    assert Decision.objects.get(application=confirmed).report_due_on.isoformat() == "2028-04-30"


def test_payments_only_for_a_confirmed_grant(coordinator):
    application = ApplicationFactory.in_review()
    decision = services.record_decision(
        application, coordinator, outcome="partly_approved", amount=Decimal(1000), rationale=GROUNDS
    )
    with pytest.raises(services.ValidationError):
        services.record_payment(decision, coordinator, Decimal(500), timezone.localdate(), "")


def test_publishing_with_the_broker_away_stands_and_the_next_publication_tries_again(
    monkeypatch, django_capture_on_commit_callbacks
):
    from grants import opendata

    attempts = []

    def broker_away(*args, **kwargs):
        attempts.append(kwargs)
        raise ConnectionError("the broker is away")

    monkeypatch.setattr("grants.tasks.build_open_data.apply_async", broker_away)
    with django_capture_on_commit_callbacks(execute=True):
        opendata.schedule_build()
    with django_capture_on_commit_callbacks(execute=True):
        opendata.schedule_build()
    assert len(attempts) == 2  # the failed attempt let its claim go: the next one was not gathered away
