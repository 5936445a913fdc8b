"""Requests for review (issue 15, items 3 and 9): the organisation files one, the area sees it in
its queue, the decision-maker resolves it with a document of its own, and a changed amount reaches
the funding ledger and the open data."""

from __future__ import annotations

import datetime
import io
import json
from decimal import Decimal

import pdfplumber
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from funding.models import FundingRecord
from grants import documents, opendata, reminders
from grants.models import Decision, DecisionDocument, ReviewRequest
from grants.signals import decision_recorded
from portal.timelimits import appeal_deadline, deemed_notified
from tests.conftest import once
from tests.factories import PDF_BYTES, AreaRoleFactory, MembershipFactory, OrganisationFactory, area
from tests.test_decision_documents import decided, pdf_text, publish, short

DEMAND = "Avustus myönnetään haetun suuruisena, 20 000 euroa."
GROUNDS_OF_REQUEST = "Päätöksessä ei otettu huomioon, että toiminta laajenee kahteen uuteen kuntaan."
RESOLUTION = "Toiminnan laajeneminen on selvitetty, ja avustus myönnetään haetun suuruisena."


@pytest.fixture
def coordinator(client, db):
    user = AreaRoleFactory.coordinator(area=area("05"), user__full_name="Kaisa Koordinaattori").user
    client.force_login(user)
    return user


def sent(client, capture, language: str = "fi", amount: str = "12000") -> Decision:
    """A partly approved decision, published and sent to the organisation."""
    decision = decided(language)
    Decision.objects.filter(pk=decision.pk).update(outcome="partly_approved", amount=Decimal(amount))
    decision.refresh_from_db()
    decision_recorded.send(sender=Decision, decision=decision)  # the ledger, as record_decision does
    publish(client, decision, capture)
    decision.refresh_from_db()
    return decision


def admin_of(decision: Decision):
    return decision.application.organisation.memberships.get(role="admin").user


def file_request(client, decision: Decision, **extra: object):
    url = reverse("grants:file_review_request", kwargs={"pk": decision.application_id})
    data = {"demand": DEMAND, "grounds": GROUNDS_OF_REQUEST, "contact": "Anna Admin, anna@example.org", **once()}
    return client.post(url, data | extra, follow=True)


