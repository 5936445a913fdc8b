from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from organisations.models import Invitation, JoinRequest, Membership, Organisation, OrganisationDocument
from portal.models import Municipality, Theme, User
from tests.conftest import PASSWORD, once
from tests.factories import (
    PDF_BYTES,
    ApplicationFactory,
    AreaRoleFactory,
    DocumentFactory,
    GrantCallFactory,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    area,
)

pytestmark = pytest.mark.django_db

REGISTER = reverse("organisations:register")


def registration(**changes: object) -> dict[str, object]:
    data = {
        "name_fi": "Kaarinan Kävelykaverit ry",
        "business_id": "1234567-1",
        "register_number": "",
        "kind": Organisation.Kind.LOCAL,
        "home_municipality": Municipality.objects.get(code="202").pk,
        "themes": [Theme.objects.get(code="older-people").pk],
        "languages": ["fi", "sv"],
        "contact_email": "info@kavelykaverit.example.org",
        "iban": "FI21 1234 5600 0007 85",
        "description_fi": "Kävelyryhmiä ikääntyneille.",
        **once(),
    }
    data.update(changes)
    return data


def page(client, name: str, **kwargs: object) -> str:
    return client.get(reverse(name, kwargs=kwargs)).content.decode()


# --- Registration and claiming ------------------------------------------------------------------


def test_registering_stores_normalised_identifiers_and_makes_the_user_admin(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        REGISTER,
        registration(business_id="12345671", register_number="123456", municipalities=["area:05"]),
    )
    organisation = Organisation.objects.get(name_fi="Kaarinan Kävelykaverit ry")
    assert response.status_code == 302
    assert response.url == reverse("organisations:detail", kwargs={"pk": organisation.pk})
    assert (organisation.business_id, organisation.register_number) == ("1234567-1", "123.456")
    assert organisation.iban == "FI2112345600000785"
    assert organisation.languages == ["fi", "sv"]
    assert organisation.municipalities.count() == 27  # the whole of Varsinais-Suomi
    assert Membership.objects.get(organisation=organisation).user == user
    assert Membership.objects.get(organisation=organisation).role == Membership.Role.ADMIN


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("business_id", "1234567-2", "This is not a valid Business ID"),
        ("iban", "FI21 1234 5600 0007 86", "This is not a valid IBAN"),
        ("register_number", "12a.456", "This is not a valid association register number"),
    ],
)
def test_invalid_numbers_are_explained_next_to_the_field_and_nothing_is_saved(client, field, value, message):
    client.force_login(UserFactory())
    client.cookies["django_language"] = "en"
    response = client.post(REGISTER, registration(**{field: value}))
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    assert 'class="error-summary"' in html
    assert not Organisation.objects.exists()


def test_an_identifier_is_required(client):
    client.force_login(UserFactory())
    client.cookies["django_language"] = "en"
    response = client.post(REGISTER, registration(business_id="", register_number=""))
    assert "Give a Business ID or an association register number" in str(response.context["form"].errors)
    assert not Organisation.objects.exists()


def test_registering_an_imported_organisation_claims_it_instead_of_duplicating(client):
    imported = OrganisationFactory.unclaimed(name_fi="Vanha nimi ry")
    user = UserFactory()
    client.force_login(user)
    client.post(REGISTER, registration(business_id=imported.business_id))
    assert Organisation.objects.count() == 1
    imported.refresh_from_db()
    assert imported.name_fi == "Kaarinan Kävelykaverit ry"
    assert Membership.objects.get(organisation=imported).user == user


def test_registering_an_organisation_with_members_leads_to_a_join_request(client):
    existing = MembershipFactory.admin(organisation=OrganisationFactory.unclaimed()).organisation
    client.force_login(UserFactory())
    response = client.post(REGISTER, registration(business_id=existing.business_id))
    assert response.url == reverse("organisations:join", kwargs={"pk": existing.pk})
    assert Organisation.objects.count() == 1
    assert existing.memberships.count() == 1


# --- Join requests and invitations --------------------------------------------------------------


