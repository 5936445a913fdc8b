"""PRH's association register (the YTJ open data): the client reads the recorded answers, retries
and times out against a stand-in server, fills in the registration form, shows the coordinator
where the portal and the register differ, and the weekly job flags dissolved and renamed
organisations to the area's coordinators once."""

from __future__ import annotations

import datetime
import html
import re
import time
import uuid

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from organisations import register, services, tasks
from organisations.demo import business_id
from organisations.models import Organisation, RegisterExtract, RegisterFinding
from organisations.register import RegisterError
from organisations.tasks import refresh_from_register
from portal.models import Municipality, Theme
from tests import prh
from tests.conftest import once
from tests.factories import AreaRoleFactory, MembershipFactory, OrganisationFactory, UserFactory, area
from tests.workers import worker

REGISTER = reverse("organisations:register")


def lookup_page(client, business_id: str):
    return client.get(REGISTER, {"lookup-business_id": business_id})


def text_of(response) -> str:
    """The page as read: tags out, entities and white space as shown."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def input_value(content: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', content)
    assert tag is not None, f"no field {name}"
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return html.unescape(value.group(1)) if value else ""


# --- The client and the recorded answers --------------------------------------------------------


@pytest.mark.django_db
def test_an_active_association_is_read_from_the_recorded_answer(prh_register):
    company = register.fetch(prh.ACTIVE)
    assert prh_register.asked == [prh.ACTIVE]
    assert company is not None
    assert company.business_id == prh.ACTIVE
    assert company.name == "Turun Seudun Omaishoitajat ry"
    assert [name.name for name in company.other_names] == ["Åbonejdens Närståendevårdare rf"]
    assert company.former_names == []
    assert company.registered == datetime.date(1992, 5, 14)
    assert company.business_id_given == datetime.date(1992, 6, 2)
    assert not company.dissolved and company.ended is None
    assert company.domicile_code == "853"
    with translation.override("fi"):
        assert company.address is not None and company.address.text == "Eerikinkatu 4 A, 20100 Turku"
        assert company.form == "Aatteellinen yhdistys"
    with translation.override("sv"):
        assert company.address.text == "Eerikinkatu 4 A, 20100 Åbo"
        assert company.form == "Ideell förening"


@pytest.mark.django_db
def test_a_dissolved_association_has_its_end_date():
    company = register.fetch(prh.DISSOLVED)
    assert company is not None and company.dissolved
    assert company.ended == datetime.date(2025, 11, 30)
    assert company.name == "Naantalin Nuorisoseura ry"
    assert company.domicile_code == "529"  # from its postal address, the only one it has


@pytest.mark.django_db
def test_a_renamed_association_has_its_new_name_and_the_former_one():
    company = register.fetch(prh.RENAMED)
    assert company is not None and not company.dissolved
    assert company.name == "Salon Seudun Mielenterveysyhdistys Salmi ry"
    assert [(name.name, name.ended) for name in company.former_names] == [
        ("Salon Mielenterveysseura ry", datetime.date(2026, 3, 2))
    ]


@pytest.mark.django_db
def test_a_business_id_the_register_does_not_know_is_none(prh_register):
    assert register.fetch(prh.UNKNOWN) is None
    assert prh_register.asked == [prh.UNKNOWN]


def test_an_answer_that_is_not_a_company_is_a_bad_response():
    with pytest.raises(RegisterError) as raised:
        register.parse({"names": []})
    assert raised.value.reason == RegisterError.BAD_RESPONSE
    with pytest.raises(RegisterError):
        register.company_of(["not", "an", "answer"], prh.ACTIVE)


# --- Timeouts and retries, against a stand-in server --------------------------------------------


def test_a_5xx_answer_is_retried_and_the_next_answer_used(settings):
    with prh.StandIn([503, prh.recorded(prh.ACTIVE)]).running() as stand_in:
        settings.PORTAL_PRH_URL = stand_in.url
        company = register.fetch(prh.ACTIVE, retries=2)
    assert company is not None and company.name == "Turun Seudun Omaishoitajat ry"
    assert len(stand_in.requests) == 2
    assert all(f"businessId={prh.ACTIVE}" in path for path in stand_in.requests)


def test_a_register_that_keeps_failing_is_unavailable_after_the_retries(settings):
    with prh.StandIn([502]).running() as stand_in:
        settings.PORTAL_PRH_URL = stand_in.url
        with pytest.raises(RegisterError) as raised:
            register.fetch(prh.ACTIVE, retries=2)
    assert raised.value.reason == RegisterError.UNAVAILABLE
    assert len(stand_in.requests) == 3  # the first and two retries


def test_a_register_that_does_not_answer_in_time_is_a_timeout(settings):
    settings.PORTAL_PRH_TIMEOUT_SECONDS = 1
    with prh.StandIn(["slow"]).running() as stand_in:
        settings.PORTAL_PRH_URL = stand_in.url
        with pytest.raises(RegisterError) as raised:
            register.fetch(prh.ACTIVE, retries=1)
    assert raised.value.reason == RegisterError.TIMEOUT
    assert len(stand_in.requests) == 2


def test_an_answer_that_is_not_json_is_a_bad_response(settings):
    with prh.StandIn(["garbage"]).running() as stand_in:
        settings.PORTAL_PRH_URL = stand_in.url
        with pytest.raises(RegisterError) as raised:
            register.fetch(prh.ACTIVE, retries=0)
    assert raised.value.reason == RegisterError.BAD_RESPONSE


def test_a_register_nobody_listens_at_is_unavailable(settings):
    stand_in = prh.StandIn([200])
    settings.PORTAL_PRH_URL = stand_in.url
    stand_in.server.server_close()  # the port is closed: the connection is refused
    with pytest.raises(RegisterError) as raised:
        register.fetch(prh.ACTIVE, retries=0)
    assert raised.value.reason == RegisterError.UNAVAILABLE


# --- Registration -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_registration_form_is_filled_in_from_the_register(client):
    client.force_login(UserFactory(preferred_language="en"))
    response = lookup_page(client, "0215368 4")
    assert response.status_code == 200
    content = response.content.decode()
    assert input_value(content, "name_fi") == "Turun Seudun Omaishoitajat ry"
    assert input_value(content, "business_id") == prh.ACTIVE
    turku = Municipality.objects.get(code="853")
    assert re.search(rf'<option selected value="{turku.pk}">|<option value="{turku.pk}" selected>', content)
    page = text_of(response)
    assert "In the association register" in page
    assert "Eerikinkatu 4 A, 20100 Turku" in page
    assert "Registered office Turku" in page
    assert "Status Active" in page
    assert "Other names Åbonejdens Närståendevårdare rf" in page
    assert "The name, Business ID and home municipality below were filled in from the register." in page


@pytest.mark.django_db
def test_looking_up_a_dissolved_association_warns_of_it(client):
    client.force_login(UserFactory(preferred_language="en"))
    page = text_of(lookup_page(client, prh.DISSOLVED))
    assert "The register says the organisation was dissolved on 30.11.2025." in page


@pytest.mark.django_db
def test_a_business_id_the_register_does_not_know_is_said_at_the_field(client):
    client.force_login(UserFactory(preferred_language="en"))
    response = lookup_page(client, prh.UNKNOWN)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="id_lookup-business_id_error"' in content
    assert "has no organisation with this Business ID. Check the number." in text_of(response)
    assert "In the association register" not in text_of(response)


@pytest.mark.django_db
def test_a_business_id_that_is_not_one_is_not_looked_up(client, prh_register):
    client.force_login(UserFactory(preferred_language="en"))
    response = lookup_page(client, "1234567-2")
    assert response.status_code == 400
    assert "This is not a valid Business ID" in text_of(response)
    assert prh_register.asked == []


@pytest.mark.django_db
def test_look_ups_are_limited_per_person(client, prh_register):
    client.force_login(UserFactory(preferred_language="en"))
    for _ in range(20):
        assert "Turun Seudun Omaishoitajat ry" in text_of(lookup_page(client, prh.ACTIVE))
    page = text_of(lookup_page(client, prh.ACTIVE))
    assert "You have looked up many organisations in a short time. Try again in a minute." in page
    assert len(prh_register.asked) == 20  # PRH's limit is shared by all its users: the 21st is not sent


@pytest.mark.parametrize(
    ("script", "message"),
    [
        ([503], "The association register (PRH) cannot be reached just now."),
        (["garbage"], "The association register (PRH) sent an answer the portal could not read."),
        (["slow"], "The association register (PRH) did not answer in time."),
    ],
    ids=["5xx", "bad-json", "timeout"],
)
@pytest.mark.django_db
def test_a_register_fault_is_a_message_at_the_business_id_and_registering_still_works(
    client, settings, script, message
):
    settings.PORTAL_PRH_TIMEOUT_SECONDS = 1
    settings.PORTAL_PRH_RETRIES = 0
    client.force_login(UserFactory(preferred_language="en"))
    with prh.StandIn(script).running() as stand_in:
        settings.PORTAL_PRH_URL = stand_in.url
        response = lookup_page(client, prh.ACTIVE)
        assert response.status_code == 200
        error = re.search(r'id="id_lookup-business_id_error">(.*?)</div>', response.content.decode(), re.S)
        assert error is not None and message in html.unescape(error.group(1))
        assert "Fill in the details yourself" in html.unescape(error.group(1))
        registered = client.post(
            REGISTER,
            {
                "name_fi": "Turun Seudun Omaishoitajat ry",
                "business_id": prh.ACTIVE,
                "kind": Organisation.Kind.LOCAL,
                "home_municipality": Municipality.objects.get(code="853").pk,
                "themes": [Theme.objects.get(code="older-people").pk],
                **once(),
            },
        )
    organisation = Organisation.objects.get(business_id=prh.ACTIVE)
    assert registered.status_code == 302
    assert registered.url == reverse("organisations:detail", kwargs={"pk": organisation.pk})


@pytest.mark.django_db
def test_the_fault_message_is_in_the_readers_language(client, settings):
    settings.PORTAL_PRH_RETRIES = 0
    with prh.StandIn([500]).running() as stand_in:
        settings.PORTAL_PRH_URL = stand_in.url
        client.force_login(UserFactory(preferred_language="fi"))
        finnish = text_of(lookup_page(client, prh.ACTIVE))
        client.force_login(UserFactory(preferred_language="sv"))
        swedish = text_of(lookup_page(client, prh.ACTIVE))
    with translation.override("fi"):
        assert str(services.REGISTER_FAULTS[RegisterError.UNAVAILABLE]) in finnish
    with translation.override("sv"):
        assert str(services.REGISTER_FAULTS[RegisterError.UNAVAILABLE]) in swedish
    assert finnish != swedish


@pytest.mark.django_db
def test_a_registered_organisation_keeps_what_the_register_says(client, django_capture_on_commit_callbacks):
    client.force_login(UserFactory(preferred_language="en"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            REGISTER,
            {
                "name_fi": "Turun Seudun Omaishoitajat ry",
                "business_id": prh.ACTIVE,
                "kind": Organisation.Kind.LOCAL,
                "home_municipality": Municipality.objects.get(code="853").pk,
                **once(),
            },
        )
    extract = RegisterExtract.objects.get(organisation__business_id=prh.ACTIVE)
    assert extract.found and extract.data["names"][0]["name"] == "Turun Seudun Omaishoitajat ry"
    assert RegisterFinding.objects.count() == 0  # not verified yet: the coordinator looks first


@pytest.mark.django_db
def test_a_new_business_id_is_checked_again(client, django_capture_on_commit_callbacks, prh_register):
    organisation = MembershipFactory.admin(user__preferred_language="en").organisation
    RegisterExtract.objects.create(organisation=organisation, business_id=prh.UNKNOWN, found=False)
    client.force_login(organisation.memberships.get().user)
    edit = reverse("organisations:edit", kwargs={"pk": organisation.pk})
    data = {
        "name_fi": organisation.name_fi,
        "business_id": prh.ACTIVE,
        "register_number": organisation.register_number,
        "kind": organisation.kind,
        "home_municipality": organisation.home_municipality.pk,
        **once(),
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(edit, data).status_code == 302
    extract = RegisterExtract.objects.get(organisation=organisation)
    assert (extract.business_id, extract.found) == (prh.ACTIVE, True)
    assert prh_register.asked == [prh.ACTIVE]


# --- The coordinator's page ---------------------------------------------------------------------


@pytest.fixture
def coordinator():
    return AreaRoleFactory.coordinator(area=area("05"), user__preferred_language="en").user


def renamed_organisation(**kwargs: object) -> Organisation:
    # Registered under its former name, with Turku as its home though the register says Salo.
    return OrganisationFactory(
        name_fi="Salon Mielenterveysseura ry",
        business_id=prh.RENAMED,
        home_municipality=Municipality.objects.get(code="853"),
        **kwargs,
    )


@pytest.mark.django_db
def test_the_coordinator_sees_the_differences_between_the_portal_and_the_register(client, coordinator):
    organisation = renamed_organisation()
    client.force_login(coordinator)
    detail = reverse("organisations:detail", kwargs={"pk": organisation.pk})
    assert "The organisation has not been checked in the register yet." in text_of(client.get(detail))

    response = client.post(reverse("organisations:check_register", kwargs={"pk": organisation.pk}))
    assert response.status_code == 302 and response.url == detail + "#register"
    page = text_of(client.get(detail))
    assert "The details in the register were checked." in page
    assert "Differences between the portal and the register" in page
    assert "Name Salon Mielenterveysseura ry Salon Seudun Mielenterveysyhdistys Salmi ry" in page
    assert "Home municipality Turku Salo" in page
    assert "Former names Salon Mielenterveysseura ry (until 2.3.2026)" in page
    assert (
        "The register gives the name Salon Seudun Mielenterveysyhdistys Salmi ry; "
        "the portal has Salon Mielenterveysseura ry." in page
    )
    assert len(mail.outbox) == 0  # the coordinator saw it: nobody is emailed about it

    finding = RegisterFinding.objects.get(organisation=organisation)
    client.post(reverse("organisations:handle_finding", kwargs={"pk": organisation.pk, "finding_pk": finding.pk}))
    page = text_of(client.get(detail))
    assert "The finding is marked as handled." in page
    assert "The register gives the name" not in page
    assert "Differences between the portal and the register" in page  # still differs until corrected


@pytest.mark.django_db
def test_an_organisation_that_agrees_with_the_register_shows_no_differences(client, coordinator):
    organisation = OrganisationFactory(
        name_fi="Turun Seudun Omaishoitajat ry",
        business_id=prh.ACTIVE,
        home_municipality=Municipality.objects.get(code="853"),
    )
    client.force_login(coordinator)
    client.post(reverse("organisations:check_register", kwargs={"pk": organisation.pk}))
    page = text_of(client.get(reverse("organisations:detail", kwargs={"pk": organisation.pk})))
    assert "The portal's details agree with the register." in page
    assert "Eerikinkatu 4 A, 20100 Turku" in page
    assert not RegisterFinding.objects.exists()


@pytest.mark.django_db
def test_a_check_when_the_register_is_down_says_so_and_keeps_the_last_answer(client, coordinator, settings):
    organisation = renamed_organisation()
    client.force_login(coordinator)
    client.post(reverse("organisations:check_register", kwargs={"pk": organisation.pk}))
    settings.PORTAL_PRH_RETRIES = 0
    with prh.StandIn([503]).running() as stand_in:
        settings.PORTAL_PRH_URL = stand_in.url
        client.post(reverse("organisations:check_register", kwargs={"pk": organisation.pk}))
    page = text_of(client.get(reverse("organisations:detail", kwargs={"pk": organisation.pk})))
    assert "The association register (PRH) could not be asked just now. The details of the last check are shown" in page
    assert "Salon Seudun Mielenterveysyhdistys Salmi ry" in page


# --- The weekly job -----------------------------------------------------------------------------


def run_weekly_job(django_capture_on_commit_callbacks) -> int:
    """Runs the weekly job (its batches and the email at the end run in-process); the findings it flagged."""
    before = RegisterFinding.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        refresh_from_register.delay().get()
    return RegisterFinding.objects.count() - before


@pytest.mark.django_db
def test_the_weekly_job_flags_a_dissolved_and_a_renamed_organisation_once(
    client, coordinator, prh_register, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(tasks, "REGISTER_BATCH", 2)  # two batches, one after the other, then one email
    dissolved = OrganisationFactory(
        name_fi="Naantalin Nuorisoseura ry",
        business_id=prh.DISSOLVED,
        home_municipality=Municipality.objects.get(code="529"),
    )
    renamed = renamed_organisation()
    unchanged = OrganisationFactory(
        name_fi="Turun Seudun Omaishoitajat ry",
        business_id=prh.ACTIVE,
        home_municipality=Municipality.objects.get(code="853"),
    )
    unverified = OrganisationFactory.unverified(business_id=prh.UNKNOWN)
    other_area = AreaRoleFactory.coordinator(area=area("90")).user

    assert run_weekly_job(django_capture_on_commit_callbacks) == 2
    assert sorted(prh_register.asked) == sorted([prh.DISSOLVED, prh.RENAMED, prh.ACTIVE])  # verified ones only
    assert not RegisterExtract.objects.filter(organisation=unverified).exists()
    assert RegisterExtract.objects.get(organisation=unchanged).found
    assert {(f.organisation, f.kind) for f in RegisterFinding.objects.all()} == {
        (dissolved, RegisterFinding.Kind.DISSOLVED),
        (renamed, RegisterFinding.Kind.RENAMED),
    }
    assert [message.to for message in mail.outbox] == [[coordinator.email]]
    assert other_area.email not in mail.outbox[0].to
    email = mail.outbox[0]
    assert email.subject == "The association register: 2 organisations to check"
    assert "Naantalin Nuorisoseura ry: The register says the organisation was dissolved on 30.11.2025." in email.body
    assert "Salon Seudun Mielenterveysyhdistys Salmi ry" in email.body
    assert f"/organisations/{renamed.pk}/#register" in email.body

    # Next week the register says the same: nothing is flagged or emailed again.
    assert run_weekly_job(django_capture_on_commit_callbacks) == 0
    assert RegisterFinding.objects.count() == 2
    assert len(mail.outbox) == 1

    # The coordinator's area page lists what was found.
    client.force_login(coordinator)
    page = text_of(client.get(reverse("organisations:area_organisations", kwargs={"code": "05"})))
    assert "Found in the association register" in page
    assert "Naantalin Nuorisoseura ry : The register says the organisation was dissolved on 30.11.2025." in page


@pytest.mark.django_db
def test_a_handled_finding_is_not_flagged_again_but_a_new_name_is(
    coordinator, prh_register, django_capture_on_commit_callbacks
):
    renamed = renamed_organisation()
    run_weekly_job(django_capture_on_commit_callbacks)
    services.handle_finding(RegisterFinding.objects.get(), coordinator)
    assert run_weekly_job(django_capture_on_commit_callbacks) == 0
    answer = prh.recorded(prh.RENAMED)
    answer["companies"][0]["names"][0]["name"] = "Salmi ry"
    prh_register.answers[prh.RENAMED] = answer
    assert run_weekly_job(django_capture_on_commit_callbacks) == 1
    assert RegisterFinding.objects.open().get().value == "Salmi ry"
    assert RegisterFinding.objects.filter(organisation=renamed).count() == 2
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_the_weekly_job_goes_on_without_a_register_that_is_down(settings, coordinator):
    OrganisationFactory(name_fi="Yhdistys ilman Y-tunnusta ry")  # nothing to look up
    renamed_organisation()
    settings.PORTAL_PRH_JOB_RETRIES = 0
    with prh.StandIn([503]).running() as stand_in:
        settings.PORTAL_PRH_URL = stand_in.url
        run = services.refresh_from_register()
    assert (run.checked, run.failed, run.flagged) == (0, 1, 0)
    assert not RegisterFinding.objects.exists()
    assert not RegisterExtract.objects.exists()


@pytest.mark.django_db
def test_a_register_that_is_down_stops_the_weekly_run_after_five_failures_in_a_row(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    for number in range(8):
        OrganisationFactory(business_id=business_id(4_000_000 + 2 * number))
    monkeypatch.setattr(tasks, "REGISTER_BATCH", 2)
    settings.PORTAL_PRH_JOB_RETRIES = 0
    with prh.StandIn([503]).running() as stand_in:
        settings.PORTAL_PRH_URL = stand_in.url
        with django_capture_on_commit_callbacks(execute=True):
            assert refresh_from_register.delay().get() == 4  # batches
    assert len(stand_in.requests) == services.CONSECUTIVE_FAILURES_TO_STOP  # across the batches
    assert not RegisterExtract.objects.exists() and len(mail.outbox) == 0


def test_the_weekly_check_runs_on_mondays_from_beat(settings):
    from portal.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["weekly-register-check"]
    assert entry["task"] == "organisations.tasks.refresh_from_register"
    assert entry["schedule"].day_of_week == {1} and entry["schedule"].hour == {5}
    assert entry["task"] in app.tasks


@pytest.mark.worker
def test_a_real_worker_runs_the_weekly_check_batch_after_batch_and_tells_the_coordinators(
    reference_data, database_url, settings
):
    """On the configured broker, as in production: the beat job, its batches (a chain, results
    ignored) and the email job at the end, against a stand-in register answering as recorded."""
    AreaRoleFactory.coordinator(area=area("05"))
    renamed = renamed_organisation()
    OrganisationFactory(
        name_fi="Naantalin Nuorisoseura ry",
        business_id=prh.DISSOLVED,
        home_municipality=Municipality.objects.get(code="529"),
    )
    for number in range(tasks.REGISTER_BATCH):  # unknown to the register: a second batch
        OrganisationFactory(business_id=business_id(5_000_000 + 2 * number))
    queue = f"test-{uuid.uuid4().hex}"
    waiting = set(settings.CELERY_BROKER_QUEUE_DIR.glob("*.msg"))
    with prh.StandIn(["recorded"]).running() as stand_in:
        env = {"DATABASE_URL": database_url, "PORTAL_PRH_URL": stand_in.url, "PORTAL_PRH_JOB_PAUSE_MS": "0"}
        with worker(queue, env) as running:
            refresh_from_register.apply_async(queue=queue)
            deadline = time.monotonic() + 90
            while RegisterFinding.objects.filter(notified_at__isnull=False).count() != 2:
                assert time.monotonic() < deadline, running.output
                time.sleep(0.1)
            running.wait_for_output("notify_register_findings")
    assert len(stand_in.requests) == tasks.REGISTER_BATCH + 2
    assert {finding.kind for finding in RegisterFinding.objects.all()} == {"dissolved", "renamed"}
    assert RegisterFinding.objects.get(kind="renamed").organisation == renamed
    output = "".join(running.lines)
    assert output.count("organisations.tasks.check_register_batch") >= 2, output[-4000:]
    # The email job went to the default queue, which no worker of this test reads: not left behind.
    for message in set(settings.CELERY_BROKER_QUEUE_DIR.glob("*.msg")) - waiting:
        message.unlink(missing_ok=True)
