"""The application form as an applicant uses it: nothing typed is lost, money is written as people
write it, the budget adds up, every error is listed at the top, and submitting is confirmed and
receipted (issue 12, items 6-12)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from grants.models import Application, ApplicationAttachment, Status
from grants.tasks import render_submitted_application
from portal.models import WelfareArea
from tests.conftest import once
from tests.factories import PDF_BYTES, ApplicationFactory, AreaRoleFactory, GrantCallFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def form_data(application: Application, **changes: object) -> dict[str, object]:
    """The edit page's form as a browser sends it: the draft, one budget row, no other funding."""
    lines = list(application.budget_lines.all())
    data: dict[str, object] = {
        "version": application.version,
        "title": application.title,
        "summary": application.summary,
        "planned_activities": application.planned_activities,
        "requested_amount": str(application.requested_amount or ""),
        "budget-TOTAL_FORMS": str(len(lines) + 1),
        "budget-INITIAL_FORMS": str(len(lines)),
        "budget-MIN_NUM_FORMS": "0",
        "budget-MAX_NUM_FORMS": "100",
        "funding-TOTAL_FORMS": "0",
        "funding-INITIAL_FORMS": "0",
        "funding-MIN_NUM_FORMS": "0",
        "funding-MAX_NUM_FORMS": "30",
        "attachment-kind": "budget",
        **once(),
    }
    for index, line in enumerate(lines):
        data |= {
            f"budget-{index}-id": line.pk,
            f"budget-{index}-kind": line.kind,
            f"budget-{index}-category": line.category,
            f"budget-{index}-amount": str(line.amount),
        }
    return data | changes


@pytest.fixture
def applicant(client):
    application = ApplicationFactory(requested_amount=Decimal("12000"))
    application.budget_lines.update(amount=Decimal("15000"))
    member = MembershipFactory(organisation=application.organisation, user__preferred_language="en").user
    client.force_login(member)
    client.cookies["django_language"] = "en"
    return application


def edit(client, application, **changes):
    return client.post(
        reverse("grants:application_edit", kwargs={"pk": application.pk}), form_data(application, **changes)
    )


def test_text_typed_and_then_attached_is_kept(client, applicant):
    """Item 6: the person types the summary and activities, then attaches a file."""
    response = edit(
        client,
        applicant,
        summary="Kävelyryhmiä ikääntyneille kolmessa kunnassa.",
        planned_activities="Ryhmät kokoontuvat viikoittain.",
        action="attach",
        **{"attachment-kind": "activity_plan", "attachment-file": SimpleUploadedFile("suunnitelma.pdf", PDF_BYTES)},
    )
    assert response.url.endswith("#attachments")
    applicant.refresh_from_db()
    assert applicant.summary == "Kävelyryhmiä ikääntyneille kolmessa kunnassa."
    assert applicant.planned_activities == "Ryhmät kokoontuvat viikoittain."
    assert applicant.attachments.filter(kind="activity_plan", original_name="suunnitelma.pdf").exists()
    page = client.get(response.url).content.decode()
    assert "The draft was saved and the attachment added." in page
    assert "Kävelyryhmiä ikääntyneille kolmessa kunnassa." in page


def test_attaching_without_a_file_keeps_the_text_and_says_so_beside_the_file(client, applicant):
    """Item 11: "Add attachment" with no file."""
    response = edit(client, applicant, summary="Uusi tiivistelmä, jota ei saa hukata.", action="attach")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Uusi tiivistelmä, jota ei saa hukata." in html  # the text is still in the box
    assert "Choose the file to attach." in html.partition('id="id_attachment-file_error"')[2][:200]
    assert '<a href="#id_attachment-file">File: Choose the file to attach.</a>' in html


def test_removing_an_attachment_saves_the_draft_too(client, applicant):
    attachment = applicant.attachments.get()
    response = edit(client, applicant, summary="Tallennettu poistettaessa.", action=f"remove:{attachment.pk}")
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.summary == "Tallennettu poistettaessa."
    assert not ApplicationAttachment.objects.filter(pk=attachment.pk).exists()


@pytest.mark.parametrize(("typed", "stored"), [("1 200,50", "1200.50"), ("1200,50", "1200.50"), ("1200.50", "1200.50"),
                                                ("1\u00a0200,50", "1200.50"), ("12000", "12000")])  # fmt: skip
def test_money_is_written_as_people_write_it(client, applicant, typed, stored):
    """Item 8: "1200,50" with a Finnish decimal comma was stored as 120050."""
    assert edit(client, applicant, requested_amount=typed).status_code == 302
    applicant.refresh_from_db()
    assert applicant.requested_amount == Decimal(stored)


def test_money_fields_are_text_boxes_with_a_numeric_keyboard_and_the_limit_in_the_readers_locale(client, applicant):
    client.cookies["django_language"] = "fi"
    html = client.get(reverse("grants:application_edit", kwargs={"pk": applicant.pk})).content.decode()
    assert 'name="requested_amount" value="12000,00" inputmode="decimal"' in html
    assert 'type="number"' not in html.partition('name="requested_amount"')[0][-200:]
    assert "Enintään 30\u00a0000,00\u00a0€" in html


def test_a_word_instead_of_an_amount_is_explained(client, applicant):
    response = edit(client, applicant, requested_amount="kaksitoista tuhatta")
    assert "Write the amount in euros, for example 1 200,50." in response.content.decode()