def test_join_request_is_accepted_by_an_admin(client, django_capture_on_commit_callbacks):
    admin = MembershipFactory.admin().user
    organisation = admin.memberships.get().organisation
    applicant = UserFactory()
    client.force_login(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("organisations:join", kwargs={"pk": organisation.pk}), {"message": "Olen rahastonhoitaja."})
    client.post(reverse("organisations:join", kwargs={"pk": organisation.pk}), {"message": "Uudestaan"})
    join_request = JoinRequest.objects.get()
    assert [message.to for message in mail.outbox] == [[admin.email]]
    assert applicant.full_name in mail.outbox[0].body

    client.force_login(admin)
    url = reverse("organisations:decide_join_request", kwargs={"pk": organisation.pk, "request_pk": join_request.pk})
    client.post(url, {"decision": "accept"})
    client.post(url, {"decision": "decline"})  # a late second click changes nothing
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.ACCEPTED
    assert Membership.objects.filter(user=applicant, organisation=organisation, role="member").exists()


def test_invitation_is_emailed_and_works_exactly_once(client, django_capture_on_commit_callbacks):
    admin = MembershipFactory.admin().user
    organisation = admin.memberships.get().organisation
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("organisations:invite", kwargs={"pk": organisation.pk}),
            {"email": "Kollega@Example.org", "role": "admin", **once()},
        )
    assert mail.outbox[0].to == ["kollega@example.org"]
    path = re.search(r"https?://[^/\s]+(/invitations/[^\s]+/)", mail.outbox[0].body).group(1)

    colleague, latecomer = UserFactory(email="kollega@example.org"), UserFactory()
    client.force_login(colleague)
    client.post(path)
    assert Membership.objects.get(user=colleague, organisation=organisation).role == Membership.Role.ADMIN
    client.force_login(latecomer)
    client.post(path)
    assert not Membership.objects.filter(user=latecomer).exists()


def test_an_expired_invitation_does_not_work(client):
    invitation = InvitationFactory.expired()
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("organisations:invitation", kwargs={"token": invitation.token}))
    assert response.status_code == 200
    assert not Membership.objects.filter(user=user).exists()


def test_invitation_validity_is_seven_days():
    invitation = InvitationFactory()
    assert invitation.expires_at - invitation.created_at == pytest.approx(
        datetime.timedelta(days=7), abs=datetime.timedelta(seconds=5)
    )


def test_an_invalid_invitation_form_shows_the_error_and_sends_nothing(client):
    admin = MembershipFactory.admin().user
    client.force_login(admin)
    response = client.post(
        reverse("organisations:invite", kwargs={"pk": admin.memberships.get().organisation_id}),
        {"email": "not an email", "role": "admin"},
    )
    assert response.status_code == 400
    assert 'id="id_email_error"' in response.content.decode()
    assert mail.outbox == []
    assert not Invitation.objects.exists()


# --- Roles and the last administrator -----------------------------------------------------------


def test_the_last_admin_can_neither_leave_nor_be_demoted(client):
    admin_membership = MembershipFactory.admin()
    organisation = admin_membership.organisation
    MembershipFactory(organisation=organisation)
    client.force_login(admin_membership.user)
    kwargs = {"pk": organisation.pk, "membership_pk": admin_membership.pk}
    client.post(reverse("organisations:change_role", kwargs=kwargs), {"role": "member"})
    client.post(reverse("organisations:remove_member", kwargs=kwargs))
    admin_membership.refresh_from_db()
    assert admin_membership.role == Membership.Role.ADMIN


def test_an_admin_promotes_a_member_and_can_then_leave(client):
    admin_membership = MembershipFactory.admin()
    organisation = admin_membership.organisation
    member = MembershipFactory(organisation=organisation)
    client.force_login(admin_membership.user)
    client.post(
        reverse("organisations:change_role", kwargs={"pk": organisation.pk, "membership_pk": member.pk}),
        {"role": "admin"},
    )
    response = client.post(
        reverse("organisations:remove_member", kwargs={"pk": organisation.pk, "membership_pk": admin_membership.pk})
    )
    assert response.url == reverse("workspace:home")
    assert list(organisation.memberships.values_list("role", flat=True)) == ["admin"]


def test_a_plain_member_cannot_remove_others(client):
    member = MembershipFactory()
    other = MembershipFactory(organisation=member.organisation)
    client.force_login(member.user)
    response = client.post(
        reverse("organisations:remove_member", kwargs={"pk": member.organisation_id, "membership_pk": other.pk})
    )
    assert response.status_code == 403
    assert Membership.objects.filter(pk=other.pk).exists()


# --- What is public, what is private ------------------------------------------------------------