def test_an_admin_files_a_request_in_time_and_the_area_is_told(client, coordinator, django_capture_on_commit_callbacks):
    decision = sent(client, django_capture_on_commit_callbacks)
    maker = decision.decided_by
    document = documents.current_document(decision)
    admin = admin_of(decision)
    client.force_login(admin)
    client.cookies["django_language"] = "en"

    page = client.get(reverse("grants:application", kwargs={"pk": decision.application_id})).content.decode()
    assert "Request a review of the decision" in page
    form = client.get(reverse("grants:file_review_request", kwargs={"pk": decision.application_id})).content.decode()
    assert "Last day for a request for review" in form and short(document.review_deadline, "en") in form
    assert admin.email in form  # the contact details are prefilled

    mail.outbox.clear()
    attachment = SimpleUploadedFile("laskelma.pdf", PDF_BYTES, content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = file_request(client, decision, files=attachment)
    assert "The request for review was received" in response.content.decode()
    request = ReviewRequest.objects.get()
    assert (request.concerns, request.late, request.filed_by) == (document, False, admin)
    assert request.demand == DEMAND and request.attachments.get().original_name == "laskelma.pdf"

    told = sorted(m.to[0] for m in mail.outbox if "Oikaisuvaatimus" in m.subject or "review" in m.subject)
    assert told == sorted([coordinator.email, maker.email])

    page = client.get(reverse("grants:application", kwargs={"pk": decision.application_id})).content.decode()
    assert "waiting for a resolution" in page and "Request a review of the decision" not in page
    # One at a time: a second request is refused with the reason, and nothing is recorded.
    again = file_request(client, decision).content.decode()
    assert "is being handled" in again and ReviewRequest.objects.count() == 1

    # A plain member may read it but not file one.
    member = decision.application.organisation.memberships.get(role="member").user
    client.force_login(member)
    assert client.get(reverse("grants:review_request", kwargs={"pk": request.pk})).status_code == 200
    assert client.get(reverse("grants:file_review_request", kwargs={"pk": decision.application_id})).status_code == 403


def test_a_request_needs_its_demand_grounds_and_contact(client, coordinator, django_capture_on_commit_callbacks):
    decision = sent(client, django_capture_on_commit_callbacks)
    client.force_login(admin_of(decision))
    client.cookies["django_language"] = "sv"
    response = file_request(client, decision, demand="", grounds="   ", contact="")
    assert response.status_code == 400
    body = response.content.decode()
    assert body.count("Detta fält måste fyllas i") >= 3 and ReviewRequest.objects.count() == 0


def test_a_late_request_is_received_marked_late_and_may_be_dismissed(
    client, coordinator, django_capture_on_commit_callbacks
):
    decision = sent(client, django_capture_on_commit_callbacks)
    document = documents.current_document(decision)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    DecisionDocument.objects.filter(pk=document.pk).update(review_deadline=yesterday)
    client.force_login(admin_of(decision))
    client.cookies["django_language"] = "en"
    form = client.get(reverse("grants:file_review_request", kwargs={"pk": decision.application_id})).content.decode()
    assert "A late request is still received" in form
    response = file_request(client, decision).content.decode()
    assert "received after the last day and is marked late" in response
    request = ReviewRequest.objects.get()
    assert request.late

    client.force_login(decision.decided_by)
    url = reverse("grants:review_request", kwargs={"pk": request.pk})
    queue = client.get(reverse("grants:area_review_requests", kwargs={"code": "05"})).content.decode()
    assert decision.application.organisation.name_fi in queue and "late" in queue
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"resolution": "dismissed_late", "grounds": "Oikaisuvaatimus saapui määräajan jälkeen."})
    request.refresh_from_db()
    assert request.resolution == "dismissed_late"
    review_document = DecisionDocument.objects.get(review_request=request)
    assert review_document.kind == "review" and review_document.supersedes is None
    # The decision stays in force: its document is still the current one.
    assert documents.current_document(decision) == document
    text = pdf_text(review_document)
    assert "Oikaisuvaatimuspäätös" in text and "Jätetty tutkimatta myöhästyneenä" in text
    assert "hallinto-oikeu" in text


