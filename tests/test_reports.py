from __future__ import annotations

import io
import time
import uuid
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from pypdf import PdfReader

from funding import reports
from funding.models import ContinuityReport, FundingRecord
from funding.tasks import build_continuity_report
from portal.models import AreaRole
from tests.conftest import once
from tests.factories import AreaRoleFactory, OrganisationFactory, UserFactory, area
from tests.workers import worker


def scenario() -> ContinuityReport:
    """Two organisations: one continued (800 → 900), one discontinued (500 → nothing)."""
    steady = OrganisationFactory(name_fi="Vakaa Yhdistys ry")
    gone = OrganisationFactory(name_fi="Katkennut Yhdistys ry")
    for organisation, year, amount in ((steady, 2025, 800), (steady, 2026, 900), (gone, 2025, 500)):
        FundingRecord.objects.create(
            organisation=organisation, funder_kind="welfare_area", funder_area=area("05"), funder_name="Alue",
            year=year, amount=Decimal(amount), source="import",
        )  # fmt: skip
    return ContinuityReport.objects.create(area=area("05"), year=2026, baseline_year=2025, language="en")


@pytest.mark.worker
def test_a_real_worker_builds_the_pdf_and_csv_through_its_stages(reference_data, database_url):
    report = scenario()
    queue = f"test-{uuid.uuid4().hex}"
    with worker(queue, {"DATABASE_URL": database_url}) as running:
        build_continuity_report.apply_async((report.pk,), queue=queue)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            report.refresh_from_db()
            if report.state in ("succeeded", "failed"):
                break
            time.sleep(0.5)
    output = running.output
    assert report.state == "succeeded", (report.error, output)
    assert [step[0] for step in report.history] == [10, 40, 60, 90, 100]
    with report.pdf.open("rb") as pdf:
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read())).pages)
    text = " ".join(text.replace("\u00a0", " ").split())  # table cells wrap: compare words, not lines
    for figure in ("Vakaa Yhdistys ry", "Katkennut Yhdistys ry", "Continued", "Discontinued", "1,300.00", "900.00"):
        assert figure in text, figure
    with report.csv.open("rb") as csv_file:
        lines = csv_file.read().decode("utf-8-sig").splitlines()
    assert lines[0].startswith("business_id,association_register_number,organisation_name")
    assert sorted(line.split(",")[-2] for line in lines[1:]) == ["continued", "discontinued"]


@pytest.mark.django_db
def test_councillors_see_only_their_own_areas_published_reports(client, settings, django_capture_on_commit_callbacks):
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    report = scenario()
    with django_capture_on_commit_callbacks(execute=True):
        build_continuity_report.delay(report.pk)
    councillor = AreaRoleFactory.councillor(area=area("05")).user
    elsewhere = AreaRoleFactory.councillor(area=area("90")).user
    coordinator = AreaRoleFactory.coordinator(area=area("05")).user
    pdf = reverse("funding:report_download", kwargs={"pk": report.pk, "kind": "pdf"})

    client.force_login(councillor)
    assert client.get(pdf).status_code == 403
    client.force_login(coordinator)
    client.post(reverse("funding:report_publish", kwargs={"pk": report.pk}))
    client.force_login(councillor)
    response = client.get(pdf)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    table = client.get(reverse("funding:report_download", kwargs={"pk": report.pk, "kind": "csv"}))
    assert table["Content-Type"].startswith("text/csv")
    client.force_login(elsewhere)
    assert client.get(pdf).status_code == 403
    assert client.get(reverse("funding:reports", kwargs={"code": "05"})).status_code == 403
    client.force_login(UserFactory())
    assert client.get(reverse("funding:report_status", kwargs={"pk": report.pk})).status_code == 403