def test_public_page_never_shows_iban_member_names_or_emails(client):
    membership = MembershipFactory(organisation=OrganisationFactory(iban="FI2112345600000785"))
    html = page(client, "organisations:detail", pk=membership.organisation_id)
    assert membership.organisation.name_fi in html
    assert "FI21" not in html
    assert membership.user.full_name not in html
    assert membership.user.email not in html


def test_members_and_area_coordinators_see_the_iban(client):
    membership = MembershipFactory(organisation=OrganisationFactory.in_area("05", iban="FI2112345600000785"))
    client.force_login(membership.user)
    assert "FI21 1234 5600 0007 85" in page(client, "organisations:detail", pk=membership.organisation_id)
    client.force_login(AreaRoleFactory.coordinator(area=area("05")).user)
    assert "FI21 1234 5600 0007 85" in page(client, "organisations:detail", pk=membership.organisation_id)
    client.force_login(AreaRoleFactory.coordinator(area=area("90")).user)
    assert "FI21" not in page(client, "organisations:detail", pk=membership.organisation_id)


def test_a_member_of_another_organisation_can_neither_see_nor_change_anything(client, world):
    organisation = world.organisation
    document = DocumentFactory(organisation=organisation)
    membership = organisation.memberships.get(role="member")
    client.force_login(world.other_org_member)
    pk = organisation.pk
    for name, kwargs in [
        ("organisations:edit", {"pk": pk}),
        ("organisations:members", {"pk": pk}),
        ("organisations:documents", {"pk": pk}),
        ("organisations:download_document", {"pk": pk, "document_pk": document.pk}),
    ]:
        assert client.get(reverse(name, kwargs=kwargs)).status_code in (403, 404), name
    for name, kwargs, data in [
        ("organisations:edit", {"pk": pk}, registration(name_fi="Kaapattu ry")),
        ("organisations:invite", {"pk": pk}, {"email": "x@example.org", "role": "admin"}),
        ("organisations:change_role", {"pk": pk, "membership_pk": membership.pk}, {"role": "admin"}),
        ("organisations:remove_member", {"pk": pk, "membership_pk": membership.pk}, {}),
        ("organisations:delete_document", {"pk": pk, "document_pk": document.pk}, {}),
        ("organisations:documents", {"pk": pk}, {"kind": "budget", "year": 2025}),
        # The other organisation's id with this organisation's rows: still refused.
        ("organisations:remove_member", {"pk": world.other_organisation.pk, "membership_pk": membership.pk}, {}),
    ]:
        assert client.post(reverse(name, kwargs=kwargs), data).status_code in (403, 404), name
    organisation.refresh_from_db()
    membership.refresh_from_db()
    assert organisation.name_fi != "Kaapattu ry"
    assert membership.role == "member"
    assert OrganisationDocument.objects.filter(pk=document.pk).exists()
    assert not Invitation.objects.exists()


# --- Documents ----------------------------------------------------------------------------------


def upload(client, organisation: Organisation, name: str, content: bytes):
    return client.post(
        reverse("organisations:documents", kwargs={"pk": organisation.pk}),
        {"kind": "annual_report", "year": 2025, "file": SimpleUploadedFile(name, content), **once()},
    )


def test_a_member_uploads_a_document_stored_under_a_random_name(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    response = upload(client, membership.organisation, "Vuosikertomus 2025.pdf", PDF_BYTES)
    assert response.status_code == 302
    document = OrganisationDocument.objects.get()
    assert document.original_name == "Vuosikertomus 2025.pdf"
    assert "Vuosikertomus" not in document.file.name
    assert document.file.name.startswith("organisations/documents/")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("raportti.pdf", b"<html><script>alert('x')</script></html>", "does not match its name"),
        ("raportti.html", b"<html></html>", "are not accepted"),
    ],
)
def test_a_disguised_upload_is_refused_with_a_message(client, name, content, message):
    membership = MembershipFactory()
    client.force_login(membership.user)
    client.cookies["django_language"] = "en"
    response = upload(client, membership.organisation, name, content)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not OrganisationDocument.objects.exists()