def test_a_request_filed_in_time_cannot_be_dismissed_as_late(client, coordinator, django_capture_on_commit_callbacks):
    decision = sent(client, django_capture_on_commit_callbacks)
    client.force_login(admin_of(decision))
    file_request(client, decision)
    request = ReviewRequest.objects.get()
    client.force_login(decision.decided_by)
    client.cookies["django_language"] = "en"
    url = reverse("grants:review_request", kwargs={"pk": request.pk})
    response = client.post(url, {"resolution": "dismissed_late", "grounds": "Myöhässä, ei tutkita lainkaan."})
    assert response.status_code == 400
    assert "filed in time: it cannot be dismissed as late" in response.content.decode()
    request.refresh_from_db()
    assert request.is_pending and not DecisionDocument.objects.filter(review_request=request).exists()


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_decision_maker_changes_the_decision_and_the_ledger_and_open_data_follow(
    client, coordinator, django_capture_on_commit_callbacks, settings, language
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    decision = sent(client, django_capture_on_commit_callbacks, language)
    original = documents.current_document(decision)
    assert FundingRecord.objects.get(application=decision.application).amount == Decimal("12000")
    admin = admin_of(decision)
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        file_request(client, decision)
    request = ReviewRequest.objects.get()

    # Another area's coordinator and the organisation cannot resolve it.
    client.force_login(AreaRoleFactory.coordinator(area=area("90")).user)
    assert client.get(reverse("grants:review_request", kwargs={"pk": request.pk})).status_code == 403
    client.force_login(admin)
    url = reverse("grants:review_request", kwargs={"pk": request.pk})
    assert client.post(url, {"resolution": "rejected", "grounds": RESOLUTION}).status_code == 403

    client.force_login(decision.decided_by)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"resolution": "changed", "outcome": "approved", "amount": "20 000,00", "grounds": RESOLUTION}
        )
    assert response.status_code == 302
    decision.refresh_from_db()
    request.refresh_from_db()
    assert (decision.outcome, decision.amount) == ("approved", Decimal("20000.00"))
    assert (request.resolution, request.outcome_before, request.amount_before) == (
        "changed", "partly_approved", Decimal("12000.00")
    )  # fmt: skip
    assert FundingRecord.objects.get(application=decision.application).amount == Decimal("20000.00")

    # A document of its own, replacing the one the request concerned; no separate correction.
    review_document = DecisionDocument.objects.get(review_request=request)
    assert DecisionDocument.objects.filter(decision=decision).count() == 2
    assert review_document.supersedes == original and review_document.language == language
    assert documents.current_document(decision) == review_document
    notified = deemed_notified(timezone.localdate(review_document.sent_at))
    assert review_document.review_deadline == appeal_deadline(notified)
    text = pdf_text(review_document)
    expected = {
        "fi": ["Oikaisuvaatimuspäätös", "Päätöstä muutettu", "Valitusosoitus", "hallinto-oikeu", "30 päivän"],
        "sv": ["Beslut om begäran om omprövning", "Beslutet ändrat", "Besvärsanvisning", "förvaltningsdomstol",
               "30 dagar"],
    }[language]  # fmt: skip
    for words in [
        *expected, "20 000,00 €", "12 000,00 €", "§ 123/2026", RESOLUTION[:40], DEMAND[:30],
        short(review_document.review_deadline, language),
    ]:  # fmt: skip
        assert words in text, words
    organisation = decision.application.organisation
    assert (organisation.business_id or organisation.register_number) in text

    # The organisation's admin is emailed the new document.
    kwargs = {"pk": decision.application_id, "document_pk": review_document.pk}
    link = reverse("grants:decision_document", kwargs=kwargs)
    assert [m for m in mail.outbox if m.to == [admin.email] and link in m.body]

    # The open data publishes the new amount.
    release = opendata.build_release()
    with release.json.open("rb") as handle:
        grants = json.load(handle)["grants"]
    assert [g["amountAwarded"] for g in grants if g["id"].endswith(f"-{decision.pk}")] == [20000.0]

    # The application page shows it; no further request, an appeal goes to the court.
    client.force_login(admin)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("grants:application", kwargs={"pk": decision.application_id})).content.decode()
    assert "Decision on a request for review" in page and "Last day for an appeal" in page
    assert "Request a review of the decision" not in page
    assert "administrative court" in file_request(client, decision).content.decode()


def test_a_waiting_request_is_reminded_of_once_a_week_before_its_target(
    client, coordinator, django_capture_on_commit_callbacks
):
    decision = sent(client, django_capture_on_commit_callbacks)
    client.force_login(admin_of(decision))
    file_request(client, decision)
    request = ReviewRequest.objects.get()
    assert reminders.send_review_request_reminders() == 0  # just filed
    ReviewRequest.objects.filter(pk=request.pk).update(filed_at=timezone.now() - datetime.timedelta(days=24))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.send_due() >= 1
    told = [m for m in mail.outbox if "odottaa" in m.subject or "waiting" in m.subject]
    assert sorted(m.to[0] for m in told) == sorted([coordinator.email, decision.decided_by.email])
    assert reminders.send_review_request_reminders() == 0  # once
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reminders.send_due()
    assert not [m for m in mail.outbox if "odottaa" in m.subject or "waiting" in m.subject]


