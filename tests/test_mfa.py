from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from tests.conftest import PASSWORD, enable_totp, totp_code
from tests.factories import AreaRoleFactory, UserFactory

pytestmark = pytest.mark.django_db

AREA_WORK = reverse("workspace:area", kwargs={"code": "05"})
ACTIVATE = reverse("mfa_activate_totp")


@pytest.mark.parametrize("factory", [AreaRoleFactory.coordinator, AreaRoleFactory.decision_maker])
def test_staff_without_totp_are_sent_to_set_it_up(client, factory):
    client.force_login(factory(totp=False).user)
    response = client.get(AREA_WORK)
    assert response.status_code == 302
    assert response.url.startswith(ACTIVATE)
    assert "next=" in response.url


def test_operator_without_totp_cannot_open_the_admin(client):
    client.force_login(UserFactory.operator(totp=False))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(ACTIVATE)


@pytest.mark.parametrize("factory", [AreaRoleFactory.reviewer, AreaRoleFactory.councillor])
def test_reviewers_and_councillors_are_not_forced_to_use_totp(client, factory):
    client.force_login(factory().user)
    assert client.get(AREA_WORK).status_code == 200


def test_an_expired_coordinator_role_no_longer_demands_totp_nor_opens_the_area(client):
    client.force_login(AreaRoleFactory.expired(role="coordinator", totp=False).user)
    assert client.get(AREA_WORK).status_code == 403


def test_coordinator_sets_up_totp_and_then_reaches_the_staff_page(client):
    user = AreaRoleFactory.coordinator(totp=False).user
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert client.get(AREA_WORK).url.startswith(ACTIVATE)
    # allauth asks for the password once more before a second factor is added.
    assert client.get(ACTIVATE).url.startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert client.get(ACTIVATE).status_code == 200
    secret = client.session["mfa.totp.secret"]
    response = client.post(ACTIVATE, {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert client.get(AREA_WORK).status_code == 200


def test_login_with_totp_asks_for_the_code(client):
    user = AreaRoleFactory.coordinator(totp=False).user
    secret = enable_totp(user)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert client.session["_auth_user_id"] == str(user.pk)


def test_the_demo_setting_switches_the_requirement_off(client, settings):
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    client.force_login(AreaRoleFactory.coordinator(totp=False).user)
    assert client.get(AREA_WORK).status_code == 200
