"""The page cache serves the busiest pages without running their views, but never a page from
before the last write, never one person's page to another, and never a one-off message."""

from __future__ import annotations

import gzip
import json
import threading

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from grants.models import Decision
from organisations.models import Organisation
from portal import pagecache
from tests.conftest import enable_totp
from tests.factories import (
    ApplicationFactory,
    AreaRoleFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    area,
)

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("organisations:directory")


def queries_for(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_a_second_visit_is_served_without_the_view_and_shows_the_same_page(client):
    OrganisationFactory(name_fi="Välimuistin Yhdistys ry")
    client.get(DIRECTORY)  # a first visit gets the CSRF cookie, which the cached page's forms need
    first_queries, first = queries_for(client, DIRECTORY)
    second_queries, second = queries_for(client, DIRECTORY)
    assert "Välimuistin Yhdistys ry" in second
    assert second == first
    assert second_queries == 0 < first_queries


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(lambda: OrganisationFactory(name_fi="Uusi Yhdistys ry"), id="insert"),
        pytest.param(lambda: Organisation.objects.update(name_fi="Uusi Yhdistys ry"), id="bulk update"),
    ],
)
def test_any_write_shows_on_the_next_visit(client, write):
    OrganisationFactory(name_fi="Vanha Yhdistys ry")
    queries_for(client, DIRECTORY)
    write()
    _queries, page = queries_for(client, DIRECTORY)
    assert "Uusi Yhdistys ry" in page


def test_a_write_from_another_connection_shows_after_it_commits(reference_data, client):
    OrganisationFactory(name_fi="Vanha Yhdistys ry")
    queries_for(client, DIRECTORY)

    def elsewhere() -> None:  # as a Celery worker or another web process would
        Organisation.objects.update(name_fi="Toisen Prosessin Yhdistys ry")
        connection.close()

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    _queries, page = queries_for(client, DIRECTORY)
    assert "Toisen Prosessin Yhdistys ry" in page


def test_one_persons_page_is_never_served_to_another(client):
    application = ApplicationFactory.submitted(title="Salainen hanke")
    url = reverse("grants:organisation_applications", args=[application.organisation.pk])
    member = MembershipFactory(organisation=application.organisation).user
    client.force_login(member)
    assert "Salainen hanke" in queries_for(client, url)[1]
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403


def test_a_page_showing_a_one_off_message_is_not_kept(client, settings):
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    client.force_login(AreaRoleFactory.coordinator(area=area("05")).user)
    client.cookies["django_language"] = "en"
    work_list = reverse("grants:work_list", args=["05"])
    client.get(work_list)
    queries_for(client, work_list)
    assert queries_for(client, work_list)[0] <= 3  # served from the cache: only the sign-in checks
    client.post(reverse("grants:bulk_assign", args=["05"]))  # refused with a message, nothing written
    notice = "Choose a reviewer and at least one application."
    assert notice in client.get(work_list).content.decode()
    assert notice not in client.get(work_list).content.decode()


def test_large_open_data_is_sent_compressed_to_clients_that_accept_it(client, monkeypatch):
    monkeypatch.setattr(pagecache, "COMPRESS_OVER_BYTES", 10)
    plain = client.get(reverse("grants:open_data_json"))
    assert "Content-Encoding" not in plain
    compressed = client.get(reverse("grants:open_data_json"), headers={"accept-encoding": "gzip, br"})
    assert compressed["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(compressed.content)) == json.loads(plain.content)
    assert "Accept-Encoding" in compressed["Vary"]
    html = client.get(DIRECTORY, headers={"accept-encoding": "gzip"})
    html = client.get(DIRECTORY, headers={"accept-encoding": "gzip"})
    assert "Content-Encoding" not in html  # pages with tokens are never compressed (BREACH)


def test_a_large_answer_kept_in_memory_still_changes_with_the_next_write(client, monkeypatch):
    monkeypatch.setattr(pagecache, "COMPRESS_OVER_BYTES", 10)
    open_data = reverse("grants:open_data_json")
    assert client.get(open_data).json()["grants"] == []
    assert client.get(open_data).json()["grants"] == []  # from this process's memory
    decided = ApplicationFactory.in_state("decided")
    Decision.objects.filter(application=decided).update(published_at=timezone.now())
    assert [grant["title"] for grant in client.get(open_data).json()["grants"]] == [decided.title]


def test_setting_the_lifetime_to_zero_turns_the_cache_off(client, settings):
    settings.PORTAL_PAGE_CACHE_SECONDS = 0
    queries_for(client, DIRECTORY)
    assert queries_for(client, DIRECTORY)[0] > 0


def test_staff_who_remove_their_authenticator_are_sent_to_set_it_up_again(client, settings):
    settings.PORTAL_REQUIRE_STAFF_MFA = True
    coordinator = AreaRoleFactory.coordinator(area=area("05")).user
    enable_totp(coordinator)
    client.force_login(coordinator)
    dashboard = reverse("portal:area_dashboard", args=["05"])
    for _visit in range(3):  # the last one from the cache
        assert client.get(dashboard).status_code == 200
    Authenticator.objects.filter(user=coordinator).delete()
    response = client.get(dashboard)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


def test_while_one_request_renders_a_page_the_others_wait_for_it(client, monkeypatch):
    monkeypatch.setattr(pagecache, "_key", lambda request: "pagecache:page:directory")
    OrganisationFactory(name_fi="Odottava Yhdistys ry")
    client.get(DIRECTORY)  # the CSRF cookie
    rendered = client.get(DIRECTORY).content
    frozen = cache.get("pagecache:page:directory")
    cache.delete("pagecache:page:directory")
    cache.add("pagecache:page:directory:rendering", 1)  # another request is rendering it
    threading.Timer(0.3, cache.set, ["pagecache:page:directory", frozen]).start()
    with CaptureQueriesContext(connection) as queries:
        waited = client.get(DIRECTORY)
    assert waited.content == rendered
    assert len(queries) == 0


def test_a_request_renders_the_page_itself_when_the_other_renderer_gives_up(client, monkeypatch):
    monkeypatch.setattr(pagecache, "_key", lambda request: "pagecache:page:directory")
    OrganisationFactory(name_fi="Odottava Yhdistys ry")
    client.get(DIRECTORY)
    cache.add("pagecache:page:directory:rendering", 1)
    threading.Timer(0.3, cache.delete, ["pagecache:page:directory:rendering"]).start()
    assert "Odottava Yhdistys ry" in client.get(DIRECTORY).content.decode()


def test_a_transaction_raises_the_generation_once_more_at_commit_however_many_writes(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks() as callbacks:
        for number in range(5):
            OrganisationFactory(name_fi=f"Yhdistys {number} ry")
    assert callbacks.count(pagecache.bump) == 1
