"""A signed-in page reads the person, their roles and TOTP from the process's memory
(portal.identity), so what is kept must follow every change at once: a role given or taken, TOTP
removed, a role's period ending at midnight, an account deactivated or its password or name
changed, and the shared cache being away."""

from __future__ import annotations

import datetime

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal import access
from tests.factories import (
    ApplicationFactory,
    AreaRoleFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    area,
)

pytestmark = pytest.mark.django_db

AREA_WORK = reverse("workspace:area", kwargs={"code": "05"})
ACTIVATE = reverse("mfa_activate_totp")
PROFILE = reverse("portal:profile")


def test_a_role_given_after_the_first_page_opens_the_area_on_the_next(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(AREA_WORK).status_code == 403
    AreaRoleFactory.reviewer(user=user, area=area("05"))
    assert client.get(AREA_WORK).status_code == 200


def test_a_role_taken_away_closes_the_area_on_the_next_page(client):
    role = AreaRoleFactory.reviewer(area=area("05"))
    client.force_login(role.user)
    assert client.get(AREA_WORK).status_code == 200
    role.delete()
    assert client.get(AREA_WORK).status_code == 403


def test_a_role_ended_by_changing_its_period_closes_the_area(client):
    role = AreaRoleFactory.reviewer(area=area("05"))
    client.force_login(role.user)
    assert client.get(AREA_WORK).status_code == 200
    role.valid_from = timezone.localdate() - datetime.timedelta(days=30)
    role.valid_to = timezone.localdate() - datetime.timedelta(days=1)
    role.save()
    assert client.get(AREA_WORK).status_code == 403


def test_a_role_ending_today_is_gone_tomorrow_without_any_write(client, monkeypatch):
    today = timezone.localdate()
    role = AreaRoleFactory.reviewer(area=area("05"), valid_to=today)
    client.force_login(role.user)
    assert client.get(AREA_WORK).status_code == 200
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today + datetime.timedelta(days=1))
    assert client.get(AREA_WORK).status_code == 403


def test_a_role_starting_tomorrow_opens_the_area_tomorrow(client, monkeypatch):
    today = timezone.localdate()
    role = AreaRoleFactory.reviewer(area=area("05"), valid_from=today + datetime.timedelta(days=1))
    client.force_login(role.user)
    assert client.get(AREA_WORK).status_code == 403
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today + datetime.timedelta(days=1))
    assert client.get(AREA_WORK).status_code == 200


def test_removing_totp_sends_the_coordinator_to_set_it_up_again(client):
    role = AreaRoleFactory.coordinator(area=area("05"))
    client.force_login(role.user)
    assert client.get(AREA_WORK).status_code == 200
    Authenticator.objects.filter(user=role.user).delete()
    assert client.get(AREA_WORK).url.startswith(ACTIVATE)


def test_the_roles_are_read_once_and_then_kept(client):
    role = AreaRoleFactory.coordinator(area=area("05"))
    client.force_login(role.user)
    client.get(AREA_WORK)
    with CaptureQueriesContext(connection) as queries:
        client.get(AREA_WORK)
    own_roles = f'"portal_arearole"."user_id" = {role.user.pk}'
    assert not [q for q in queries if own_roles in q["sql"]]
    assert not [q for q in queries if "mfa_authenticator" in q["sql"]]


def test_the_person_is_read_once_and_then_kept(client):
    user = UserFactory()
    client.force_login(user)
    client.get(PROFILE)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(PROFILE).status_code == 200
    assert not [q for q in queries if 'FROM "portal_user"' in q["sql"]]


