"""The one way files enter and leave the portal: organisation documents, grant attachments and
agreement annexes all use it.

A file is accepted when its extension is on the allow-list, its content really is of that
type (checked from its bytes, not its name) and it is within the size limit. It is stored
under a random name through Django's storage API and handed out only by views that have
asked the access policy first, always as a download.
"""

from __future__ import annotations

import mimetypes
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, TYPE_CHECKING, Any, Self

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from portal.models import User

ZIP_SIGNATURE = b"PK\x03\x04"


def _starts_with(*signatures: bytes) -> Callable[[IO[bytes]], bool]:
    def check(file: IO[bytes]) -> bool:
        file.seek(0)
        head = file.read(16)
        return any(head.startswith(signature) for signature in signatures)

    return check


def _office_open_xml(required_part: str) -> Callable[[IO[bytes]], bool]:
    def check(file: IO[bytes]) -> bool:
        names = _zip_names(file)
        return "[Content_Types].xml" in names and required_part in names

    return check


def _open_document(mimetype: str) -> Callable[[IO[bytes]], bool]:
    def check(file: IO[bytes]) -> bool:
        if "mimetype" not in _zip_names(file):
            return False
        file.seek(0)
        try:
            with zipfile.ZipFile(file) as archive, archive.open("mimetype") as entry:
                # Read only what a real mimetype entry holds: a zip bomb must not fill the memory.
                return entry.read(len(mimetype) + 2).strip() == mimetype.encode()
        except BROKEN_ZIP:
            return False

    return check


# What a damaged or hostile zip file can raise while it is read.
BROKEN_ZIP = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    NotImplementedError,
    RuntimeError,
    EOFError,
    ValueError,
    OSError,
)


def _zip_names(file: IO[bytes]) -> set[str]:
    if not _starts_with(ZIP_SIGNATURE)(file):
        return set()
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            return set(archive.namelist())
    except BROKEN_ZIP:
        return set()


@dataclass(frozen=True)
class FileType:
    content_type: str
    looks_right: Callable[[IO[bytes]], bool]


FILE_TYPES: dict[str, FileType] = {
    "pdf": FileType("application/pdf", _starts_with(b"%PDF-")),
    "png": FileType("image/png", _starts_with(b"\x89PNG\r\n\x1a\n")),
    "jpg": FileType("image/jpeg", _starts_with(b"\xff\xd8\xff")),
    "jpeg": FileType("image/jpeg", _starts_with(b"\xff\xd8\xff")),
    "docx": FileType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _office_open_xml("word/document.xml"),
    ),
    "xlsx": FileType(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _office_open_xml("xl/workbook.xml")
    ),
    "odt": FileType(
        "application/vnd.oasis.opendocument.text", _open_document("application/vnd.oasis.opendocument.text")
    ),
    "ods": FileType(
        "application/vnd.oasis.opendocument.spreadsheet",
        _open_document("application/vnd.oasis.opendocument.spreadsheet"),
    ),
}
ACCEPT_ATTRIBUTE = ",".join(f".{extension}" for extension in FILE_TYPES)


def extension_of(name: str) -> str:
    return PurePath(name).suffix.lower().lstrip(".")


def validate_upload(file: UploadedFile) -> str:
    """Check an uploaded file; return its content type or raise a translated ValidationError."""
    extension = extension_of(file.name or "")
    if extension not in FILE_TYPES:
        raise ValidationError(
            _("Files of this type are not accepted. Accepted types: %(types)s."),
            code="file_type",
            params={"types": ", ".join(sorted({"jpg" if e == "jpeg" else e for e in FILE_TYPES}))},
        )
    limit = settings.PORTAL_UPLOAD_MAX_BYTES
    if file.size is not None and file.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s). The largest accepted size is %(limit)s."),
            code="file_size",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
        )
    file_type = FILE_TYPES[extension]
    try:
        looks_right = file_type.looks_right(file)
    finally:
        file.seek(0)
    if not looks_right:
        raise ValidationError(
            _("The content of the file does not match its name (.%(extension)s). Save it again in that format."),
            code="file_content",
            params={"extension": extension},
        )
    return file_type.content_type


class UploadField(forms.FileField):
    """A file field that accepts only what ``validate_upload`` accepts."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        kwargs.setdefault(
            "help_text",
            _("PDF, Word, Excel, OpenDocument, PNG or JPG, at most %(limit)s.")
            % {"limit": filesizeformat(settings.PORTAL_UPLOAD_MAX_BYTES)},
        )
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        file = super().clean(data, initial)
        if isinstance(file, UploadedFile):
            file.content_type = validate_upload(file)
        return file


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleUploadField(forms.FileField):
    """Several files at once, each accepted only as ``validate_upload`` accepts it."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        kwargs.setdefault(
            "help_text",
            _("One or more files: PDF, Word, Excel, OpenDocument, PNG or JPG, each at most %(limit)s.")
            % {"limit": filesizeformat(settings.PORTAL_UPLOAD_MAX_BYTES)},
        )
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = [file for file in (data if isinstance(data, list | tuple) else [data]) if file]
        if self.required and not files:
            raise ValidationError(self.error_messages["required"], code="required")
        cleaned = []
        for file in files:
            file = super().clean(file, initial)
            file.content_type = validate_upload(file)
            cleaned.append(file)
        return cleaned


def random_name(folder: str, filename: str) -> str:
    """A storage name that reveals nothing of the original one, which the database keeps instead."""
    return f"{folder}/{uuid.uuid4().hex}.{extension_of(filename)}"


class StoredFile(models.Model):
    """What every uploaded file row keeps: the file under a random name, and who sent what."""

    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    file: FieldFile  # each kind of file declares its FileField, with its own folder

    class Meta:
        abstract = True

    @classmethod
    def store(cls, file: UploadedFile, user: User | None, **fields: Any) -> Self:
        assert file.name is not None  # an uploaded file always has its name
        return cls._default_manager.create(
            file=file, original_name=file.name[:255], size=file.size, uploaded_by=user, **fields
        )

    @transaction.atomic
    def delete_with_file(self) -> None:
        """Delete the row, and the file once the deletion is saved."""
        name, storage = self.file.name, self.file.storage
        assert name is not None  # a stored row always has its file
        self.delete()
        transaction.on_commit(lambda: storage.delete(name))


def download_response(file: FieldFile, download_name: str) -> FileResponse:
    """Serve a stored file as an attachment that the browser must not sniff or render inline."""
    assert file.name is not None  # a stored file always has its name
    known = FILE_TYPES.get(extension_of(file.name))
    content_type = known.content_type if known else mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    try:
        handle = file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(handle, as_attachment=True, filename=download_name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
