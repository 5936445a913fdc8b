from __future__ import annotations

import datetime
import re

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from django.views.defaults import server_error

from funding.models import ContinuityReport
from portal import charts
from tests.factories import (
    ApplicationFactory,
    AreaRoleFactory,
    FamilyCentreFactory,
    GrantCallFactory,
    UserFactory,
    area,
)

pytestmark = pytest.mark.django_db


def test_area_page_lists_municipalities_and_current_coordinators(client):
    coordinator = AreaRoleFactory.coordinator(area=area("05")).user
    former = AreaRoleFactory.expired(area=area("05")).user
    elsewhere = AreaRoleFactory.coordinator(area=area("90")).user
    html = client.get(reverse("portal:area_detail", kwargs={"code": "05"})).content.decode()
    assert "Varsinais-Suomen hyvinvointialue" in html
    assert "Turku" in html and "Salo" in html and "Helsinki" not in html
    assert coordinator.email in html
    assert former.email not in html and elsewhere.email not in html


def test_area_page_says_when_no_coordinator_is_named(client):
    response = client.get(reverse("portal:area_detail", kwargs={"code": "90"}), HTTP_ACCEPT_LANGUAGE="en")
    assert "has not named an NGO coordinator" in response.content.decode()


def test_area_list_shows_all_areas(client):
    html = client.get(reverse("portal:area_list")).content.decode()
    assert len(re.findall(r'href="/areas/\d\d/"', html)) == 22


def test_unknown_area_is_a_translated_404(client):
    client.cookies["django_language"] = "sv"
    response = client.get(reverse("portal:area_detail", kwargs={"code": "99"}))
    assert response.status_code == 404
    assert "Sidan hittades inte" in response.content.decode()


def test_forbidden_page_is_translated(client):
    client.force_login(UserFactory())
    response = client.get(reverse("workspace:area", kwargs={"code": "05"}))
    assert response.status_code == 403
    assert "Ei käyttöoikeutta" in response.content.decode()


@pytest.mark.parametrize(("language", "text"), [("fi", "Jokin meni vikaan"), ("sv", "Något gick fel")])
def test_server_error_page_is_translated(language, text):
    with translation.override(language):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert text in response.content.decode()


def test_language_switch_is_remembered_in_the_browser_and_on_the_account(client):
    user = UserFactory(preferred_language="fi")
    client.force_login(user)
    response = client.post(reverse("portal:set_language"), {"language": "sv", "next": "/areas/"})
    assert response.status_code == 302
    assert response.url == "/areas/"
    user.refresh_from_db()
    assert user.preferred_language == "sv"
    assert "Välfärdsområden" in client.get("/areas/").content.decode()


def test_a_logged_in_user_gets_their_own_language_on_a_new_device(client):
    client.force_login(UserFactory(preferred_language="en"))
    assert "Wellbeing services counties" in client.get("/areas/").content.decode()


def test_language_switch_refuses_an_unknown_language_and_an_outside_next(client):
    response = client.post(reverse("portal:set_language"), {"language": "xx", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert "evil.example" not in response.url


@pytest.mark.parametrize(
    ("persona", "visible", "hidden"),
    [
        ("anonymous", {"Log in", "Wellbeing areas"}, {"My workspace", "Area work", "Administration"}),
        ("ngo_member", {"My workspace", "Log out"}, {"Area work", "Administration", "Log in"}),
        (
            "coordinator",
            {"My workspace", "Area work: Wellbeing services county of Southwest Finland"},
            {"Administration"},
        ),
        ("councillor", {"Area work: Wellbeing services county of Southwest Finland"}, {"Administration"}),
        ("operator", {"Administration"}, {"Area work"}),
    ],
)
def test_navigation_shows_each_role_what_it_can_do(client, world, persona, visible, hidden):
    if persona != "anonymous":
        client.force_login(getattr(world, persona))
    client.cookies["django_language"] = "en"
    html = client.get(reverse("home")).content.decode()
    for label in visible:
        assert label in html, label
    for label in hidden:
        assert label not in html, label


def test_workspace_lists_memberships_and_roles_with_their_duties(client, world):
    client.force_login(world.ngo_admin)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("workspace:home")).content.decode()
    assert world.organisation.name_fi in html and "Administrator" in html

    client.force_login(world.coordinator)
    html = client.get(reverse("workspace:home")).content.decode()
    assert "NGO coordinator" in html and "Publishes grant calls" in html


def test_the_area_dashboard_shows_the_areas_figures(client, settings):
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    call = GrantCallFactory(funding_year=2027, budget=50000)
    ApplicationFactory.submitted(call=call)
    FamilyCentreFactory(name_fi="Yksin jäänyt perhekeskus")
    client.force_login(AreaRoleFactory.councillor(area=area("05")).user)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("workspace:dashboard", kwargs={"code": "05"}), {"year": "2027"}).content.decode()
    assert call.title_fi in html
    assert "50,000.00" in html
    assert "Yksin jäänyt perhekeskus" in html
    assert "Submitted" in html
    assert 'role="img"' in html


def test_the_dashboard_offers_the_years_and_links_the_latest_published_report(client, settings):
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    GrantCallFactory(funding_year=2025, title_fi="Vuoden 2025 yleisavustukset", budget=40000)
    GrantCallFactory(funding_year=2026, title_fi="Vuoden 2026 yleisavustukset", budget=50000)
    older = ContinuityReport.objects.create(
        area=area("05"), year=2025, baseline_year=2024, state="succeeded",
        published_at=timezone.now() - datetime.timedelta(days=30),
    )  # fmt: skip
    latest = ContinuityReport.objects.create(
        area=area("05"), year=2026, baseline_year=2025, state="succeeded", published_at=timezone.now()
    )
    ContinuityReport.objects.create(area=area("05"), year=2027, baseline_year=2026, state="succeeded")  # a draft
    dashboard = reverse("workspace:dashboard", kwargs={"code": "05"})
    client.cookies["django_language"] = "en"
    client.force_login(AreaRoleFactory.councillor(area=area("05")).user)

    html = client.get(dashboard, {"year": "2025"}).content.decode()
    assert "Vuoden 2025 yleisavustukset" in html and "Vuoden 2026 yleisavustukset" not in html
    assert '<option value="2025" selected>2025</option>' in html
    years = re.findall(r'<option value="(\d{4})"', html)
    assert years[0] == str(timezone.localdate().year + 1) and years[-1] == "2023"
    assert f'href="{reverse("funding:report_html", kwargs={"pk": latest.pk})}"' in html
    assert "The latest published continuity report: 2026 compared with 2025" in html
    assert reverse("funding:report_html", kwargs={"pk": older.pk}) not in html

    # A decision-maker sees the dashboard but reads no reports: no link to one.
    client.force_login(AreaRoleFactory.decision_maker(area=area("05")).user)
    html = client.get(dashboard).content.decode()
    assert "The latest published continuity report" not in html


def test_chart_labels_are_wrapped_above_their_bars_never_cut():
    label = "Pitkäaikaissairaat ja heidän läheisensä sekä omaishoitajat ja muistisairaiden perheet"
    svg = charts.bar_chart("Teemat", [(label, 12), ("Lapset", 3)])
    lines = re.findall(r'<text x="0" y="\d+" font-size="13">([^<]*)</text>', svg)
    assert " ".join(lines[:-1]) == label and lines[-1] == "Lapset"
    assert all(len(line) <= charts.LABEL_CHARACTERS for line in lines)
