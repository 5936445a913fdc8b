"""Import of historical funding into the ledger (docs/design.md, “Funding history imports”).

CSV (UTF-8 with or without BOM, or Windows-1252; ``;`` or ``,``) or XLSX (first sheet), with a
header row. The file is read as a stream twice: once to check every row, and, only if every row
is valid, once more to import it in one transaction. A 50,000-row file is never held in memory.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as NumberError
from stdnum.fi import ytunnus

from funding import figures
from funding.models import FundingImport, FundingRecord
from organisations.forms import REGISTER_NUMBER
from organisations.models import Organisation
from portal import money
from portal.models import Municipality, User, WelfareArea
from portal.validators import no_control_characters

if TYPE_CHECKING:
    from openpyxl.cell import _CellGetValue

COLUMNS = [
    "business_id", "association_register_number", "organisation_name", "organisation_municipality_code",
    "funder_kind", "funder_code", "funder_name", "year", "amount_eur", "grant_type", "purpose",
]  # fmt: skip
REQUIRED_COLUMNS = set(COLUMNS) - {"grant_type", "purpose", "association_register_number", "business_id"}
MAX_ERRORS_KEPT = 500
BATCH = 2000


class ImportRefused(Exception):
    def __init__(self, errors: list[tuple[int, str]]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


@dataclass
class ParsedRow:
    business_id: str | None
    register_number: str | None
    name: str
    municipality: Municipality
    funder_kind: str
    funder_area: WelfareArea | None
    funder_municipality: Municipality | None
    funder_name: str
    year: int
    amount: Decimal
    grant_type: str
    purpose: str


# --- Reading ------------------------------------------------------------------------------------


def rows_of(file: IO[bytes], name: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) pairs; the header is line 1."""
    file.seek(0)
    if name.lower().endswith(".xlsx"):
        yield from _xlsx_rows(file)
    else:
        yield from _csv_rows(file)


