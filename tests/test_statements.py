"""The statements a public e-service must publish (issue 16): the accessibility statement with its
feedback channel to the operators, the privacy notice with the controller's details kept by the
operators, and the front door where a family types its municipality."""

from __future__ import annotations

import datetime
import re
from html import unescape

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from portal import personal_data, statements
from portal.models import AccessibilityFeedback, ControllerDetails, Municipality
from tests.factories import (
    FamilyCentreActivityFactory,
    FamilyCentreFactory,
    GrantCallFactory,
    OrganisationFactory,
    UserFactory,
    area,
)

pytestmark = pytest.mark.django_db

FEEDBACK = {"name": "Maija Meikäläinen", "email": "maija@example.org", "page": "Hakemus", "message": "Kenttä ei näy."}


def page(client, name: str, language: str = "en", **kwargs: object) -> str:
    client.cookies["django_language"] = language
    response = client.get(reverse(name, kwargs=kwargs or None))
    assert response.status_code == 200
    return response.content.decode()


def text(html: str) -> str:
    """What a person reads: the page without its tags, spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


# --- The footer -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["home", "organisations:directory", "grants:calls", "account_login", "account_signup"])
def test_the_footer_of_every_page_links_to_both_statements(client, name):
    html = page(client, name)
    footer = html.partition('<footer class="site-footer">')[2]
    assert f'href="{reverse("portal:accessibility")}">Accessibility statement</a>' in footer
    assert f'href="{reverse("portal:privacy")}">Privacy notice</a>' in footer


def test_the_footer_is_on_the_not_found_page_too(client):
    client.cookies["django_language"] = "fi"
    html = client.get("/no-such-page/").content.decode()
    assert "Saavutettavuusseloste" in html and "Tietosuojaseloste" in html


def test_the_sign_up_page_links_to_the_privacy_notice(client):
    main = page(client, "account_signup").partition("<main")[2].partition("</main>")[0]
    assert f'<a href="{reverse("portal:privacy")}">privacy notice</a>' in main


# --- The accessibility statement ------------------------------------------------------------------


def test_the_accessibility_statement_says_how_accessible_the_portal_is_and_who_supervises(client):
    shown = text(page(client, "portal:accessibility"))
    assert "partially conforms to level AA of the Web Content Accessibility Guidelines (WCAG) 2.1" in shown
    assert "The accessibility was last assessed on 1 December 2026" in shown or "1.12.2026" in shown
    assert "axe-core" in shown and "320 pixels wide" in shown
    assert "Date fields use the browser's own date picker" in shown
    assert "Finnish Transport and Communications Agency Traficom" in shown
    assert "saavutettavuus@traficom.fi" in shown


@pytest.mark.parametrize(
    ("language", "phrases"),
    [
        ("fi", ["Saavutettavuusseloste", "WCAG", "Saavutettavuusvalvonta", "www.saavutettavuusvaatimukset.fi"]),
        ("sv", ["Tillgänglighetsutlåtande", "WCAG", "Tillgänglighetstillsynen", "www.webbtillganglighet.fi"]),
    ],
)
def test_the_accessibility_statement_is_in_finnish_and_swedish(client, language, phrases):
    shown = text(page(client, "portal:accessibility", language))
    for phrase in phrases:
        assert phrase in shown


def test_feedback_is_kept_emailed_to_every_operator_and_confirmed_to_the_sender(
    client, django_capture_on_commit_callbacks
):
    operator = UserFactory(is_staff=True, preferred_language="sv")
    superuser = UserFactory(is_superuser=True, preferred_language="fi")
    UserFactory(is_staff=True, is_active=False)  # left: not asked
    UserFactory()  # an ordinary user: not asked
    client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:accessibility"), FEEDBACK, follow=True)
    feedback = AccessibilityFeedback.objects.get()
    assert (feedback.name, feedback.email, feedback.page, feedback.message, feedback.language) == (
        "Maija Meikäläinen", "maija@example.org", "Hakemus", "Kenttä ei näy.", "en"
    )  # fmt: skip
    assert feedback.answered_at is None
    due = timezone.localtime(feedback.created_at + datetime.timedelta(days=14))
    shown = text(response.content.decode())
    assert f"Thank you. Your feedback was sent to the portal's operators. They answer it by {due:%-d.%-m.%Y}" in shown
    assert sorted(m.to[0] for m in mail.outbox) == sorted([operator.email, superuser.email])
    to_operator = next(m for m in mail.outbox if m.to == [operator.email])
    assert f"{due:%Y-%m-%d}" in to_operator.subject  # in Swedish, where dates are ISO
    assert "Kenttä ei näy." in to_operator.body and "maija@example.org" in to_operator.body
    assert f"/admin/portal/accessibilityfeedback/{feedback.pk}/change/" in to_operator.body
    to_superuser = next(m for m in mail.outbox if m.to == [superuser.email])
    assert "14 päivän" in to_superuser.body


def test_the_name_is_optional_but_an_email_and_a_message_are_needed(client):
    client.cookies["django_language"] = "en"
    response = client.post(reverse("portal:accessibility"), {"email": "not an email", "message": "  "})
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert 'id="id_email_error"' in html and 'id="id_message_error"' in html
    assert 'id="id_name_error"' not in html
    assert "Write your feedback." in html
    assert 'value="not an email"' in html  # what was typed stays
    assert not AccessibilityFeedback.objects.exists() and mail.outbox == []
    response = client.post(reverse("portal:accessibility"), {"email": "a@example.org", "message": "Ei nimeä."})
    assert response.status_code == 302 and AccessibilityFeedback.objects.get().name == ""


def test_feedback_is_rate_limited_per_address(client):
    cache.clear()
    client.cookies["django_language"] = "en"
    for _ in range(5):
        assert client.post(reverse("portal:accessibility"), FEEDBACK).status_code == 302
    response = client.post(reverse("portal:accessibility"), FEEDBACK)
    assert "You have sent several messages in a short time" in response.content.decode()
    assert AccessibilityFeedback.objects.count() == 5
    cache.clear()


def test_operators_read_feedback_in_the_admin_and_mark_it_answered(client, world):
    feedback = AccessibilityFeedback.objects.create(email="maija@example.org", message="Kenttä ei näy.", language="fi")
    client.force_login(world.operator)
    changelist = reverse("admin:portal_accessibilityfeedback_changelist")
    assert "maija@example.org" in client.get(changelist).content.decode()
    detail = client.get(reverse("admin:portal_accessibilityfeedback_change", args=[feedback.pk])).content.decode()
    assert "Kenttä ei näy." in detail
    client.post(changelist, {"action": "mark_answered", "_selected_action": [feedback.pk]})
    feedback.refresh_from_db()
    assert feedback.answered_at is not None


# --- The privacy notice ---------------------------------------------------------------------------


def test_the_privacy_notice_says_what_it_must_and_links_to_the_rights(client):
    html = page(client, "portal:privacy")
    shown = text(html)
    for phrase in [
        "The controller is the wellbeing services county that operates the portal",  # nothing entered yet
        "Every wellbeing services county has a data protection officer",
        "GDPR Article 6(1)(e)",
        "It names no natural persons",
        "kept while the account exists",
        "Every night the portal removes: accounts never verified nor used, twelve months after sign-up",
        "Office of the Data Protection Ombudsman",
        "tietosuoja@om.fi",
    ]:
        assert phrase in shown, phrase
    for name in ("portal:my_data", "portal:delete_account", "portal:profile"):
        assert f'href="{reverse(name)}"' in html
    # What the apps declare they hold about a person, and what deleting the account does.
    assert "Your memberships in organisations deleted" in shown
    assert "Applications you created or sent kept, with your name removed" in shown


def test_every_section_of_a_persons_data_has_a_name_in_the_privacy_notice():
    assert {d.section for d in personal_data.DECLARATIONS} - statements.SECTIONS.keys() == set()


def test_the_operator_enters_the_controller_and_the_notice_names_it_in_the_readers_language(client):
    ControllerDetails.objects.create(
        name_fi="Varsinais-Suomen hyvinvointialue",
        name_sv="Egentliga Finlands välfärdsområde",
        address="PL 52\n20521 Turku",
        email="kirjaamo@varha.fi",
        dpo_name="Tietosuojavastaava",
        dpo_email="tietosuoja@varha.fi",
    )
    shown_fi = text(page(client, "portal:privacy", "fi"))
    assert "Varsinais-Suomen hyvinvointialue" in shown_fi and "PL 52 20521 Turku" in shown_fi
    assert "kirjaamo@varha.fi" in shown_fi and "tietosuoja@varha.fi" in shown_fi
    assert "Rekisterinpitäjä" in shown_fi and "Tietosuojavaltuutetun toimisto" in shown_fi
    shown_sv = text(page(client, "portal:privacy", "sv"))
    assert "Egentliga Finlands välfärdsområde" in shown_sv and "Dataombudsmannens byrå" in shown_sv


def test_the_operator_edits_the_controller_in_the_admin_and_adds_no_second_one(client, world):
    client.force_login(world.operator)
    add = reverse("admin:portal_controllerdetails_add")
    assert client.get(add).status_code == 200
    client.post(add, {"name_fi": "Alue", "name_sv": "Området", "email": "kirjaamo@example.org"})
    assert ControllerDetails.objects.get().name_sv == "Området"
    assert client.get(add).status_code == 403


# --- The front door -------------------------------------------------------------------------------


def test_the_front_page_lists_the_open_calls(client):
    open_call = GrantCallFactory(title_fi="Perheiden avustukset 2027")
    GrantCallFactory(title_fi="Tuleva haku", opens_at=timezone.now() + datetime.timedelta(days=3))
    GrantCallFactory(title_fi="Luonnos", published_at=None)
    html = page(client, "home")
    assert f'href="{reverse("grants:call", kwargs={"pk": open_call.pk})}">Perheiden avustukset 2027</a>' in html
    assert "Tuleva haku" not in html and "Luonnos" not in html


@pytest.mark.parametrize(
    ("language", "typed", "code"),
    [
        ("sv", "Esbo", "049"),
        ("fi", "esbo", "049"),
        ("fi", "  ESPOO ", "049"),
        ("sv", "åbo", "853"),
        ("en", "Turku", "853"),
        ("fi", "MÄNTTÄ-VILPPULA", "508"),
    ],
)
def test_a_municipality_typed_in_finnish_or_swedish_leads_to_its_page(client, language, typed, code):
    client.cookies["django_language"] = language
    response = client.get(reverse("home"), {"municipality": typed})
    assert response.status_code == 302
    assert response.url == reverse("municipality", kwargs={"code": code})


def test_an_unknown_municipality_is_said_next_to_the_field_keeping_what_was_typed(client):
    client.cookies["django_language"] = "sv"
    html = client.get(reverse("home"), {"municipality": "Atlantis"}).content.decode()
    assert 'class="error-summary"' in html
    error = html.partition('id="id_municipality_error"')[2].partition("</div>")[0]
    assert "Atlantis" in error and "kommun" in error
    assert 'value="Atlantis"' in html
    html = client.get(reverse("home"), {"municipality": ""}).content.decode()
    assert 'id="id_municipality_error"' in html


def test_the_municipality_page_shows_its_activities_organisations_and_the_areas_calls(client):
    turku = Municipality.objects.get(code="853")
    salo = Municipality.objects.get(code="734")
    centre = FamilyCentreFactory(name_fi="Turun perhekeskus")
    centre.municipalities.set([turku])
    elsewhere = FamilyCentreFactory(name_fi="Salon perhekeskus")
    elsewhere.municipalities.set([salo])
    FamilyCentreActivityFactory(name_fi="Vauvakahvila", name_sv="Babycafé", centres=[centre])
    FamilyCentreActivityFactory(name_fi="Salon isäryhmä", centres=[elsewhere])
    here = OrganisationFactory(name_fi="Turun Perheet ry", home_municipality=turku)
    OrganisationFactory(name_fi="Salon Seniorit ry", home_municipality=salo)
    GrantCallFactory(title_fi="Varsinais-Suomen haku", title_sv="Egentliga Finlands ansökan")
    GrantCallFactory(title_fi="Helsingin haku", area=area("90"))

    shown = text(page(client, "municipality", "sv", code="853"))
    assert "Familjer i Åbo" in shown
    assert "Babycafé" in shown and "Salons isäryhmä" not in shown and "Salon isäryhmä" not in shown
    assert "Turun Perheet ry" in shown and "Salon Seniorit ry" not in shown
    assert "Egentliga Finlands ansökan" in shown and "Helsingin haku" not in shown
    html = page(client, "municipality", "sv", code="853")
    assert f'href="{reverse("organisations:detail", kwargs={"pk": here.pk})}"' in html
    assert f'href="{reverse("organisations:directory")}?municipality=853"' in html
    assert f'href="{reverse("familycentre:area_centres", kwargs={"code": "05"})}?municipality=853"' in html


def test_a_municipality_page_that_does_not_exist_is_not_found(client):
    assert client.get(reverse("municipality", kwargs={"code": "999"})).status_code == 404
    assert client.get("/municipalities/%00/").status_code == 404


def test_the_area_page_links_each_municipality_to_its_page_for_families(client):
    html = page(client, "portal:area_detail", "sv", code="05")
    assert f'<a href="{reverse("municipality", kwargs={"code": "853"})}">Åbo</a>' in html
