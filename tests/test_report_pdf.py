"""The report's PDF on paper: every character on the page, in every language, with real names."""

from __future__ import annotations

import io
from decimal import Decimal

import pdfplumber
import pytest
from django.utils import translation
from django.utils.translation import gettext as _
from pypdf import PdfReader

from funding import reports
from funding.models import ContinuityReport, FundingRecord
from organisations.demo import business_id
from portal.models import Municipality
from tests.factories import ApplicationFactory, GrantCallFactory, OrganisationFactory, area

# Names as long as registered associations' names get, in both languages.
LONG_NAMES = [
    "Varsinais-Suomen Lastensuojelujärjestöjen Yhteistyöverkosto – Egentliga Finlands barnskyddsorganisationers "
    "samarbetsnätverk ry",
    "Kemiönsaaren Mielenterveys- ja Päihdetyön Vertaistukiyhdistys ry",
    "Pohjoisen Satakunnan ja Varsinais-Suomen Muistisairaiden Omaishoitajat ja Läheiset ry",
    "Svenska pensionärsförbundets lokalförening i Pargas och Nagu rf",
    "Lyhyt ry",
]


def long_named_report(language: str) -> ContinuityReport:
    """Changes of every kind, a reason, identifiers of both kinds, the longest names, and a call
    of the year without appropriation beside 73 200 € of the area's funding in the ledger."""
    kemionsaari = Municipality.objects.get(code="322")  # Kemiönsaari – Kimitoön
    amounts = [(12000, 12500), (8000, 4000), (5000, 0), (73200, 0), (0, 900), (2500, 0)]
    names = [*LONG_NAMES, "Paraisten Seudun Nuorisoseurojen ja Kotiseutuyhdistysten Liitto ry"]
    for index, (name, (baseline, current)) in enumerate(zip(names, amounts, strict=True)):
        organisation = OrganisationFactory(
            name_fi=name,
            business_id=business_id(3_100_000 + index) if index % 2 else None,
            register_number=None if index % 2 else f"{212 + index}.{345 + index}",
            home_municipality=kemionsaari,
        )
        for year, amount in ((2025, baseline), (2026, current)):
            if amount:
                FundingRecord.objects.create(
                    organisation=organisation, funder_kind="welfare_area", funder_area=area("05"),
                    funder_name="Varsinais-Suomen hyvinvointialue", year=year, amount=Decimal(amount), source="import",
                )  # fmt: skip
        if index == 5:  # withdrew its application: discontinued, with the longest reason
            ApplicationFactory(
                organisation=organisation, call=GrantCallFactory(funding_year=2026, budget=Decimal(0)),
                status="withdrawn",
            )  # fmt: skip
    return ContinuityReport.objects.create(area=area("05"), year=2026, baseline_year=2025, language=language)


def render(report: ContinuityReport) -> bytes:
    return reports.build(report, lambda value, stage: None).pdf


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_every_character_of_every_page_lies_on_the_page(language):
    pdf = render(long_named_report(language))
    outside = []
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            for char in page.chars:
                if char["x0"] < 0 or char["x1"] > page.width or char["top"] < 0 or char["bottom"] > page.height:
                    outside.append((page.page_number, char["text"], round(char["x0"]), round(char["top"])))
    assert outside == [], f"{len(outside)} characters off the page in {language}: {outside[:20]}"


def lines_of(pdf: bytes) -> list[str]:
    """The text lines of every page, no-break spaces as spaces."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [line["text"].replace("\xa0", " ") for page in document.pages for line in page.extract_text_lines()]


def identifier_heading(pdf: bytes, first_word: str) -> str:
    """The annex's identifier heading as printed, wrapped lines joined: the text in its column's
    box, from its first word down to the heading's rule."""
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        page = document.pages[-1]
        word = next(w for w in page.extract_words() if w["text"] == first_word)
        column = (page.width - 2 * 1.8 / 2.54 * 72) * 0.12  # the column's share of the table (.col-id)
        box = page.crop((word["x0"] - 1, word["top"] - 1, word["x0"] + column - 6, word["top"] + 30))  # less padding
        text = box.extract_text()
    return " ".join(text.replace("-\n", "").split())


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_annex_names_its_identifiers_keeps_changes_whole_and_the_appropriation_says_what_it_counts(language):
    pdf = render(long_named_report(language))
    lines = lines_of(pdf)
    # Three organisations lost all their funding; each change stays whole on its line.
    assert sum(1 for line in lines if "\u2212100,0 %" in line or "\u2212100.0 %" in line) == 3, lines
    assert not [line for line in lines if line.strip() in ("%", "\u2212", "-")]
    with translation.override(language):
        heading = _("Business ID or register number")
        appropriation = _("Appropriation of the area's calls for %(year)s") % {"year": 2026}
    # The heading whole, on its own lines; the box below it may reach the first row's identifier.
    assert identifier_heading(pdf, heading.split()[0]).startswith(heading)
    # The area's calls for the year have no appropriation; the ledger has 17 400 € of funding.
    assert [line for line in lines if line.startswith(appropriation)] == [
        f"{appropriation} {'0.00' if language == 'en' else '0,00'} €"
    ], lines
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]  # still tagged for PDF/UA
    assert "/StructTreeRoot" in reader.trailer["/Root"]
