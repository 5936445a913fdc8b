from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.uploads import validate_upload
from tests.factories import PDF_BYTES

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 40


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})
ODS = zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"})


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("vuosikertomus.pdf", PDF_BYTES, "application/pdf"),
        ("logo.PNG", PNG, "image/png"),
        ("kuva.jpg", JPG, "image/jpeg"),
        ("talousarvio.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("budjetti.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("säännöt.odt", ODT, "application/vnd.oasis.opendocument.text"),
        ("laskelma.ods", ODS, "application/vnd.oasis.opendocument.spreadsheet"),
    ],
)
def test_real_files_of_the_allowed_types_are_accepted(name, content, content_type):
    assert validate_upload(SimpleUploadedFile(name, content)) == content_type


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("raportti.pdf", b"<html><script>alert(1)</script></html>", "file_content"),
        ("raportti.pdf", b"#!/bin/sh\nrm -rf /\n", "file_content"),
        ("kuva.png", JPG, "file_content"),
        ("asiakirja.docx", zip_bytes({"evil.sh": b"echo"}), "file_content"),
        ("asiakirja.docx", XLSX, "file_content"),
        ("taulukko.ods", ODT, "file_content"),
        ("sivu.html", b"<html></html>", "file_type"),
        ("ohjelma.exe", b"MZ\x90\x00", "file_type"),
        ("ilman-paatetta", PDF_BYTES, "file_type"),
    ],
)
def test_disguised_or_unknown_files_are_refused(name, content, code):
    with pytest.raises(ValidationError) as refused:
        validate_upload(SimpleUploadedFile(name, content))
    assert refused.value.code == code


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.PORTAL_UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as refused:
        validate_upload(SimpleUploadedFile("iso.pdf", PDF_BYTES + b"0" * 2048))
    assert refused.value.code == "file_size"
    assert "1.0" in refused.value.messages[0] or "1,0" in refused.value.messages[0]


def test_a_damaged_opendocument_is_refused_not_crashed():
    damaged = bytearray(ODT)
    damaged[60:70] = b"\x00" * 10  # break the stored entry
    with pytest.raises(ValidationError):
        validate_upload(SimpleUploadedFile("rikki.odt", bytes(damaged)))
