"""An invitation survives signing up, verifying the address and logging in, and is offered on arrival."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from organisations.models import Membership
from tests.conftest import PASSWORD
from tests.factories import InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-fresh-and-long-passphrase-42"


@pytest.fixture
def client(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def sign_up(client: Client, email: str) -> None:
    client.post(
        reverse("account_signup"),
        {"full_name": "Kaisa Kutsuttu", "email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )


def confirmation_link() -> str:
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", mail.outbox[-1].body).group(1)


def text(response) -> str:
    return " ".join(response.content.decode().split())


def test_a_person_without_an_account_sees_the_invitation_and_how_to_accept_it(client):
    invitation = InvitationFactory(email="kaisa@example.org", organisation__name_fi="Kuopion Kuurojen Yhdistys ry")
    response = client.get(reverse("organisations:invitation", kwargs={"token": invitation.token}))
    assert response.status_code == 200
    page = text(response)
    assert "Invitation to Kuopion Kuurojen Yhdistys ry" in page
    assert "The invitation was sent to kaisa@example.org." in page
    path = reverse("organisations:invitation", kwargs={"token": invitation.token})
    assert f'href="{reverse("account_signup")}?next={path}"' in page


def test_the_invitation_opens_after_signing_up_and_verifying_in_the_same_browser(client):
    invitation = InvitationFactory(email="kaisa@example.org")
    path = reverse("organisations:invitation", kwargs={"token": invitation.token})
    client.get(path)
    # The person signs up from the menu, not from the invitation's own link.
    sign_up(client, "kaisa@example.org")
    response = client.post(confirmation_link())
    assert response.status_code == 302
    assert response.url == path  # logged in by the link, and back at the invitation
    response = client.get(path)
    assert "Accept the invitation" in text(response)
    client.post(path)
    assert Membership.objects.filter(user__email="kaisa@example.org", organisation=invitation.organisation).exists()
    # Accepted, it is not offered again.
    assert "Invitations waiting for you" not in text(client.get(reverse("workspace:home")))


def test_the_invitation_opens_after_a_later_login(client):
    invitation = InvitationFactory(email="kaisa@example.org")
    path = reverse("organisations:invitation", kwargs={"token": invitation.token})
    UserFactory(email="kaisa@example.org")
    client.get(path)
    response = client.post(reverse("account_login"), {"login": "kaisa@example.org", "password": PASSWORD})
    assert response.url == path


def test_an_invitation_confirmed_in_another_browser_is_offered_on_the_workspace(client):
    invitation = InvitationFactory(email="kaisa@example.org", organisation__name_fi="Kuopion Kuurojen Yhdistys ry")
    client.get(reverse("organisations:invitation", kwargs={"token": invitation.token}))
    sign_up(client, "kaisa@example.org")
    phone = Client()  # the email is opened on the phone
    phone.cookies["django_language"] = "en"
    phone.post(confirmation_link())
    response = phone.post(reverse("account_login"), {"login": "kaisa@example.org", "password": NEW_PASSWORD})
    assert response.url == reverse("workspace:home")
    page = text(phone.get(response.url))
    assert "Invitations waiting for you" in page
    assert "Kuopion Kuurojen Yhdistys ry invites you (kaisa@example.org) to join as member." in page
    phone.post(reverse("organisations:invitation", kwargs={"token": invitation.token}))
    assert Membership.objects.filter(user__email="kaisa@example.org", organisation=invitation.organisation).exists()


def test_the_workspace_offers_only_usable_invitations_to_the_persons_verified_addresses(client):
    user = UserFactory(email="kaisa@example.org", preferred_language="en")
    InvitationFactory(email="kaisa@example.org", organisation__name_fi="Kutsuva ry")
    InvitationFactory.expired(email="kaisa@example.org", organisation__name_fi="Vanhentunut ry")
    InvitationFactory(email="joku.muu@example.org", organisation__name_fi="Toisen kutsu ry")
    client.force_login(user)
    page = text(client.get(reverse("workspace:home")))
    assert "Join Kutsuva ry" in page
    assert "Vanhentunut ry" not in page
    assert "Toisen kutsu ry" not in page


def test_logged_in_with_another_address_the_page_says_what_to_do(client):
    invitation = InvitationFactory(email="kaisa@tyo.example.org")
    client.force_login(UserFactory(email="kaisa@koti.example.org", preferred_language="en"))
    page = text(client.get(reverse("organisations:invitation", kwargs={"token": invitation.token})))
    assert "The invitation was sent to kaisa@tyo.example.org, and you are logged in as kaisa@koti.example.org." in page
    assert "Accept the invitation" not in page


def test_accepting_needs_a_login(client):
    invitation = InvitationFactory(email="kaisa@example.org")
    path = reverse("organisations:invitation", kwargs={"token": invitation.token})
    response = client.post(path)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not Membership.objects.exists()


def test_a_used_invitation_is_not_kept_for_after_the_login(client):
    admin = MembershipFactory.admin().user
    invitation = InvitationFactory(email="kaisa@example.org", organisation=admin.memberships.get().organisation)
    invitation.accepted_by = admin
    invitation.accepted_at = invitation.created_at
    invitation.save()
    UserFactory(email="kaisa@example.org")
    response = client.get(reverse("organisations:invitation", kwargs={"token": invitation.token}))
    assert "already been used or has expired" in text(response)
    response = client.post(reverse("account_login"), {"login": "kaisa@example.org", "password": PASSWORD})
    assert response.url == reverse("workspace:home")