def test_the_error_summary_lists_the_errors_of_the_budget_rows_too(client, applicant):
    """Item 7: one error at the top while four more sat far down the page."""
    response = edit(
        client,
        applicant,
        title="",
        **{"budget-1-kind": "expense", "budget-1-category": "travel", "budget-1-amount": "paljon",
           "budget-TOTAL_FORMS": "3", "budget-2-kind": "income", "budget-2-amount": "100"},
    )  # fmt: skip
    html = response.content.decode()
    summary = html.partition('class="error-summary"')[2].partition("</div>")[0]
    assert 'href="#id_title"' in summary
    assert 'href="#id_budget-1-amount"' in summary and "Budget line 2" in summary
    assert 'href="#id_budget-2-category"' in summary and "Budget line 3" in summary
    assert summary.count("<li>") == 3


def test_the_budget_adds_up_and_a_request_above_the_net_cost_is_refused_naming_it(client, applicant):
    """Item 9."""
    response = edit(
        client,
        applicant,
        requested_amount="14000",
        **{"budget-TOTAL_FORMS": "2", "budget-1-kind": "income", "budget-1-category": "own_funding",
           "budget-1-amount": "2000"},
    )  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode().replace("\u00a0", " ")
    error = html.partition('id="id_requested_amount_error"')[2][:300]
    assert "cannot exceed the net cost of the budget (13,000.00 €)" in error
    totals = html.partition('id="budget-totals"')[2].partition("</div>")[0]
    assert "15,000.00 €" in totals and "2,000.00 €" in totals and "13,000.00 €" in totals


def test_the_totals_are_recomputed_while_the_person_types(client, applicant):
    query = {"budget-TOTAL_FORMS": "2", "budget-0-kind": "expense", "budget-0-amount": "1 000,50",
             "budget-1-kind": "income", "budget-1-amount": "200", "requested_amount": "800,50"}  # fmt: skip
    html = client.get(reverse("grants:budget_totals", kwargs={"pk": applicant.pk}), query).content.decode()
    html = html.replace("\u00a0", " ")
    assert "1,000.50 €" in html and "200.00 €" in html and "800.50 €" in html
    assert "100 % of the net cost" in html


def test_a_request_above_the_calls_largest_grant_is_refused_naming_it(client):
    application = ApplicationFactory(call=GrantCallFactory(max_amount=Decimal("10000")))
    member = MembershipFactory(organisation=application.organisation).user
    client.force_login(member)
    client.cookies["django_language"] = "en"
    response = edit(client, application, requested_amount="15000")
    assert "The call&#x27;s largest grant is 10,000.00" in response.content.decode()


def test_budget_rows_can_be_added_and_removed_before_the_first_save(client, applicant):
    """Item 10: the page carries an empty row to copy and the script that adds and removes rows."""
    html = client.get(reverse("grants:application_edit", kwargs={"pk": applicant.pk})).content.decode()
    assert "<template data-empty-row>" in html and "id_budget-__prefix__-amount" in html
    assert "Add a row: Budget line" in html and "js/formset.js" in html


def test_submitting_is_confirmed_receipted_and_kept_as_a_pdf(client, applicant, django_capture_on_commit_callbacks):
    """Item 12."""
    confirm = client.get(reverse("grants:submit", kwargs={"pk": applicant.pk})).content.decode()
    assert "Once submitted, the application can no longer be edited." in confirm
    assert applicant.status == Status.DRAFT
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("grants:transition", kwargs={"pk": applicant.pk, "name": "submit"}), follow=True)
    assert "The application was submitted." in response.content.decode()
    applicant.refresh_from_db()
    assert applicant.status == Status.SUBMITTED
    receipt = next(message for message in mail.outbox if message.subject.startswith("Received:"))
    assert receipt.to == [applicant.submitted_by.email]
    assert applicant.title in receipt.body and applicant.call.title in receipt.body
    assert "(Finnish time)" in receipt.body

    assert applicant.submitted_pdf  # rendered by the job after the submission
    document = client.get(reverse("grants:submitted_pdf", kwargs={"pk": applicant.pk}))
    pdf = PdfReader(io.BytesIO(b"".join(document.streaming_content)))
    text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    assert applicant.title in text and "budjetti.pdf" in text and "15" in text

    # The back button to the confirmation page says it was already sent.
    again = client.get(reverse("grants:submit", kwargs={"pk": applicant.pk}), follow=True).content.decode()
    assert "The application was submitted on" in again


def test_the_areas_staff_read_the_submitted_pdf_and_others_do_not(
    client, applicant, settings, django_capture_on_commit_callbacks
):
    """Item 12: what was received is the area's record too."""
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("grants:transition", kwargs={"pk": applicant.pk, "name": "submit"}))
    document = reverse("grants:submitted_pdf", kwargs={"pk": applicant.pk})
    client.force_login(AreaRoleFactory.coordinator(area=applicant.call.area).user)
    pdf = PdfReader(io.BytesIO(b"".join(client.get(document).streaming_content)))
    assert applicant.title in " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    other_area = WelfareArea.objects.exclude(pk=applicant.call.area_id).first()
    client.force_login(AreaRoleFactory.coordinator(area=other_area).user)
    assert client.get(document).status_code in (403, 404)


def test_the_submitted_pdf_is_rendered_once_and_lists_only_what_came_with_the_submission(applicant):
    from grants import services

    services.take_step(applicant, "submit", applicant.organisation.memberships.first().user)
    assert render_submitted_application(applicant.pk) is True
    assert render_submitted_application(applicant.pk) is False  # a redelivered job renders nothing more