@pytest.mark.django_db
def test_htmx_polls_only_the_progress_fragment(client, settings):
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    report = ContinuityReport.objects.create(
        area=area("05"), year=2026, baseline_year=2025, progress=40, state="running"
    )
    client.force_login(AreaRoleFactory.coordinator(area=area("05")).user)
    fragment = client.get(reverse("funding:report_status", kwargs={"pk": report.pk}), HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert html.lstrip().startswith('<div id="report-progress"')
    assert 'value="40"' in html and 'hx-trigger="every 2s"' in html
    page = client.get(reverse("funding:report_status", kwargs={"pk": report.pk})).content.decode()
    assert "<html" in page and 'value="40"' in page


@pytest.mark.django_db
def test_the_fragment_of_a_finished_report_brings_the_publish_button_to_the_coordinator_only(client, settings):
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    report = ContinuityReport.objects.create(
        area=area("05"), year=2026, baseline_year=2025, progress=100, state="succeeded", stage="Ready"
    )
    status = reverse("funding:report_status", kwargs={"pk": report.pk})
    client.cookies["django_language"] = "en"
    client.force_login(AreaRoleFactory.coordinator(area=area("05")).user)
    html = client.get(status, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in html  # the polling ends with the finished state
    assert "Download the PDF" in html and "Read the report on this site" in html
    assert "Publish for the councillors" in html
    report.published_at = report.created_at
    report.save()
    client.force_login(AreaRoleFactory.councillor(area=area("05")).user)
    html = client.get(status, HTTP_HX_REQUEST="true").content.decode()
    assert "Download the PDF" in html and "Publish for the councillors" not in html


@pytest.mark.django_db
def test_a_coordinator_requests_a_report_and_bad_years_are_refused(client, settings):
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    client.force_login(AreaRoleFactory.coordinator(area=area("05")).user)
    client.cookies["django_language"] = "en"
    url = reverse("funding:reports", kwargs={"code": "05"})
    response = client.post(url, {"year": "2026", "baseline_year": "2026", "language": "sv"})
    assert response.status_code == 400
    assert "The baseline year must be before the year" in response.content.decode()
    assert not ContinuityReport.objects.exists()
    response = client.post(url, {"year": "2026", "baseline_year": "2025", "language": "sv", **once()})
    report = ContinuityReport.objects.get()
    assert response.url == reverse("funding:report_status", kwargs={"pk": report.pk})
    assert (report.language, report.state) == ("sv", "queued")


@pytest.mark.django_db
def test_the_national_overview_merges_one_report_per_area(client, django_capture_on_commit_callbacks):
    scenario()
    operator = UserFactory.operator()
    client.force_login(operator)
    client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("funding:national_reports"), {"year": "2026", "baseline_year": "2025", "language": "en", **once()}
        )
    report = ContinuityReport.objects.get(area=None)
    assert response.url == reverse("funding:report_status", kwargs={"pk": report.pk})
    report.refresh_from_db()
    assert (report.state, report.progress) == ("succeeded", 100)
    with report.pdf.open("rb") as pdf:
        reader = PdfReader(io.BytesIO(pdf.read()))
    cover = " ".join(reader.pages[0].extract_text().split())
    assert "national overview" in cover
    assert "05 Wellbeing services county of Southwest Finland 2 " in cover
    assert len(reader.pages) > 22  # the comparison, then every area's report
    with report.csv.open("rb") as table:
        rows = table.read().decode("utf-8-sig").splitlines()
    assert len(rows) == 23
    viewer = UserFactory()
    AreaRole.objects.create(user=viewer, role="national_viewer")
    client.force_login(viewer)
    assert client.get(reverse("funding:report_download", kwargs={"pk": report.pk, "kind": "pdf"})).status_code == 200
    assert client.get(reverse("funding:report_download", kwargs={"pk": report.pk, "kind": "exe"})).status_code == 404
    assert (
        client.post(reverse("funding:national_reports"), {"year": "2026", "baseline_year": "2025"}).status_code == 403
    )


@pytest.mark.django_db
def test_area_staff_cannot_open_the_national_overview(client, settings):
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    report = ContinuityReport.objects.create(area=None, year=2026, baseline_year=2025, state="succeeded")
    client.force_login(AreaRoleFactory.coordinator(area=area("05")).user)
    assert client.get(reverse("funding:national_reports")).status_code == 403
    assert client.get(reverse("funding:report_status", kwargs={"pk": report.pk})).status_code == 403


@pytest.mark.django_db
def test_the_command_writes_the_same_report_synchronously(tmp_path):
    scenario()
    pdf, table = tmp_path / "out.pdf", tmp_path / "out.csv"
    call_command(
        "continuity_report", "--area", "05", "--year", "2026", "--lang", "sv", "--pdf", str(pdf), "--csv", str(table)
    )
    assert pdf.read_bytes().startswith(b"%PDF-")
    rows = table.read_text(encoding="utf-8-sig").splitlines()
    assert rows[0] == ",".join(reports.CSV_COLUMNS)
    assert sorted(row.split(",")[-2] for row in rows[1:]) == ["continued", "discontinued"]
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(str(pdf)).pages).split())
    assert "Fortsatt" in text  # written in Swedish


@pytest.mark.django_db
def test_publishing_emails_each_councillor_of_the_area_once_in_their_language(
    client, settings, django_capture_on_commit_callbacks, mailoutbox
):
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    report = ContinuityReport.objects.create(
        area=area("05"), year=2026, baseline_year=2025, language="fi", state="succeeded", progress=100
    )
    finn = AreaRoleFactory.councillor(area=area("05"), user__preferred_language="fi").user
    swede = AreaRoleFactory.councillor(area=area("05"), user__preferred_language="sv").user
    AreaRoleFactory.councillor(area=area("05"), user=swede)  # a second term: still one email
    AreaRoleFactory.expired(area=area("05"), role="councillor")
    AreaRoleFactory.councillor(area=area("90"))
    coordinator = AreaRoleFactory.coordinator(area=area("05")).user
    client.force_login(coordinator)
    publish = reverse("funding:report_publish", kwargs={"pk": report.pk})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(publish)
        client.post(publish)  # a double click tells nobody twice
    assert sorted(message.to[0] for message in mailoutbox) == sorted([finn.email, swede.email])
    by_person = {message.to[0]: message for message in mailoutbox}
    link = f"{settings.PORTAL_BASE_URL}{reverse('funding:report_html', kwargs={'pk': report.pk})}"
    assert link in by_person[finn.email].body and link in by_person[swede.email].body
    with translation.override("fi"):
        assert by_person[finn.email].subject == _("Continuity report published: %(area)s, %(year)s") % {
            "area": "Varsinais-Suomen hyvinvointialue", "year": 2026,
        }  # fmt: skip
    with translation.override("sv"):
        assert by_person[swede.email].subject == _("Continuity report published: %(area)s, %(year)s") % {
            "area": "Egentliga Finlands välfärdsområde", "year": 2026,
        }  # fmt: skip
        assert _("Hello %(name)s,") % {"name": swede.full_name} in by_person[swede.email].body
