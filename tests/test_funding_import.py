"""Importing historical funding: formats, line-numbered refusals, dry runs, duplicates, claiming."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from funding import imports
from funding.models import FundingImport, FundingRecord
from organisations.models import Organisation
from tests.conftest import once
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, area

pytestmark = pytest.mark.django_db

HEADER = [
    "business_id", "association_register_number", "organisation_name", "organisation_municipality_code",
    "funder_kind", "funder_code", "funder_name", "year", "amount_eur", "grant_type", "purpose",
]  # fmt: skip
GOOD = [
    ["1234567-1", "", "Kaarinan Kävelykaverit ry", "202", "municipality", "202", "Kaarinan kaupunki", "2021",
     "1 234,50", "yleisavustus", "toiminta"],
    ["", "123.456", "Pikkuyhdistys ry", "853", "joint_authority", "05", "Kuntayhtymä", "2022", "800.00", "", ""],
    ["1234567-1", "", "Kaarinan Kävelykaverit ry", "202", "welfare_area", "05", "Hyvinvointialue", "2023",
     "2000", "", ""],
]  # fmt: skip


def csv_bytes(rows: list[list[str]], delimiter: str = ";", encoding: str = "utf-8-sig") -> bytes:
    lines = [delimiter.join(HEADER)] + [delimiter.join(row) for row in rows]
    if delimiter == ",":
        lines = [",".join(f'"{cell}"' for cell in line.split(",")) for line in lines]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(content: bytes, name: str = "rahoitus.csv", dry_run: bool = False) -> FundingImport:
    """Import as a coordinator whose page is in English: the messages are written in that language."""
    with translation.override("en"):
        return imports.run(ContentFile(content, name=name), name, area("05"), None, dry_run)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("utf8-bom.csv", csv_bytes(GOOD)),
        ("utf8.csv", csv_bytes(GOOD, encoding="utf-8")),
        ("windows.csv", csv_bytes(GOOD, encoding="cp1252")),
        ("comma.csv", csv_bytes([[c.replace("1 234,50", "1234.50") for c in row] for row in GOOD], delimiter=",")),
        ("rahoitus.xlsx", xlsx_bytes(GOOD)),
    ],
)
def test_good_files_in_every_format_import_whole(name, content):
    record = run(content, name)
    assert (record.state, record.errors, record.rows_imported) == ("imported", [], 3)
    walker = Organisation.objects.get(business_id="1234567-1")
    assert walker.name_fi == "Kaarinan Kävelykaverit ry"
    assert sorted(walker.funding_records.values_list("amount", flat=True)) == [Decimal("1234.50"), Decimal("2000")]
    joint = FundingRecord.objects.get(funder_kind="joint_authority")
    assert (joint.organisation.register_number, joint.funder_area.code) == ("123.456", "05")
    municipal = FundingRecord.objects.get(funder_kind="municipality")
    assert (municipal.funder_municipality.code, municipal.funder_area.code) == ("202", "05")


@pytest.mark.parametrize("name", ["virheet.csv", "virheet.xlsx"])
def test_a_bad_file_is_refused_whole_with_a_message_per_line(name):
    bad = [
        GOOD[0],
        ["1234567-2", "", "Väärä tunnus ry", "202", "municipality", "202", "K", "2021", "100", "", ""],
        ["", "", "Ei tunnusta ry", "999", "bank", "x", "K", "1850", "-5", "", ""],
        GOOD[1],
    ]
    content = xlsx_bytes(bad) if name.endswith("xlsx") else csv_bytes(bad)
    record = run(content, name)
    assert record.state == "refused"
    assert [line for line, _message in record.errors] == [3, 4]
    assert "Business ID" in record.errors[0][1]
    for fragment in ("Business ID or an association register number", "municipality code 999", "funder kind",
                     "year 1850", "amount -5"):  # fmt: skip
        assert fragment in record.errors[1][1]
    assert not FundingRecord.objects.exists()
    assert not Organisation.objects.exists()


def test_a_dry_run_imports_nothing_and_can_be_confirmed():
    preview = run(csv_bytes(GOOD), dry_run=True)
    assert preview.state == "preview"
    assert preview.summary == {"2021": "1234.50", "2022": "800.00", "2023": "2000"}
    assert not FundingRecord.objects.exists()
    imported = imports.confirm(preview, UserFactory())
    assert imported.state == "imported"
    assert FundingRecord.objects.count() == 3


def test_the_same_file_twice_for_the_same_area_is_refused():
    assert run(csv_bytes(GOOD)).state == "imported"
    second = run(csv_bytes(GOOD))
    assert second.state == "refused"
    assert "already been imported" in second.errors[0][1]
    assert FundingRecord.objects.count() == 3


def test_unknown_organisations_become_unclaimed_and_the_ngo_claims_them(client):
    run(csv_bytes(GOOD))
    imported = Organisation.objects.get(register_number="123.456")
    assert not imported.memberships.exists()
    user = UserFactory()
    client.force_login(user)
    client.post(
        reverse("organisations:register"),
        {"name_fi": "Pikkuyhdistys ry", "register_number": "123456", "kind": "local",
         "home_municipality": imported.home_municipality_id, "languages": ["fi"], **once()},
    )  # fmt: skip
    imported.refresh_from_db()
    assert imported.memberships.get().user == user
    assert imported.funding_records.count() == 1
    assert Organisation.objects.count() == 2


def test_rows_for_registered_organisations_join_their_history():
    existing = MembershipFactory(organisation=OrganisationFactory(business_id="1234567-1")).organisation
    run(csv_bytes(GOOD))
    assert existing.funding_records.count() == 2


def test_the_command_exits_non_zero_on_a_bad_file(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([["", "", "x", "202", "municipality", "202", "K", "2021", "abc", "", ""]]))
    with pytest.raises(CommandError):
        call_command("import_funding", str(bad), "--area", "05")
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(GOOD))
    call_command("import_funding", str(good), "--area", "05", "--dry-run")
    assert not FundingRecord.objects.exists()
    call_command("import_funding", str(good), "--area", "05")
    assert FundingRecord.objects.count() == 3


def test_amounts_in_both_notations():
    assert imports.parse_amount("1 234,50") == Decimal("1234.50")
    assert imports.parse_amount("1\u00a0234,50") == Decimal("1234.50")
    assert imports.parse_amount("1234.50") == Decimal("1234.50")
    assert imports.parse_amount("12,3,4") is None


def test_an_area_imports_only_its_own_regional_funding():
    elsewhere = ["1234567-1", "", "Helsinkiläinen ry", "091", "municipality", "091", "Helsinki", "2021", "100", "", ""]
    record = run(csv_bytes([GOOD[0], elsewhere]))
    assert record.state == "refused"
    assert record.errors[0][0] == 3
    assert "another wellbeing area" in record.errors[0][1]
