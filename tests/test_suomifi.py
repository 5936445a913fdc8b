"""Suomi.fi e-Identification (SAML 2.0, through allauth) against a real SAML identity provider run
by the suite (tests/suomifi/idp.py), and Suomi.fi Mandates against a stand-in of its Web API."""

from __future__ import annotations

import html
import json
import logging
import pickle
import re
from urllib.parse import urlparse

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.urls import reverse

from organisations.models import Membership
from portal import personal_data
from portal.models import User
from suomifi.models import MandateCheck
from tests.factories import OrganisationFactory, UserFactory
from tests.suomifi.fixtures import PERSON, log_in_with_suomifi, trust_client
from tests.suomifi.idp import Person

pytestmark = pytest.mark.django_db


def confirm_email(client) -> None:
    path = re.search(r"/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    response = client.post(path)
    assert response.status_code == 302


def test_the_sp_metadata_offers_signed_requests_and_an_encryption_key(client, suomifi):
    response = client.get("/accounts/saml/suomifi/metadata/", HTTP_HOST="localhost")
    metadata = response.content.decode()
    assert response.status_code == 200
    assert 'AuthnRequestsSigned="true"' in metadata and 'WantAssertionsSigned="true"' in metadata
    assert 'use="encryption"' in metadata and 'use="signing"' in metadata
    assert "/accounts/saml/suomifi/acs/" in metadata and "/accounts/saml/suomifi/sls/" in metadata


def test_a_new_person_signs_up_with_suomifi_and_only_the_name_and_a_pseudonym_are_kept(client, suomifi):
    trust_client(suomifi, client)
    response = log_in_with_suomifi(client, suomifi)
    assert response.status_code == 302, response
    user = User.objects.get()
    assert user.full_name == "Sanni Suomalainen" and user.email == PERSON.email
    account = SocialAccount.objects.get(user=user)
    assert account.provider == "saml" and account.uid.startswith("fi:")
    assert account.extra_data == {"name": "Sanni Suomalainen"}
    assert suomifi.idp.locales == ["fi"]  # Suomi.fi's pages in the person's language
    confirm_email(client)
    assert client.get(reverse("workspace:home")).status_code == 200


def sign_up(client, suomifi) -> User:
    trust_client(suomifi, client)
    log_in_with_suomifi(client, suomifi)
    confirm_email(client)
    return User.objects.get(email=PERSON.email)


def choose_in_the_mandate_service(client, suomifi, name: str):
    """From the portal's mandates page through the service's choosing page and back."""
    response = client.get(reverse("suomifi:choose"))
    assert response.status_code == 302 and response.url.startswith(suomifi.mandates.url), response
    page = requests.get(response.url, timeout=10).text
    forms = re.findall(r'<form method="post" action="([^"]+)">(.*?)</form>', page, re.S)
    fields = next(dict(re.findall(r'name="([^"]+)" value="([^"]*)"', body)) for _action, body in forms if name in body)
    fields = {key: html.unescape(value) for key, value in fields.items()}
    answer = requests.post(suomifi.mandates.url + "/oauth/choose", data=fields, allow_redirects=False, timeout=10)
    callback = urlparse(answer.headers["Location"])
    assert callback.path == reverse("suomifi:mandate_callback")
    return client.get(f"{callback.path}?{callback.query}")


def test_an_email_account_connects_its_suomifi_identity_from_the_account_page(client, suomifi):
    user = UserFactory(email="existing@example.org")
    trust_client(suomifi, client)
    client.force_login(user)
    assert reverse("socialaccount_connections") in client.get(reverse("workspace:home")).content.decode()
    log_in_with_suomifi(client, suomifi, process="connect")
    account = SocialAccount.objects.get()
    assert account.user == user and account.extra_data == {"name": "Sanni Suomalainen"}
    assert User.objects.count() == 1
    # The next Suomi.fi login, in another browser, is a login to that account.
    other = Client()
    trust_client(suomifi, other)
    log_in_with_suomifi(other, suomifi)
    assert other.get(reverse("workspace:home")).context["user"] == user


def test_a_mandate_for_an_association_makes_a_membership_by_mandate_until_the_next_login(client, suomifi):
    organisation = OrganisationFactory.in_area("05", business_id="1234567-1", name_fi="Kävelijät ry")
    suomifi.give_mandate("1234567-1", "Kävelijät ry", ["PJ"])
    suomifi.give_mandate("7654321-8", "Rekisteröimätön ry", ["NIMKO"])
    user = sign_up(client, suomifi)
    # Asked at login: the session was registered with the identity code Suomi.fi gave.
    assert suomifi.mandates.registered == [PERSON.identity_code]

    response = choose_in_the_mandate_service(client, suomifi, "Kävelijät ry")
    assert response.status_code == 302
    membership = Membership.objects.get(user=user, organisation=organisation)
    assert membership.role == Membership.Role.MEMBER and membership.mandate.answer.roles == ["PJ"]
    check = MandateCheck.objects.get(user=user)
    assert (check.business_id, check.allowed, check.organisation_name) == ("1234567-1", True, "Kävelijät ry")
    page = client.get(reverse("organisations:members", kwargs={"pk": organisation.pk})).content.decode()
    assert "Suomi.fi-valtuudella, vahvistettu" in page  # "By a Suomi.fi mandate, confirmed", in Finnish
    assert "Kävelijät ry" in client.get(reverse("suomifi:mandates")).content.decode()

    # An organisation that is not in the portal is recorded as told, and nothing more.
    choose_in_the_mandate_service(client, suomifi, "Rekisteröimätön ry")
    assert MandateCheck.objects.filter(business_id="7654321-8").exists()

    # The mandate holds for this login only.
    client.logout()
    assert not Membership.objects.filter(user=user).exists()
    assert MandateCheck.objects.filter(user=user).count() == 2


def test_a_role_the_portal_does_not_accept_gives_no_membership(client, suomifi, settings):
    settings.SUOMIFI_MANDATES_ROLES = ["PJ", "NIMKO"]
    OrganisationFactory.in_area("05", business_id="1234567-1", name_fi="Kävelijät ry")
    suomifi.give_mandate("1234567-1", "Kävelijät ry", ["J"])
    user = sign_up(client, suomifi)
    choose_in_the_mandate_service(client, suomifi, "Kävelijät ry")
    assert not Membership.objects.filter(user=user).exists()
    assert MandateCheck.objects.get().allowed is False


def test_a_callback_without_this_browsers_state_is_refused(client, suomifi):
    sign_up(client, suomifi)
    response = client.get(reverse("suomifi:mandate_callback"), {"code": "x", "state": "forged"})
    assert response.status_code == 302 and not MandateCheck.objects.exists()


def test_logging_out_ends_the_portal_session_first_and_then_logs_out_of_suomifi(client, suomifi):
    user = sign_up(client, suomifi)
    response = client.post(reverse("suomifi:logout"))
    assert response.status_code == 302 and response.url.startswith(suomifi.idp.url)
    assert "_auth_user_id" not in client.session
    answer = requests.get(response.url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    back = urlparse(answer.headers["Location"])
    assert back.path == "/accounts/saml/suomifi/sls/"
    response = client.get(f"{back.path}?{back.query}")
    assert response.status_code == 302, response.content
    assert len(suomifi.idp.logouts) == 1
    assert user.socialaccount_set.exists()


def test_suomifi_is_off_unless_configured(client):
    assert client.get("/accounts/saml/suomifi/metadata/", HTTP_HOST="localhost").status_code == 404
    assert "Suomi.fi" not in client.get(reverse("account_login")).content.decode()
    assert client.get(reverse("suomifi:choose")).status_code == 302  # to log in first


def everything_the_portal_holds() -> str:
    """Every row of every table, every session decoded, every cached value, every email sent."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608  (the database's own table names)
            found.append(f"{table}: {cursor.fetchall()!r}")
    for session in Session.objects.all():
        found.append(json.dumps(session.get_decoded(), default=str))
    for alias in settings.CACHES:
        store = getattr(caches[alias], "_cache", {})  # the tests' caches are in memory
        found.extend(repr(pickle.loads(value)) for value in store.values())  # noqa: S301  (what the portal cached itself)
    found.extend(f"{message.subject}\n{message.body}" for message in mail.outbox)
    return "\n".join(found)


def test_the_personal_identity_code_is_stored_nowhere(client, suomifi, caplog, capfd):
    caplog.set_level(logging.DEBUG)
    organisation = OrganisationFactory.in_area("05", business_id="1234567-1", name_fi="Kävelijät ry")
    suomifi.give_mandate("1234567-1", "Kävelijät ry", ["PJ"])
    user = sign_up(client, suomifi)
    choose_in_the_mandate_service(client, suomifi, "Kävelijät ry")
    assert client.get(reverse("organisations:members", kwargs={"pk": organisation.pk})).status_code == 200
    assert client.get(reverse("portal:my_data")).status_code == 200
    # The portal had the code: Suomi.fi sent it, and the mandate service was asked with it.
    assert suomifi.mandates.registered == [PERSON.identity_code]
    assert Membership.objects.filter(user=user).exists()

    code = PERSON.identity_code
    forms = {code, code.lower(), code.replace("-", ""), code.replace("-", "").lower()}
    held = everything_the_portal_holds()
    assert "Sanni Suomalainen" in held and "1234567-1" in held  # the dump does see the data
    assert [form for form in forms if form in held] == []
    logged = "\n".join(
        record.getMessage() + (record.exc_text or "")
        for record in caplog.records
        if not record.name.startswith(("saml2", "tests."))  # the identity provider's own log
    )
    printed = "".join(capfd.readouterr())
    assert [form for form in forms if form in logged or form in printed] == []


def test_a_person_logged_in_by_email_connects_suomifi_on_the_way_to_choosing(client, suomifi):
    user = UserFactory(email="existing@example.org")
    trust_client(suomifi, client)
    client.force_login(user)
    response = client.get(reverse("suomifi:choose"))
    assert response.status_code == 302 and response.url.startswith("/accounts/saml/suomifi/login/")
    assert "process=connect" in response.url
    response = log_in_with_suomifi(client, suomifi, process="connect", next_url=reverse("suomifi:choose"))
    assert SocialAccount.objects.get().user == user
    assert response.status_code == 302 and response.url == reverse("suomifi:choose"), response
    response = client.get(response.url)
    assert response.status_code == 302 and response.url.startswith(suomifi.mandates.url + "/oauth/authorize")


def test_a_logout_that_suomifi_starts_ends_the_portal_session_and_is_answered(client, suomifi):
    OrganisationFactory.in_area("05", business_id="1234567-1", name_fi="Kävelijät ry")
    suomifi.give_mandate("1234567-1", "Kävelijät ry", ["PJ"])
    user = sign_up(client, suomifi)
    choose_in_the_mandate_service(client, suomifi, "Kävelijät ry")
    assert Membership.objects.filter(user=user).exists()
    request = urlparse(suomifi.idp.logout_request_url())
    assert request.path == "/accounts/saml/suomifi/sls/"
    response = client.get(f"{request.path}?{request.query}")
    assert response.status_code == 302 and response.url.startswith(suomifi.idp.url), response.content
    assert "_auth_user_id" not in client.session
    assert not Membership.objects.filter(user=user).exists()
    answer = requests.get(response.url, timeout=10)
    assert answer.status_code == 200, answer.text
    assert suomifi.idp.logout_answers == ["urn:oasis:names:tc:SAML:2.0:status:Success"]


def test_a_person_with_a_mandate_deletes_their_account(client, suomifi):
    OrganisationFactory.in_area("05", business_id="1234567-1", name_fi="Kävelijät ry")
    suomifi.give_mandate("1234567-1", "Kävelijät ry", ["PJ"])
    user = sign_up(client, suomifi)
    choose_in_the_mandate_service(client, suomifi, "Kävelijät ry")
    exported = client.get(reverse("portal:my_data")).json()
    assert exported["suomifi_mandates"][0]["business_id"] == "1234567-1"
    assert exported["suomifi_identification"][0]["name"] == "Sanni Suomalainen"
    personal_data.delete_account(user)
    assert not SocialAccount.objects.exists() and not MandateCheck.objects.exists()


HOSTILE = ["<script>alert(1)</script>", "' OR 1=1 --", "\x00\x1f", "x" * 20_000, "%C3%28"]


def test_a_person_suomifi_gives_no_email_types_one_and_hostile_values_are_refused_or_escaped(client, suomifi):
    suomifi.idp.person = Person(identity_code=PERSON.identity_code, given_name="Sanni", surname="Suomalainen")
    trust_client(suomifi, client)
    response = log_in_with_suomifi(client, suomifi)
    assert response.status_code == 302 and response.url == reverse("socialaccount_signup")
    page = client.get(response.url)
    assert page.status_code == 200 and page.context["form"]["full_name"].value() == "Sanni Suomalainen"
    for value in HOSTILE:
        response = client.post(reverse("socialaccount_signup"), {"full_name": value, "email": value})
        assert response.status_code == 200 and "<script>alert" not in response.content.decode()
    assert not User.objects.exists()
    response = client.post(
        reverse("socialaccount_signup"), {"full_name": "Sanni Suomalainen", "email": "s@example.org"}
    )
    assert response.status_code == 302
    assert SocialAccount.objects.get().user.email == "s@example.org"
    assert PERSON.identity_code not in everything_the_portal_holds()


def test_an_email_account_removes_its_suomifi_identity_but_not_anyone_elses(client, suomifi):
    other = SocialAccount.objects.create(user=UserFactory(), provider="saml", uid="fi:someone-else")
    user = UserFactory(email="existing@example.org")
    trust_client(suomifi, client)
    client.force_login(user)
    log_in_with_suomifi(client, suomifi, process="connect")
    mine = SocialAccount.objects.get(user=user)
    assert client.get(reverse("socialaccount_connections")).status_code == 200
    for value in [*HOSTILE, str(other.pk)]:
        client.post(reverse("socialaccount_connections"), {"account": value})
    assert SocialAccount.objects.filter(pk__in=[mine.pk, other.pk]).count() == 2
    response = client.post(reverse("socialaccount_connections"), {"account": str(mine.pk)})
    assert response.status_code == 302 and not SocialAccount.objects.filter(pk=mine.pk).exists()


def test_hostile_answers_at_the_mandate_callback_change_nothing(client, suomifi):
    sign_up(client, suomifi)
    for value in HOSTILE:
        response = client.get(reverse("suomifi:mandate_callback"), {"code": value, "state": value})
        assert response.status_code == 302
    assert not MandateCheck.objects.exists() and not Membership.objects.exists()


def test_the_settings_refuse_an_unknown_environment_and_a_missing_certificate(tmp_path):
    from tests.test_settings import PRODUCTION_ENV, run_manage

    result = run_manage("check", env=PRODUCTION_ENV | {"SUOMIFI_IDENTIFICATION": "maybe"})
    assert result.returncode != 0 and "SUOMIFI_IDENTIFICATION must be one of off, test, production" in result.stderr
    result = run_manage("check", env=PRODUCTION_ENV | {"SUOMIFI_IDENTIFICATION": "production"})
    assert result.returncode != 0 and "SUOMIFI_SP_CERTIFICATE_FILE must be set" in result.stderr

    (tmp_path / "sp.crt").write_text("certificate")
    (tmp_path / "sp.key").write_text("key")
    configured = PRODUCTION_ENV | {
        "SUOMIFI_IDENTIFICATION": "production",
        "SUOMIFI_SP_CERTIFICATE_FILE": str(tmp_path / "sp.crt"),
        "SUOMIFI_SP_PRIVATE_KEY_FILE": str(tmp_path / "sp.key"),
        "SUOMIFI_PSEUDONYM_KEY": "a-long-random-pseudonym-key",
    }
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=configured)
    assert result.returncode == 0, result.stdout + result.stderr
    result = run_manage(
        "shell", "-c",
        "from django.conf import settings as s; print(s.SUOMIFI_IDP_ENTITY_ID, s.SUOMIFI_MANDATES_URL,"
        " s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'])",
        env=configured,
    )  # fmt: skip
    assert "https://tunnistautuminen.suomi.fi/idp1 https://asiointivaltuustarkastus.suomi.fi" in result.stdout
    assert "https://tunnistautuminen.suomi.fi" in result.stdout.split("idp1", 1)[1]
    result = run_manage("check", env=configured | {"SUOMIFI_MANDATES_CLIENT_ID": "abcd1234"})
    assert result.returncode != 0 and "SUOMIFI_MANDATES_API_KEY must be set" in result.stderr


def test_when_the_mandate_service_is_down_the_login_works_and_the_person_is_told(client, suomifi, caplog):
    caplog.set_level(logging.DEBUG)
    suomifi.mandates.stop()  # connections to its address are refused from now on
    sign_up(client, suomifi)
    assert "Suomi.fi Mandates: registering a session failed (MandateServiceError)" in caplog.text
    response = client.get(reverse("suomifi:choose"))
    assert response.status_code == 302 and response.url.startswith("/accounts/saml/suomifi/login/")
    response = log_in_with_suomifi(client, suomifi, next_url=reverse("suomifi:choose"))
    assert response.status_code == 302 and response.url == reverse("suomifi:choose")
    response = client.get(reverse("suomifi:choose"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("suomifi:mandates")
    told = [str(message) for message in response.context["messages"]]
    assert "Suomi.fi-valtuudet ei vastannut. Yritä myöhemmin uudelleen." in told  # "did not answer"
    assert PERSON.identity_code not in caplog.text and PERSON.identity_code not in everything_the_portal_holds()


def test_an_expired_mandate_session_is_opened_again_by_a_suomifi_login_on_the_way(client, suomifi):
    """allauth starts a fresh session for a social login of a signed-in person: what the login
    registered (the mandate session, the logout data) must outlive it."""
    sign_up(client, suomifi)
    session = client.session
    session["suomifi_mandates"]["registered_at"] = "2020-01-01T00:00:00+00:00"
    session.save()
    response = client.get(reverse("suomifi:choose"))
    assert response.url.startswith("/accounts/saml/suomifi/login/")
    response = log_in_with_suomifi(client, suomifi, next_url=reverse("suomifi:choose"))
    assert response.url == reverse("suomifi:choose")
    assert len(suomifi.mandates.registered) == 2 and "suomifi_logout" in client.session
    response = client.get(reverse("suomifi:choose"))
    assert response.status_code == 302 and response.url.startswith(suomifi.mandates.url + "/oauth/authorize")