def test_the_queue_is_for_the_areas_deciding_staff(client, coordinator):
    url = reverse("grants:area_review_requests", kwargs={"code": "05"})
    assert client.get(url).status_code == 200
    client.force_login(MembershipFactory().user)
    assert client.get(url).status_code == 403
    client.force_login(AreaRoleFactory.coordinator(area=area("90")).user)
    assert client.get(url).status_code == 403


# --- Consent to electronic service, and the decision list for a meeting (items 2 and 4) -----------


def test_without_consent_the_decision_is_posted_and_deemed_received_on_the_seventh_day(
    client, coordinator, django_capture_on_commit_callbacks
):
    decision = decided("fi")
    organisation = decision.application.organisation
    organisation.electronic_service_consent_at = None
    organisation.save()
    document = publish(client, decision, django_capture_on_commit_callbacks)
    sent_on = timezone.localdate(document.sent_at)
    assert document.delivery == "post"
    assert document.notified_on == sent_on + datetime.timedelta(days=7)
    text = pdf_text(document)
    assert "seitsemäntenä päivänä" in text and short(document.notified_on, "fi") in text
    client.cookies["django_language"] = "en"
    page = client.get(reverse("grants:call_decisions", kwargs={"pk": decision.application.call_id})).content.decode()
    assert "Decisions to post" in page and organisation.name_fi in page


def test_an_admin_gives_and_withdraws_consent_and_who_and_when_is_recorded(client, db):
    organisation = OrganisationFactory.served_by_post(home_municipality=area("05").municipalities.first())
    admin = MembershipFactory.admin(organisation=organisation).user
    client.force_login(admin)
    client.cookies["django_language"] = "en"
    url = reverse("organisations:edit", kwargs={"pk": organisation.pk})
    page = client.get(url).content.decode()
    assert "Decisions may be served to the organisation electronically" in page
    assert 'name="electronic_service"' in page and "checked" not in page.split('name="electronic_service"')[1][:80]
    data = {
        "name_fi": organisation.name_fi, "register_number": organisation.register_number, "kind": organisation.kind,
        "home_municipality": organisation.home_municipality_id,
    }  # fmt: skip
    assert client.post(url, {**data, "electronic_service": "on", **once()}).status_code == 302
    organisation.refresh_from_db()
    given = organisation.electronic_service_consent_at
    assert given is not None and organisation.electronic_service_consent_by == admin
    assert client.post(url, {**data, "electronic_service": "on", **once()}).status_code == 302
    organisation.refresh_from_db()
    assert organisation.electronic_service_consent_at == given  # unchanged: the record stays
    assert client.post(url, {**data, **once()}).status_code == 302
    organisation.refresh_from_db()
    assert organisation.electronic_service_consent_at is None


def test_the_decision_list_holds_the_proposed_decisions_of_the_call(client, coordinator):
    decision = decided("fi")
    organisation = decision.application.organisation
    url = reverse("grants:decision_list", kwargs={"pk": decision.application.call_id, "file_format": "csv"})
    client.cookies["django_language"] = "fi"
    rows = client.get(url).content.decode("utf-8-sig").splitlines()
    assert rows[0].split(";")[:2] == ["Hakija", "Y-tunnus tai rekisterinumero"]
    assert rows[1].startswith(f"{organisation.name_fi};{organisation.register_number};")
    assert ";20000.00;Hyväksytty;20000.00;" in rows[1]
    pdf = client.get(url.replace("list.csv", "list.pdf"))
    assert pdf["Content-Type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(pdf.content)) as document:
        text = " ".join((document.pages[0].extract_text() or "").replace("\u00a0", " ").split())
    assert "Päätöslista" in text and organisation.register_number in text and "20 000,00 €" in text
    assert client.get(url.replace("list.csv", "list.exe")).status_code == 404