def test_an_oversized_upload_is_refused(client, settings):
    settings.PORTAL_UPLOAD_MAX_BYTES = 100
    membership = MembershipFactory()
    client.force_login(membership.user)
    client.cookies["django_language"] = "en"
    response = upload(client, membership.organisation, "iso.pdf", PDF_BYTES + b" " * 200)
    assert response.status_code == 400
    assert "too large" in response.content.decode()
    assert not OrganisationDocument.objects.exists()


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("member", True),
        ("coordinator_here", True),
        ("coordinator_elsewhere", False),
        ("other_member", False),
        ("reviewer_here", False),
    ],
)
def test_documents_download_only_for_the_right_people(client, who, allowed):
    document = DocumentFactory(organisation=OrganisationFactory.in_area("05"))
    users = {
        "member": lambda: MembershipFactory(organisation=document.organisation).user,
        "coordinator_here": lambda: AreaRoleFactory.coordinator(area=area("05")).user,
        "coordinator_elsewhere": lambda: AreaRoleFactory.coordinator(area=area("90")).user,
        "other_member": lambda: MembershipFactory().user,
        "reviewer_here": lambda: AreaRoleFactory.reviewer(area=area("05")).user,
    }
    client.force_login(users[who]())
    url = reverse(
        "organisations:download_document", kwargs={"pk": document.organisation_id, "document_pk": document.pk}
    )
    response = client.get(url, follow=False)
    if allowed:
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PDF_BYTES
    else:
        assert response.status_code == 403


# --- Coordinators -------------------------------------------------------------------------------


def test_coordinator_verifies_an_organisation_and_the_page_shows_who_and_when(client, settings):
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    organisation = OrganisationFactory.in_area("05", verified_at=None)
    coordinator = AreaRoleFactory.coordinator(area=area("05"), user__full_name="Sanna Virtanen").user
    client.force_login(coordinator)
    client.post(reverse("organisations:verify", kwargs={"pk": organisation.pk}))
    organisation.refresh_from_db()
    assert organisation.verified_by == coordinator
    assert organisation.verified_at is not None
    client.logout()
    assert "Sanna Virtanen" in page(client, "organisations:detail", pk=organisation.pk)


def test_a_coordinator_of_another_area_cannot_verify(client, world):
    organisation = world.organisation
    Organisation.objects.filter(pk=organisation.pk).update(verified_at=None)
    client.force_login(world.other_area_coordinator)
    assert client.post(reverse("organisations:verify", kwargs={"pk": organisation.pk})).status_code == 403
    organisation.refresh_from_db()
    assert organisation.verified_at is None


def test_notes_are_seen_only_by_the_coordinators_of_that_area(client, world, settings):
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    organisation = world.organisation
    # The organisation operates in Helsinki too, so both coordinators may keep notes on it.
    organisation.municipalities.add(Municipality.objects.get(code="091"))
    client.force_login(world.coordinator)
    client.post(
        reverse("organisations:add_note", kwargs={"pk": organisation.pk}),
        {"area": area("05").pk, "text": "Tarkistettu puhelimitse", **once()},
    )
    assert "Tarkistettu puhelimitse" in page(client, "organisations:detail", pk=organisation.pk)
    colleague = AreaRoleFactory.coordinator(area=area("05")).user
    client.force_login(colleague)
    assert "Tarkistettu puhelimitse" in page(client, "organisations:detail", pk=organisation.pk)
    for outsider in (world.other_area_coordinator, world.ngo_admin, world.councillor):
        client.force_login(outsider)
        assert "Tarkistettu puhelimitse" not in page(client, "organisations:detail", pk=organisation.pk)


def test_coordinator_list_shows_only_organisations_operating_in_the_area(client, world, settings):
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    client.force_login(world.coordinator)
    html = page(client, "organisations:area_organisations", code="05")
    assert world.organisation.name_fi in html
    assert world.other_organisation.name_fi not in html
    client.force_login(world.other_area_coordinator)
    assert client.get(reverse("organisations:area_organisations", kwargs={"code": "05"})).status_code == 403


# --- Personal data ------------------------------------------------------------------------------


