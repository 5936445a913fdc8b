"""Demo funding for ``seed_demo``: the funding history of Varsinais-Suomi's organisations and two
newcomers, so that the continuity report shows every status."""

from __future__ import annotations

import datetime
from decimal import Decimal

from funding.models import FundingRecord
from grants.models import Application, GrantCall, Status
from organisations.models import Organisation
from portal.models import Municipality, User, WelfareArea


def seed(coordinator: User) -> None:
    seed_history()
    seed_newcomers(coordinator)


def seed_history() -> None:
    """Funding history of the organisations in Varsinais-Suomi: 2019-2022 from the municipalities
    and the joint municipal authority, 2023-2025 from the area; the demo decisions add more."""
    area = WelfareArea.objects.get(code="05")
    if FundingRecord.objects.filter(source=FundingRecord.Source.IMPORT, funder_area=area).exists():
        return
    records = []
    for index, organisation in enumerate(Organisation.objects.operating_in(area).order_by("pk")):
        base = Decimal(4000 + 1500 * index)
        for year in range(2019, 2026):
            if year <= 2022:
                kind = "joint_authority" if index % 3 == 0 else "municipality"
                municipality = organisation.home_municipality if kind == "municipality" else None
                name = municipality.name_fi if municipality else "Varsinais-Suomen sairaanhoitopiiri (kuntayhtymä)"
            else:
                kind, municipality, name = "welfare_area", None, area.name_fi
            records.append(
                FundingRecord(
                    organisation=organisation, funder_kind=kind, funder_area=area, funder_municipality=municipality,
                    funder_name=name, year=year, amount=base + 250 * (year - 2019), source="import",
                    grant_type="yleisavustus",
                )
            )  # fmt: skip
        if index % 4 == 1:
            records.append(
                FundingRecord(organisation=organisation, funder_kind="state", funder_name="STEA", year=2024,
                              amount=Decimal(20000), source="import")
            )  # fmt: skip
    FundingRecord.objects.bulk_create(records)


def seed_newcomers(coordinator: User) -> None:
    """Two newcomers to Varsinais-Suomi's funding, so that the continuity report shows every status:
    one funded for the first time in 2026, one whose first application is still being handled."""
    area = WelfareArea.objects.get(code="05")
    lieto = Municipality.objects.get(code="423")
    first_grant, _created = Organisation.objects.get_or_create(
        name_fi="Liedon Kerhotoiminta ry", defaults={"register_number": "270.101", "home_municipality": lieto}
    )
    FundingRecord.objects.get_or_create(
        organisation=first_grant, year=2026, funder_kind="welfare_area",
        defaults={"funder_area": area, "funder_name": area.name_fi, "amount": Decimal(6000), "source": "import"},
    )  # fmt: skip
    applicant, _created = Organisation.objects.get_or_create(
        name_fi="Liedon Nuorten Tuki ry", defaults={"register_number": "270.102", "home_municipality": lieto}
    )
    call = GrantCall.objects.filter(area=area, funding_year=2026).order_by("pk")[0]
    Application.objects.get_or_create(
        call=call, organisation=applicant,
        defaults={"title": "Nuorten olohuone", "status": Status.IN_REVIEW, "requested_amount": Decimal(9000),
                  "submitted_at": call.closes_at - datetime.timedelta(days=1), "created_by": coordinator},
    )  # fmt: skip
