"""Public lists kept in the cache until what they show changes, and only then."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grants import services
from portal.fragments import version_key
from tests.factories import (
    GROUNDS,
    ApplicationFactory,
    AreaRoleFactory,
    FamilyCentreActivityFactory,
    FamilyCentreFactory,
    OrganisationFactory,
    area,
)

pytestmark = pytest.mark.django_db


def directory(client) -> str:
    return client.get(reverse("organisations:directory"), {"area": "05"}).content.decode()


def test_the_directory_shows_a_renamed_organisation_at_once(client, django_capture_on_commit_callbacks):
    organisation = OrganisationFactory.in_area("05", name_fi="Vanha Nimi ry")
    assert "Vanha Nimi ry" in directory(client)
    with django_capture_on_commit_callbacks(execute=True):
        organisation.name_fi = "Uusi Nimi ry"
        organisation.save()
    html = directory(client)
    assert "Uusi Nimi ry" in html and "Vanha Nimi ry" not in html


def test_a_saved_draft_keeps_the_public_lists_but_a_decision_renews_them(
    client, settings, django_capture_on_commit_callbacks
):
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    draft = ApplicationFactory(title="Luonnos")
    applied = ApplicationFactory.in_review(call=draft.call, title="Päätettävä hanke", requested_amount=5000)
    decisions = reverse("grants:decisions", kwargs={"code": "05"})
    client.get(decisions)
    shared = caches["fragment-versions"]
    versions = shared.get_many([version_key(topic) for topic in ("grants", "organisations", "reference")])
    assert len(versions) == 3
    with django_capture_on_commit_callbacks(execute=True):
        draft.title = "Luonnos, tallennettu uudelleen"
        draft.save()
    assert shared.get_many(list(versions)) == versions  # nothing on a public page changed
    coordinator = AreaRoleFactory.coordinator(area=area("05")).user
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(
            applied, coordinator, outcome="approved", amount=Decimal(5000), rationale=GROUNDS, report_due_on=None
        )
        services.publish_decisions(applied.call)
    assert "Päätettävä hanke" in client.get(decisions).content.decode()


def test_an_activity_added_to_a_centre_is_listed_at_once(client, django_capture_on_commit_callbacks):
    centre = FamilyCentreFactory()
    page = reverse("familycentre:area_centres", kwargs={"code": centre.area.code})
    assert "Perhekahvila" not in client.get(page).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        FamilyCentreActivityFactory(name_fi="Perhekahvila", centres=[centre])
    assert "Perhekahvila" in client.get(page).content.decode()


def test_without_the_cache_the_lists_are_rendered_as_usual(client, monkeypatch):
    OrganisationFactory.in_area("05", name_fi="Aina Näkyvä ry")

    class Unreachable:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise ConnectionError("the cache is down")

            return fail

    monkeypatch.setattr("portal.fragments.caches", {"fragment-versions": Unreachable(), "fragments": Unreachable()})
    assert "Aina Näkyvä ry" in directory(client)


def test_a_free_text_search_is_not_kept(client):
    for number in range(5):
        client.get(reverse("organisations:directory"), {"q": f"haku {number}"})
    assert len(caches["fragments"]._cache) == 0
    client.get(reverse("organisations:directory"), {"area": "05", "q": ""})
    assert len(caches["fragments"]._cache) == 1


def test_publishing_a_report_or_changing_an_agreement_renews_the_dashboard(django_capture_on_commit_callbacks):
    from funding import reports
    from funding.models import ContinuityReport
    from tests.factories import AgreementFactory

    shared = caches["fragment-versions"]
    shared.set_many({version_key("figures"): "old", version_key("agreements"): "old"})
    report = ContinuityReport.objects.create(area=area("05"), year=2026, baseline_year=2025, state="succeeded")
    with django_capture_on_commit_callbacks(execute=True):
        assert reports.publish(report, AreaRoleFactory.coordinator(area=area("05")).user)
    assert shared.get(version_key("figures")) != "old"
    with django_capture_on_commit_callbacks(execute=True):
        AgreementFactory()
    assert shared.get(version_key("agreements")) != "old"


def test_changes_made_by_update_renew_the_lists_too(client, settings, django_capture_on_commit_callbacks):
    """Publishing and closing change rows with QuerySet.update(), which sends no signal."""
    from organisations import services as organisation_services

    settings.PORTAL_REQUIRE_STAFF_MFA = False
    coordinator = AreaRoleFactory.coordinator(area=area("05")).user
    applied = ApplicationFactory.in_review(title="Julkaistava hanke", requested_amount=5000)
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(
            applied, coordinator, outcome="approved", amount=Decimal(5000), rationale=GROUNDS, report_due_on=None
        )
    decisions = reverse("grants:decisions", kwargs={"code": "05"})
    assert "Julkaistava hanke" not in client.get(decisions).content.decode()  # kept: not yet published
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_decisions(applied.call)
    assert "Julkaistava hanke" in client.get(decisions).content.decode()

    closing = OrganisationFactory.in_area("05", name_fi="Lopettava Yhdistys ry")
    assert "Lopettava Yhdistys ry" in directory(client)
    with django_capture_on_commit_callbacks(execute=True):
        organisation_services.close(closing, coordinator)
    assert "Lopettava Yhdistys ry" not in directory(client)


def test_the_dashboard_reads_the_versions_of_its_five_sections_in_one_lookup(client, monkeypatch):
    from tests.factories import enable_totp

    coordinator = AreaRoleFactory.coordinator(area=area("05")).user
    enable_totp(coordinator)
    client.force_login(coordinator)
    dashboard = reverse("workspace:dashboard", kwargs={"code": "05"})
    assert client.get(dashboard).status_code == 200
    shared = caches["fragment-versions"]
    lookups: list[list[str]] = []
    get_many = shared.get_many

    def counted(keys, *args, **kwargs):
        lookups.append(list(keys))
        return get_many(keys, *args, **kwargs)

    monkeypatch.setattr(shared, "get_many", counted)
    assert client.get(dashboard).status_code == 200
    sections = [keys for keys in lookups if version_key("figures") in keys or version_key("grants") in keys]
    assert len(sections) == 1  # not one per section


def test_a_family_centre_added_or_renamed_is_listed_at_once(client):
    centre = FamilyCentreFactory(name_fi="Itäinen perhekeskus")
    page = reverse("familycentre:area_centres", kwargs={"code": centre.area.code})
    assert "Itäinen perhekeskus" in client.get(page).content.decode()
    FamilyCentreFactory(area=centre.area, name_fi="Läntinen perhekeskus")
    centre.name_fi = "Idän perhekeskus"
    centre.save()
    shown = client.get(page).content.decode()
    assert "Läntinen perhekeskus" in shown and "Idän perhekeskus" in shown and "Itäinen perhekeskus" not in shown


def test_an_area_is_read_once_and_a_new_name_shows_on_the_next_page(client):
    page = reverse("portal:area_detail", kwargs={"code": "05"})
    client.cookies["django_language"] = "fi"
    assert "Varsinais-Suomen hyvinvointialue" in client.get(page).content.decode()
    with CaptureQueriesContext(connection) as queries:
        client.get(page)
    assert not [q for q in queries if 'FROM "portal_welfarearea"' in q["sql"] and '"code" =' in q["sql"]]
    renamed = area("05")
    renamed.name_fi = "Varsinais-Suomen hyvinvointialue (uusi nimi)"
    renamed.save()
    assert "Varsinais-Suomen hyvinvointialue (uusi nimi)" in client.get(page).content.decode()