def test_user_downloads_their_own_data_as_json(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    response = client.get(reverse("portal:my_data"))
    assert response["Content-Disposition"].startswith("attachment")
    data = response.json()
    assert data["account"]["email"] == membership.user.email
    assert data["memberships"][0]["organisation"] == membership.organisation.name_fi


def test_deleting_the_account_keeps_what_was_written_without_the_name(client):
    admin = MembershipFactory.admin()
    document = DocumentFactory(organisation=admin.organisation, uploaded_by=admin.user)
    client.force_login(admin.user)
    # The organisation has history: its last administrator asks the coordinators to close it first.
    closure = reverse("organisations:request_closure", kwargs={"pk": admin.organisation_id})
    client.post(closure, {"reason": "Yhdistys on lopettanut toimintansa."})
    response = client.post(reverse("portal:delete_account"), {"password": PASSWORD})
    assert response.status_code == 302
    document.refresh_from_db()
    assert document.uploaded_by is None
    assert not Membership.objects.exists()
    assert Organisation.objects.filter(pk=admin.organisation_id).exists()


def test_the_only_admin_of_an_organisation_with_members_cannot_delete_the_account(client):
    admin = MembershipFactory.admin()
    MembershipFactory(organisation=admin.organisation)
    client.force_login(admin.user)
    client.post(reverse("portal:delete_account"), {"password": PASSWORD})
    assert Membership.objects.filter(pk=admin.pk).exists()


def test_a_wrong_password_does_not_delete_the_account(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("portal:delete_account"), {"password": "arvaus"})
    assert response.status_code == 200
    assert 'id="id_password_error"' in response.content.decode()
    assert User.objects.filter(pk=user.pk).exists()


def test_a_member_asking_to_join_again_is_sent_to_the_organisation(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    response = client.get(reverse("organisations:join", kwargs={"pk": membership.organisation_id}))
    assert response.url == reverse("organisations:detail", kwargs={"pk": membership.organisation_id})
    assert not JoinRequest.objects.exists()


def test_an_invitation_link_is_of_no_use_to_someone_else(client):
    invitation = InvitationFactory(email="oikea@example.org")
    client.force_login(UserFactory(email="vaara@example.org"))
    client.post(reverse("organisations:invitation", kwargs={"token": invitation.token}))
    assert not invitation.organisation.memberships.exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_changing_the_bank_account_needs_verifying_again(client):
    membership = MembershipFactory.admin(organisation=OrganisationFactory(business_id="1234567-1"))
    organisation = membership.organisation
    organisation.verified_at = timezone.now()
    organisation.save()
    client.force_login(membership.user)
    url = reverse("organisations:edit", kwargs={"pk": organisation.pk})
    unchanged = {"name_fi": organisation.name_fi, "register_number": organisation.register_number, "iban": ""}
    client.post(url, registration(**unchanged, phone="02 123 4567"))
    organisation.refresh_from_db()
    assert organisation.phone == "02 123 4567"
    assert organisation.verified_at is not None
    client.post(url, registration(**unchanged | {"iban": "FI21 1234 5600 0007 85"}))
    organisation.refresh_from_db()
    assert organisation.verified_at is None


def test_claiming_clears_the_verification_and_keeps_the_other_identifier(client):
    imported = OrganisationFactory.unclaimed(register_number="300.300", verified_at=timezone.now())
    client.force_login(UserFactory())
    client.post(REGISTER, registration(business_id="", register_number="300300"))
    imported.refresh_from_db()
    assert imported.verified_at is None
    assert imported.business_id is not None
    assert imported.memberships.count() == 1


def test_identifiers_of_two_different_organisations_are_refused(client):
    first = OrganisationFactory.unclaimed()
    second = OrganisationFactory(register_number="400.400")
    client.force_login(UserFactory())
    client.cookies["django_language"] = "en"
    response = client.post(REGISTER, registration(business_id=first.business_id, register_number="400.400"))
    assert response.status_code == 400
    assert "belong to two different organisations" in response.content.decode()
    assert not first.memberships.exists()
    assert not second.memberships.exists()


def test_a_name_with_a_line_break_is_refused(client):
    client.force_login(UserFactory())
    response = client.post(REGISTER, registration(name_fi="Nimi ry\nBcc: kaikki@example.org"))
    assert response.status_code == 200
    assert not Organisation.objects.exists()


def test_coordinators_of_an_area_applied_to_may_download_documents(client):
    document = DocumentFactory(organisation=OrganisationFactory.in_area("05"))
    url = reverse(
        "organisations:download_document", kwargs={"pk": document.organisation_id, "document_pk": document.pk}
    )
    client.force_login(AreaRoleFactory.coordinator(area=area("90")).user)
    assert client.get(url).status_code == 403
    ApplicationFactory.submitted(organisation=document.organisation, call=GrantCallFactory(area=area("90")))
    assert client.get(url).status_code == 200
