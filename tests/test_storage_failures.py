"""A full or read-only file store leaves nothing behind (no empty or truncated file, no row) and
people are told so in their language, without a server path or an exception's text."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from django.core.files import locks
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from funding.models import ContinuityReport
from funding.tasks import build_continuity_report
from organisations.models import OrganisationDocument
from portal.storage import PortalFileSystemStorage, StorageUnavailable
from tests.conftest import once
from tests.factories import PDF_BYTES, ApplicationFactory, AreaRoleFactory, MembershipFactory, area
from tests.test_application_form import form_data
from tests.test_reports import scenario

FINNISH = "Tiedostovarasto ei ole käytettävissä, yritä hetken kuluttua uudelleen."
SWEDISH = "Fillagret är inte tillgängligt, försök igen om en stund."
ENGLISH = "The file store is unavailable, try again in a moment."


def files_in(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def disk_full_after(saves: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills up after ``saves`` files: the next file is created, then cannot be written,
    as when the disk is full (Django has opened the file already)."""
    done = {"saves": 0}
    lock = locks.lock

    def full(fd: int, flags: int) -> bool:
        done["saves"] += 1
        if done["saves"] > saves:
            raise OSError(errno.ENOSPC, "No space left on device")
        return lock(fd, flags)

    monkeypatch.setattr(locks, "lock", full)


class HalfWritten(ContentFile):
    """A file whose writing fails midway, after its first part reached the disk."""

    def chunks(self, chunk_size: int | None = None):
        yield b"%PDF-1.7 the first part"
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_save_that_fails_midway_removes_its_partial_file(tmp_path):
    storage = PortalFileSystemStorage(location=tmp_path)
    with pytest.raises(StorageUnavailable) as failure:
        storage.save("reports/report.pdf", HalfWritten(b""))
    assert files_in(tmp_path) == []
    assert str(tmp_path) not in str(failure.value)


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "message"), [("fi", FINNISH), ("sv", SWEDISH), ("en", ENGLISH)])
def test_an_upload_to_a_full_disk_says_so_and_keeps_nothing(media, monkeypatch, language, message):
    membership = MembershipFactory()
    client = Client(raise_request_exception=False)
    client.force_login(membership.user)
    client.cookies["django_language"] = language
    disk_full_after(0, monkeypatch)
    response = client.post(
        reverse("organisations:documents", kwargs={"pk": membership.organisation.pk}),
        {"kind": "annual_report", "year": 2025, "file": ContentFile(PDF_BYTES, name="vuosikertomus.pdf"), **once()},
    )
    page = response.content.decode()
    assert response.status_code == 503
    assert message in page
    assert str(media) not in page and "Errno" not in page and "OSError" not in page
    assert not OrganisationDocument.objects.exists()
    assert files_in(media) == []


@pytest.mark.django_db
def test_the_storage_probe_of_healthz_leaves_no_file_on_a_full_disk(client, media, monkeypatch):
    disk_full_after(0, monkeypatch)
    for _probe in range(3):
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json()["checks"]["storage"] == "error: StorageUnavailable"
    assert files_in(media) == []


@pytest.mark.django_db
@pytest.mark.parametrize("saves", [0, 1, 2])
def test_a_report_on_a_full_disk_fails_readably_and_keeps_no_file(client, settings, media, monkeypatch, saves):
    settings.PORTAL_REQUIRE_STAFF_MFA = False
    report = scenario()
    disk_full_after(saves, monkeypatch)  # the PDF, the CSV or the web page fails
    build_continuity_report.delay(report.pk)
    report.refresh_from_db()
    assert report.state == ContinuityReport.State.FAILED
    assert report.error == ENGLISH  # the report's language
    assert files_in(media) == []
    client.force_login(AreaRoleFactory.coordinator(area=area("05")).user)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("funding:report_status", kwargs={"pk": report.pk})).content.decode()
    assert f"The report could not be built: {ENGLISH}" in page
    assert str(media) not in page and "Errno" not in page


@pytest.mark.django_db
def test_a_report_that_fails_for_another_reason_shows_no_exception_text(media, monkeypatch):
    report = scenario()

    def broken(document: str) -> bytes:
        raise RuntimeError(f"cairo cannot open {media}/fonts/x.ttf")

    monkeypatch.setattr("funding.reports.pdf_bytes", broken)
    build_continuity_report.delay(report.pk)  # run at once; a real worker would log the error
    report.refresh_from_db()
    assert report.state == ContinuityReport.State.FAILED
    assert report.error == "The report could not be built because of an error on the server. Try again later."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("fi", "Luonnos tallennettiin, mutta liitettä ei: tiedostovarasto ei ole käytettävissä."),
        ("sv", "Utkastet sparades, men inte bilagan: fillagret är inte tillgängligt."),
        ("en", "The draft was saved, but the attachment was not: the file store is unavailable."),
    ],
)
def test_attaching_to_a_draft_on_a_full_disk_keeps_what_was_typed(media, monkeypatch, language, message):
    membership = MembershipFactory.admin()
    draft = ApplicationFactory(organisation=membership.organisation, complete=False)
    client = Client(raise_request_exception=False)
    client.force_login(membership.user)
    client.cookies["django_language"] = language
    edit = reverse("grants:application_edit", kwargs={"pk": draft.pk})
    disk_full_after(0, monkeypatch)
    typed = {"summary": "Tämä teksti ei saa kadota.", "action": "attach"}
    file = {"attachment-file": ContentFile(PDF_BYTES, name="talousarvio.pdf")}
    response = client.post(edit, form_data(draft, **typed, **file), follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    draft.refresh_from_db()
    assert draft.summary == "Tämä teksti ei saa kadota."
    assert "Tämä teksti ei saa kadota." in page
    assert str(media) not in page and "Errno" not in page
    assert not draft.attachments.exists()
    assert files_in(media) == []


@pytest.mark.django_db
def test_attaching_to_the_use_of_funds_report_on_a_full_disk_keeps_the_report(media, monkeypatch):
    application = ApplicationFactory.in_state("paid")
    membership = MembershipFactory.admin(organisation=application.organisation)
    client = Client(raise_request_exception=False)
    client.force_login(membership.user)
    client.cookies["django_language"] = "en"
    before = files_in(media)  # the application's own attachments
    disk_full_after(0, monkeypatch)
    response = client.post(
        reverse("grants:use_of_funds", kwargs={"pk": application.pk}),
        {
            "amount_used": "20000", "narrative": "Ryhmät pidettiin joka viikko.", "results": "Hyvin.",
            "action": "attach", "attachment-file": ContentFile(PDF_BYTES, name="tilinpaatos.pdf"), **once(),
        },
        follow=True,
    )  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200
    assert "The report was saved, but the attachment was not: the file store is unavailable." in page
    assert "Ryhmät pidettiin joka viikko." in page
    assert application.use_of_funds_report.narrative == "Ryhmät pidettiin joka viikko."
    assert not application.attachments.filter(kind="use_of_funds").exists()
    assert files_in(media) == before
