"""Decision documents (issue 15, items 1, 2 and 5): what the applicant receives, when it is deemed
received, the last day for a request for review, and the archive of an area's year."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pdfplumber
import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import formats, timezone, translation

from grants import documents, services
from grants.models import Decision, DecisionDocument
from organisations.demo import business_id
from portal.timelimits import deemed_notified, is_working_day, review_deadline
from tests.conftest import once
from tests.factories import (
    GROUNDS,
    ApplicationFactory,
    AreaRoleFactory,
    GrantCallFactory,
    MembershipFactory,
    OrganisationFactory,
    area,
)

D = datetime.date


# --- The time limits: pure functions --------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent_on", "notified_on"),
    [
        (D(2026, 12, 2), D(2026, 12, 5)),  # Wednesday → Saturday: the third day is not moved
        (D(2026, 12, 4), D(2026, 12, 7)),  # Friday → Monday
        (D(2026, 12, 21), D(2026, 12, 24)),  # → Christmas Eve, not moved
        (D(2026, 12, 29), D(2027, 1, 1)),  # → New Year's Day, not moved
        (D(2027, 3, 23), D(2027, 3, 26)),  # → Good Friday, not moved
        (D(2026, 6, 16), D(2026, 6, 19)),  # → Midsummer Eve, not moved
    ],
)
def test_a_decision_sent_electronically_is_deemed_received_on_the_third_day_whatever_day_that_is(sent_on, notified_on):
    assert deemed_notified(sent_on) == notified_on


@pytest.mark.parametrize(
    ("notified_on", "last_day"),
    [
        (D(2026, 11, 2), D(2026, 11, 16)),  # Monday + 14 = Monday: a working day stays
        (D(2026, 12, 5), D(2026, 12, 21)),  # + 14 = Saturday 19.12. → Monday
        (D(2026, 12, 6), D(2026, 12, 21)),  # + 14 = Sunday 20.12. → Monday
        (D(2026, 12, 10), D(2026, 12, 28)),  # Christmas Eve, Christmas Day, St Stephen's, Sunday → Monday
        (D(2026, 12, 18), D(2027, 1, 4)),  # New Year's Day (a Friday), then the weekend
        (D(2026, 12, 23), D(2027, 1, 7)),  # Epiphany (a Wednesday) → Thursday
        (D(2027, 3, 12), D(2027, 3, 30)),  # Good Friday, Easter Saturday, Easter Sunday, Easter Monday
        (D(2027, 3, 15), D(2027, 3, 30)),  # Easter Monday itself → Tuesday
        (D(2026, 6, 5), D(2026, 6, 22)),  # Midsummer Eve, Midsummer Day, Sunday → Monday
        (D(2026, 4, 17), D(2026, 5, 4)),  # May Day (a Friday) → Monday
        (D(2027, 11, 22), D(2027, 12, 7)),  # Independence Day (a Monday) → Tuesday
        (D(2026, 5, 6), D(2026, 5, 20)),  # a Wednesday stays
    ],
)
def test_the_last_day_for_a_review_request_moves_off_weekends_and_finnish_holidays(notified_on, last_day):
    assert review_deadline(notified_on) == last_day


def test_working_days_come_from_the_finnish_calendar():
    assert not is_working_day(D(2027, 3, 29))  # Easter Monday
    assert not is_working_day(D(2026, 12, 24))  # Christmas Eve (150/1930 § 5)
    assert not is_working_day(D(2026, 6, 19))  # Midsummer Eve
    assert not is_working_day(D(2027, 5, 1))  # a Saturday
    assert is_working_day(D(2026, 12, 23))


def test_sent_on_a_monday_before_christmas_the_review_period_ends_after_the_holidays():
    notified = deemed_notified(D(2026, 12, 7))
    assert (notified, review_deadline(notified)) == (D(2026, 12, 10), D(2026, 12, 28))


# --- Sending ---------------------------------------------------------------------------------------


def pdf_text(document: DecisionDocument) -> str:
    with document.pdf.open("rb") as handle, pdfplumber.open(io.BytesIO(handle.read())) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def short(day: datetime.date, language: str) -> str:
    with translation.override(language):
        return formats.date_format(day, "SHORT_DATE_FORMAT")


@pytest.fixture
def coordinator(client, db):
    user = AreaRoleFactory.coordinator(area=area("05")).user
    client.force_login(user)
    return user


def decided(language: str = "fi", **organisation: object) -> Decision:
    """A decided application whose organisation has an admin and a member, not yet published."""
    application = ApplicationFactory.in_state("decided", organisation__decision_language=language, **organisation)
    decision = application.decision
    maker = AreaRoleFactory.decision_maker(
        area=area("05"), title="palvelualuejohtaja", user__full_name="Päivi Päättäjä"
    ).user
    Decision.objects.filter(pk=decision.pk).update(
        reference="§ 123/2026", decided_by=maker, conditions="Avustus käytetään vertaistukiryhmiin."
    )
    application.call.terms_fi = "Avustuksen saaja sitoutuu hyvinvointialueen avustusehtoihin."
    application.call.terms_sv = "Bidragstagaren förbinder sig till välfärdsområdets villkor."
    application.call.save()
    MembershipFactory.admin(organisation=application.organisation, user__preferred_language=language)
    MembershipFactory(organisation=application.organisation)
    decision.refresh_from_db()
    return decision


def publish(client, decision: Decision, capture) -> DecisionDocument:
    with capture(execute=True):
        client.post(
            reverse("grants:call_decisions", kwargs={"pk": decision.application.call_id}), {"action": "publish"}
        )
    return DecisionDocument.objects.get(decision=decision)


def test_publishing_sends_the_finnish_document_with_what_the_law_requires(
    client, coordinator, django_capture_on_commit_callbacks
):
    decision = decided("fi", organisation__business_id=business_id(4_400_000), organisation__register_number=None)
    document = publish(client, decision, django_capture_on_commit_callbacks)
    organisation = decision.application.organisation

    assert document.kind == "original" and document.language == "fi" and len(document.sha256) == 64
    sent_on = timezone.localdate(document.sent_at)
    assert document.notified_on == deemed_notified(sent_on)
    assert document.review_deadline == review_deadline(document.notified_on)
    text = pdf_text(document)
    for expected in (
        "Varsinais-Suomen hyvinvointialue",
        "Päivi Päättäjä, palvelualuejohtaja",
        "§ 123/2026",
        organisation.business_id,
        organisation.name_fi,
        "Yleisavustus",
        "20 000,00 €",  # applied for and granted
        "Hyväksytty",
        "Avustus käytetään vertaistukiryhmiin.",
        GROUNDS[:30],
        "1.1.2027–31.12.2027",
        short(decision.report_due_on, "fi"),
        "Avustuksen saaja sitoutuu hyvinvointialueen avustusehtoihin.",
        "Oikaisuvaatimusohje",
        "Varsinais-Suomen hyvinvointialueen aluehallitus",
        "14 päivän kuluessa",
        f"Oikaisuvaatimuksen viimeinen päivä on {short(document.review_deadline, 'fi')}",
        short(document.notified_on, "fi"),
        "kolmantena päivänä",
        "vaadittava muutos",
        "perusteet",
        "yhteystiedot",
        "kirjaamo",
    ):
        assert expected in text, expected

    # The organisation's administrators are emailed a link, in their language; plain members are not.
    admin = organisation.memberships.get(role="admin").user
    to_admin = [m for m in mail.outbox if m.to == [admin.email] and "Päätösasiakirja" in m.subject]
    assert len(to_admin) == 1
    link = reverse("grants:decision_document", kwargs={"pk": decision.application_id, "document_pk": document.pk})
    assert link in to_admin[0].body
    assert short(document.review_deadline, "fi") in to_admin[0].body
    member = organisation.memberships.get(role="member").user
    assert not [m for m in mail.outbox if m.to == [member.email] and "Päätösasiakirja" in m.subject]


def test_a_swedish_speaking_organisation_receives_its_decision_in_swedish(
    client, coordinator, django_capture_on_commit_callbacks
):
    decision = decided("sv", organisation__register_number="212.345")
    document = publish(client, decision, django_capture_on_commit_callbacks)
    assert document.language == "sv"
    text = pdf_text(document)
    for expected in (
        "Egentliga Finlands välfärdsområde",
        "212.345",
        "§ 123/2026",
        "20 000,00 €",
        "Anvisning för begäran om omprövning",
        "Egentliga Finlands välfärdsområdes områdesstyrelse",
        "inom 14 dagar",
        f"Sista dag för begäran om omprövning är {short(document.review_deadline, 'sv')}",
        short(document.notified_on, "sv"),
        "Bidragstagaren förbinder sig till välfärdsområdets villkor.",
        "delfående",
    ):
        assert expected in text, expected


def test_the_organisation_opens_the_document_and_the_first_opening_is_shown(
    client, coordinator, django_capture_on_commit_callbacks
):
    decision = decided()
    document = publish(client, decision, django_capture_on_commit_callbacks)
    url = reverse("grants:decision_document", kwargs={"pk": decision.application_id, "document_pk": document.pk})

    # The area's staff read it without it counting as received.
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    document.refresh_from_db()
    assert document.first_opened_at is None

    member = decision.application.organisation.memberships.get(role="member").user
    member.full_name = "Maija Jäsen"
    member.save()
    client.force_login(member)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("grants:application", kwargs={"pk": decision.application_id})).content.decode()
    assert "Notification day" in page and short(document.notified_on, "en") in page
    assert "Last day for a request for review" in page and short(document.review_deadline, "en") in page
    assert "not opened yet" in page

    assert b"".join(client.get(url).streaming_content).startswith(b"%PDF")
    document.refresh_from_db()
    first = document.first_opened_at
    assert first is not None and document.first_opened_by == member
    client.get(url)  # opening again changes nothing
    document.refresh_from_db()
    assert document.first_opened_at == first
    page = client.get(reverse("grants:application", kwargs={"pk": decision.application_id})).content.decode()
    assert "Maija Jäsen" in page and "not opened yet" not in page


def test_only_the_organisation_and_the_areas_deciding_staff_download_it(
    client, coordinator, django_capture_on_commit_callbacks
):
    decision = decided()
    document = publish(client, decision, django_capture_on_commit_callbacks)
    url = reverse("grants:decision_document", kwargs={"pk": decision.application_id, "document_pk": document.pk})
    reviewer = AreaRoleFactory.reviewer(area=area("05")).user
    decision.application.assignments.create(reviewer=reviewer)
    client.force_login(reviewer)
    assert client.get(url).status_code == 403
    client.force_login(MembershipFactory().user)  # a member of another organisation
    assert client.get(url).status_code == 403


def test_the_job_sends_a_version_once_and_a_change_is_a_new_document_naming_the_earlier(
    client, coordinator, django_capture_on_commit_callbacks
):
    decision = decided()
    original = publish(client, decision, django_capture_on_commit_callbacks)
    assert documents.send(decision.pk) is None  # run again: nothing new
    with original.pdf.open("rb") as handle:
        original_bytes = handle.read()

    maker = decision.decided_by
    with django_capture_on_commit_callbacks(execute=True):
        services.record_decision(
            decision.application, maker, change_reason="Määräraha ei riitä kaikille.",
            outcome="partly_approved", amount=Decimal("15000"), rationale=GROUNDS, conditions="",
        )  # fmt: skip
    correction = DecisionDocument.objects.exclude(pk=original.pk).get(decision=decision)
    assert correction.kind == "correction" and correction.supersedes == original
    text = pdf_text(correction)
    assert "Oikaistu päätös" in text and "15 000,00 €" in text
    assert short(timezone.localdate(original.sent_at), "fi") in text  # names the document it replaces
    original.refresh_from_db()
    with original.pdf.open("rb") as handle:
        assert handle.read() == original_bytes  # the sent document is as it was
    assert documents.current_document(decision) == correction


# --- Archiving --------------------------------------------------------------------------------------


def test_the_archive_command_writes_each_current_pdf_and_the_csv(
    client, coordinator, django_capture_on_commit_callbacks, tmp_path
):
    first = decided("fi", organisation__business_id=business_id(4_400_010), organisation__register_number=None)
    second = decided("sv", organisation__register_number="213.346")
    Decision.objects.filter(pk=second.pk).update(amount=Decimal("1234.50"), outcome="partly_approved")
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_decisions(first.application.call)
        services.publish_decisions(second.application.call)
    year = timezone.localdate(first.decided_at).year
    call_command("decision_documents", "--area", "05", "--year", str(year), "--out", str(tmp_path))

    with (tmp_path / "decisions.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
        "reference", "business_id", "association_register_number", "organisation_name", "outcome", "granted_eur",
        "decided_on", "language", "sent_at", "notified_on", "review_deadline", "document",
    ]  # fmt: skip
    by_language = {row["language"]: row for row in rows}
    finnish, swedish = by_language["fi"], by_language["sv"]
    document = DecisionDocument.objects.get(decision=first)
    assert finnish["reference"] == "§ 123/2026"
    assert finnish["business_id"] == first.application.organisation.business_id
    assert finnish["association_register_number"] == ""
    assert finnish["granted_eur"] == "20000.00" and swedish["granted_eur"] == "1234.50"
    assert swedish["association_register_number"] == "213.346" and swedish["outcome"] == "partly_approved"
    assert finnish["decided_on"] == timezone.localdate(first.decided_at).isoformat()
    assert finnish["notified_on"] == document.notified_on.isoformat()
    assert finnish["review_deadline"] == document.review_deadline.isoformat()
    assert datetime.datetime.fromisoformat(finnish["sent_at"]) == document.sent_at.replace(microsecond=0)
    assert finnish["sent_at"][-6:] in ("+02:00", "+03:00")  # Finnish time
    for row in rows:
        assert (tmp_path / row["document"]).read_bytes().startswith(b"%PDF")

    empty = tmp_path / "other-year"
    call_command("decision_documents", "--area", "05", "--year", str(year - 5), "--out", str(empty))
    assert (empty / "decisions.csv").read_text(encoding="utf-8").count("\n") == 1  # the header only


# --- What the areas and the organisations edit ------------------------------------------------------


def test_an_admin_chooses_swedish_for_the_organisations_decisions_and_leaving_it_out_keeps_it(client, db):
    organisation = OrganisationFactory.in_area("05")
    assert organisation.decision_language == "fi"  # by default
    client.force_login(MembershipFactory.admin(organisation=organisation).user)
    client.cookies["django_language"] = "en"
    edit = reverse("organisations:edit", kwargs={"pk": organisation.pk})
    page = client.get(edit).content.decode()
    assert "Language of decisions" in page and 'name="decision_language"' in page
    data = {
        "name_fi": organisation.name_fi, "register_number": organisation.register_number, "kind": organisation.kind,
        "home_municipality": organisation.home_municipality_id,
    }  # fmt: skip
    assert client.post(edit, {**data, "decision_language": "sv", **once()}).status_code == 302
    organisation.refresh_from_db()
    assert organisation.decision_language == "sv"
    assert client.post(edit, {**data, **once()}).status_code == 302
    organisation.refresh_from_db()
    assert organisation.decision_language == "sv"


def test_the_coordinator_writes_the_calls_grant_terms_in_the_call_form(client, coordinator):
    call = GrantCallFactory()
    client.cookies["django_language"] = "en"
    page = client.get(reverse("grants:call_edit", kwargs={"pk": call.pk})).content.decode()
    assert "Grant terms in Finnish" in page and "printed on every decision document" in page
    assert 'name="terms_sv"' in page


def test_the_area_board_decides_requests_for_review_unless_the_area_names_another_body(db):
    with translation.override("fi"):
        assert area("05").review_body == "Varsinais-Suomen hyvinvointialueen aluehallitus"
        assert area("90").review_body == "Helsingin kaupungin sosiaali-, terveys- ja pelastuslautakunta"
    with translation.override("sv"):
        assert area("05").review_body == "Egentliga Finlands välfärdsområdes områdesstyrelse"


def test_an_unofficial_english_translation_comes_with_the_document_and_does_not_count_as_receipt(
    client, coordinator, django_capture_on_commit_callbacks
):
    decision = decided("sv")
    document = publish(client, decision, django_capture_on_commit_callbacks)
    with document.unofficial_copy.open("rb") as handle, pdfplumber.open(io.BytesIO(handle.read())) as pdf:
        text = " ".join(" ".join(page.extract_text() or "" for page in pdf.pages).replace("\u00a0", " ").split())
    assert "Unofficial English translation." in text and "only that document has legal effect" in text
    assert "Instructions for requesting a review" in text and "20,000.00 €" in text and "§ 123/2026" in text

    member = decision.application.organisation.memberships.get(role="member").user
    client.force_login(member)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("grants:application", kwargs={"pk": decision.application_id})).content.decode()
    url = reverse("grants:decision_document", kwargs={"pk": decision.application_id, "document_pk": document.pk})
    assert f'href="{url}?copy=en"' in page and "unofficial English translation" in page
    response = client.get(url + "?copy=en")
    assert response.status_code == 200 and "en-unofficial" in response["Content-Disposition"]
    document.refresh_from_db()
    assert document.first_opened_at is None  # only the document itself is the proof of receipt