def _xlsx_rows(file: IO[bytes]) -> Iterator[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook

    workbook = load_workbook(file, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        header = [str(cell or "").strip().lower() for cell in next(lines, ())]
        _check_header(header)
        for number, values in enumerate(lines, start=2):
            if values is None or all(value in (None, "") for value in values):
                continue
            yield number, {key: _cell(value) for key, value in zip(header, values, strict=False)}
    finally:
        workbook.close()


def _cell(value: _CellGetValue) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _encoding_of(file: IO[bytes]) -> str:
    """UTF-8 when every byte decodes as UTF-8, otherwise Windows-1252; checked in chunks."""
    file.seek(0)
    utf8 = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := file.read(1 << 16):
            utf8.decode(chunk)
        utf8.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def _csv_rows(file: IO[bytes]) -> Iterator[tuple[int, dict[str, str]]]:
    encoding = _encoding_of(file)
    file.seek(0)
    text = io.TextIOWrapper(file, encoding=encoding, newline="")
    try:
        first = text.readline()
        delimiter = ";" if first.count(";") >= first.count(",") else ","
        header = [cell.strip().lower() for cell in next(csv.reader([first], delimiter=delimiter))]
        _check_header(header)
        reader = csv.reader(text, delimiter=delimiter)
        for number, values in enumerate(reader, start=2):
            if not any(value.strip() for value in values):
                continue
            yield number, {key: value.strip() for key, value in zip(header, values, strict=False)}
    finally:
        text.detach()


def _check_header(header: list[str]) -> None:
    missing = sorted(REQUIRED_COLUMNS - set(header))
    if missing:
        raise ImportRefused([(1, _("The header lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)})])


# --- Checking -----------------------------------------------------------------------------------


class Checker:
    """Checks rows one by one against the reference data, which it loads once."""

    def __init__(self, area: WelfareArea) -> None:
        self.area = area
        self.municipalities = {m.code: m for m in Municipality.objects.select_related("area")}
        self.areas = {a.code: a for a in WelfareArea.objects.all()}
        self.last_year = timezone.localdate().year + 1

    def parse(self, row: dict[str, str]) -> tuple[ParsedRow | None, list[str]]:
        problems: list[str] = []
        try:  # every cell is one line of text; a NUL byte in one would even crash PostgreSQL
            for value in row.values():
                if value:
                    no_control_characters(value)
        except ValidationError as error:
            problems.extend(error.messages)
        business_id = register_number = None
        if row.get("business_id"):
            try:
                business_id = ytunnus.format(ytunnus.validate(row["business_id"]))
            except NumberError:
                problems.append(_("the Business ID %(value)s is not valid") % {"value": row["business_id"]})
        if row.get("association_register_number"):
            match = REGISTER_NUMBER.match(row["association_register_number"].replace(" ", ""))
            if match:
                register_number = f"{int(match.group(1))}.{match.group(2)}"
            else:
                problems.append(
                    _("the register number %(value)s is not valid") % {"value": row["association_register_number"]}
                )
        if not row.get("business_id") and not row.get("association_register_number"):
            problems.append(_("give a Business ID or an association register number"))
        if not row.get("organisation_name"):
            problems.append(_("the organisation's name is missing"))
        municipality = self.municipalities.get(row.get("organisation_municipality_code", "").zfill(3))
        if municipality is None:
            problems.append(
                _("unknown municipality code %(value)s") % {"value": row.get("organisation_municipality_code")}
            )
        kind = row.get("funder_kind", "")
        funder_area = funder_municipality = None
        code = row.get("funder_code", "")
        if kind not in FundingRecord.FunderKind.values:
            problems.append(
                _("the funder kind must be one of %(kinds)s") % {"kinds": ", ".join(FundingRecord.FunderKind.values)}
            )
        elif kind == FundingRecord.FunderKind.MUNICIPALITY:
            funder_municipality = self.municipalities.get(code.zfill(3))
            if funder_municipality is None:
                problems.append(_("unknown municipality code %(value)s") % {"value": code})
            else:
                funder_area = funder_municipality.area
        elif kind in (FundingRecord.FunderKind.WELFARE_AREA, FundingRecord.FunderKind.JOINT_AUTHORITY):
            funder_area = self.areas.get(code.zfill(2)) if len(code) <= 2 else None
            if funder_area is None and code.zfill(3) in self.municipalities and kind == "joint_authority":
                funder_area = self.municipalities[code.zfill(3)].area
            if funder_area is None:
                problems.append(_("unknown area code %(value)s") % {"value": code})
        raw_year = row.get("year", "").strip()
        if funder_area is not None and funder_area != self.area:
            # An area imports its own history: another area's funding is that area's to import.
            problems.append(_("the funder %(value)s belongs to another wellbeing area") % {"value": code})
        year = int(raw_year) if raw_year.isascii() and raw_year.isdecimal() else None
        if year is None or not 1990 <= year <= self.last_year:
            problems.append(_("the year %(value)s is not plausible") % {"value": row.get("year", "")})
        amount = parse_amount(row.get("amount_eur", ""))
        if amount is None or amount <= 0:
            problems.append(
                _("the amount %(value)s is not a positive sum of euros") % {"value": row.get("amount_eur", "")}
            )
        if problems or municipality is None or year is None or amount is None:  # None gives a problem
            return None, problems
        return (
            ParsedRow(
                business_id,
                register_number,
                row["organisation_name"][:200],
                municipality,
                kind,
                funder_area,
                funder_municipality,
                (row.get("funder_name") or code)[:200],
                year,
                amount,
                row.get("grant_type", "")[:50],
                row.get("purpose", "")[:500],
            ),
            [],
        )


def parse_amount(value: str) -> Decimal | None:
    """``1 234,50`` and ``1234.50`` both mean 1234.50 euros."""
    amount = money.parse(value)
    return amount if amount is not None and amount < Decimal("1e10") else None


# --- Importing ----------------------------------------------------------------------------------


def sha256_of(file: IO[bytes]) -> str:
    file.seek(0)
    digest = hashlib.sha256()
    while chunk := file.read(1 << 16):
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def check(file: IO[bytes], name: str, area: WelfareArea) -> tuple[int, list[tuple[int, str]], dict[str, str]]:
    """Read every row; returns rows read, errors (line, message) and euros by year."""
    checker = Checker(area)
    errors: list[tuple[int, str]] = []
    totals: dict[str, Decimal] = {}
    count = 0
    try:
        for line, row in rows_of(file, name):
            count += 1
            parsed, problems = checker.parse(row)
            if parsed is None:  # a row with problems
                if len(errors) < MAX_ERRORS_KEPT:
                    errors.append((line, "; ".join(problems)))
            else:
                totals[str(parsed.year)] = totals.get(str(parsed.year), Decimal(0)) + parsed.amount
    except ImportRefused as refused:
        return count, refused.errors, {}
    except Exception:  # noqa: BLE001 - any unreadable file is refused with a message
        return count, [(1, _("The file cannot be read. Save it as CSV or XLSX with the header row first."))], {}
    if count == 0:
        errors.append((2, _("The file has no rows after the header.")))
    return count, errors, {year: str(total) for year, total in sorted(totals.items())}


def run(file: File, name: str, area: WelfareArea, user: User | None, dry_run: bool) -> FundingImport:
    """Check the file and, unless ``dry_run``, import it whole; the result is recorded either way."""
    digest = sha256_of(file)
    record = FundingImport(area=area, original_name=name[:255], sha256=digest, uploaded_by=user)
    if FundingImport.objects.filter(area=area, sha256=digest, state=FundingImport.State.IMPORTED).exists():
        record.state = FundingImport.State.REFUSED
        record.errors = [(1, _("This file has already been imported for this area."))]
        record.save()
        return record
    record.rows_read, record.errors, record.summary = check(file, name, area)
    if record.errors:
        record.state = FundingImport.State.REFUSED
    elif dry_run:
        record.state = FundingImport.State.PREVIEW
    record.file.save(name, file, save=False)
    if record.state:
        record.save()
        return record
    try:
        with transaction.atomic():
            record.state = FundingImport.State.IMPORTED
            record.save()
            record.rows_imported, record.organisations_created = _write(record, file, name)
            record.save(update_fields=["rows_imported", "organisations_created"])
            figures.schedule_refresh(area, [int(year) for year in record.summary])
    except IntegrityError:
        # The same file was imported a moment ago (a double click on "Import").
        record.pk, record.state, record.rows_imported = None, FundingImport.State.REFUSED, 0
        record.errors = [(1, _("This file has already been imported for this area."))]
        record.save()
    return record


def confirm(preview: FundingImport, user: User) -> FundingImport:
    """Import a file that was checked in a dry run."""
    with preview.file.open("rb") as file:
        return run(File(file), preview.original_name, preview.area, user, dry_run=False)


def _write(record: FundingImport, file: IO[bytes], name: str) -> tuple[int, int]:
    checker = Checker(record.area)
    by_business_id: dict[str, Organisation] = {}
    by_register: dict[str, Organisation] = {}
    batch: list[FundingRecord] = []
    written = created = 0
    for _line, row in rows_of(file, name):
        parsed, _problems = checker.parse(row)
        assert parsed is not None  # the file was checked before it is written
        organisation = by_business_id.get(parsed.business_id or "") or by_register.get(parsed.register_number or "")
        if organisation is None:
            organisation, was_created = _organisation(parsed)
            created += was_created
            if organisation.business_id:
                by_business_id[organisation.business_id] = organisation
            if organisation.register_number:
                by_register[organisation.register_number] = organisation
        batch.append(
            FundingRecord(
                organisation=organisation, funder_kind=parsed.funder_kind, funder_area=parsed.funder_area,
                funder_municipality=parsed.funder_municipality, funder_name=parsed.funder_name, year=parsed.year,
                amount=parsed.amount, grant_type=parsed.grant_type, purpose=parsed.purpose,
                source=FundingRecord.Source.IMPORT, import_batch=record,
            )
        )  # fmt: skip
        if len(batch) >= BATCH:
            written += len(FundingRecord.objects.bulk_create(batch))
            batch = []
    written += len(FundingRecord.objects.bulk_create(batch))
    return written, created


def _organisation(parsed: ParsedRow) -> tuple[Organisation, bool]:
    """The registered organisation, or a new unclaimed one that the NGO claims when it registers."""
    match = Organisation.objects.none()
    if parsed.business_id:
        match = Organisation.objects.filter(business_id=parsed.business_id)
    if not match.exists() and parsed.register_number:
        match = Organisation.objects.filter(register_number=parsed.register_number)
    found = match.first()
    if found is not None:
        return found, False
    organisation = Organisation.objects.create(
        name_fi=parsed.name,
        business_id=parsed.business_id,
        register_number=parsed.register_number,
        home_municipality=parsed.municipality,
        kind=Organisation.Kind.OTHER,
        origin=Organisation.Origin.IMPORTED,
    )
    return organisation, True