def test_a_deactivated_account_is_signed_out_on_its_next_page(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(PROFILE).status_code == 200
    user.is_active = False
    user.save()
    answer = client.get(PROFILE)
    assert answer.status_code == 302 and answer.url.startswith(reverse("account_login"))


def test_a_password_changed_elsewhere_ends_the_other_sessions(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(PROFILE).status_code == 200
    user.set_password("another-Passphrase-2026")
    user.save()
    answer = client.get(PROFILE)
    assert answer.status_code == 302 and answer.url.startswith(reverse("account_login"))


def test_a_new_name_shows_on_the_next_page(client):
    user = UserFactory(full_name="Maija Meikäläinen")
    client.force_login(user)
    assert "Maija Meikäläinen" in client.get(PROFILE).content.decode()
    user.full_name = "Maija Virtanen"
    user.save()
    page = client.get(PROFILE).content.decode()
    assert "Maija Virtanen" in page and "Maija Meikäläinen" not in page


def test_a_deleted_account_is_signed_out(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(PROFILE).status_code == 200
    user.delete()
    assert client.get(PROFILE).status_code == 302


def test_without_the_shared_cache_the_roles_come_from_the_database(client, monkeypatch):
    role = AreaRoleFactory.reviewer(area=area("05"))
    client.force_login(role.user)
    assert client.get(AREA_WORK).status_code == 200

    def unreachable(*args: object, **kwargs: object) -> None:
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379")

    monkeypatch.setattr(caches["fragment-versions"], "get_many", unreachable)
    monkeypatch.setattr(caches["fragment-versions"], "set_many", unreachable)
    role.delete()  # its renewal is lost too: only the database can say
    assert client.get(AREA_WORK).status_code == 403
    role.user.is_active = False
    role.user.save()
    assert client.get(AREA_WORK).status_code == 302  # the person too


def test_the_areas_of_a_role_are_the_roles_valid_today():
    today = timezone.localdate()
    user = UserFactory()
    AreaRoleFactory.coordinator(user=user, area=area("05"))
    AreaRoleFactory.coordinator(user=user, area=area("06"), valid_from=today + datetime.timedelta(days=3))
    AreaRoleFactory.reviewer(user=user, area=area("07"))
    assert list(access.areas_with_role(user, access.Role.COORDINATOR).values_list("code", flat=True)) == ["05"]
    assert sorted(access.areas_with_role(user).values_list("code", flat=True)) == ["05", "07"]


# --- A person's memberships, kept with their roles (organisations.permissions.memberships_of) ------


def test_a_membership_given_or_taken_shows_on_the_next_page(client):
    organisation = OrganisationFactory()
    user = UserFactory()
    client.force_login(user)
    page = reverse("grants:organisation_applications", kwargs={"pk": organisation.pk})
    assert client.get(page).status_code == 403
    membership = MembershipFactory(organisation=organisation, user=user)
    assert client.get(page).status_code == 200
    membership.delete()
    assert client.get(page).status_code == 403


def test_the_memberships_are_read_once_and_then_kept(client):
    membership = MembershipFactory()
    client.force_login(membership.user)
    page = reverse("grants:organisation_applications", kwargs={"pk": membership.organisation_id})
    client.get(page)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(page).status_code == 200
    assert not [q for q in queries if 'FROM "organisations_membership"' in q["sql"]]


# --- The application a page shows (grants.pages.application_row) ---------------------------------


def test_the_application_page_reads_its_application_once_and_follows_its_changes(client):
    application = ApplicationFactory.in_review(title="Kävelyryhmät")
    coordinator = AreaRoleFactory.coordinator(area=area("05")).user
    client.force_login(coordinator)
    client.cookies["django_language"] = "en"
    page = reverse("grants:application", kwargs={"pk": application.pk})
    assert "Kävelyryhmät" in client.get(page).content.decode()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(page).status_code == 200
    assert not [q for q in queries if 'FROM "grants_application"' in q["sql"]]
    application.title = "Kävely- ja tanssiryhmät"
    application.save()
    assert "Kävely- ja tanssiryhmät" in client.get(page).content.decode()
    application.organisation.name_fi = "Uusi Nimi ry"
    application.organisation.save()
    assert "Uusi Nimi ry" in client.get(page).content.decode()
    application.call.title_fi = "Uusi haku"
    application.call.save()
    client.cookies["django_language"] = "fi"
    assert "Uusi haku" in client.get(page).content.decode()
    application.delete()
    assert client.get(page).status_code == 404
