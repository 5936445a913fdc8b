"""Demo organisations for ``seed_demo``: national and district organisations with local
associations under them, independent associations, in several areas, with documents."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.utils import timezone

from organisations.models import Membership, Organisation, OrganisationDocument
from portal.models import ActivityType, Municipality, Theme, User

Kind = Organisation.Kind

# A one-page PDF, so that demo documents download and open.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def business_id(base: int) -> str:
    """A valid Business ID (Y-tunnus) built from a seven-digit number. A number that has no valid
    check digit moves to the next one, so callers use even numbers to keep the IDs distinct."""
    digits = f"{base:07d}"
    remainder = sum(int(d) * w for d, w in zip(digits, (7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    if remainder == 1:
        return business_id(base + 1)
    return f"{digits}-{0 if remainder == 0 else 11 - remainder}"


# name, kind, parent name, home municipality, register number, themes, activity types, languages
ORGANISATIONS = [
    ("Mielenterveyden Keskusliitto ry", Kind.NATIONAL, None, "091", "100.001",
     ["mental-health"], ["advocacy", "peer-support"], ["fi", "sv", "en"]),
    ("Varsinais-Suomen Mielenterveysseura ry", Kind.DISTRICT, "Mielenterveyden Keskusliitto ry", "853", "198.765",
     ["mental-health"], ["peer-support", "counselling"], ["fi", "sv"]),
    ("Turun Mielenterveysyhdistys Aalto ry", Kind.LOCAL, "Varsinais-Suomen Mielenterveysseura ry", "853", "210.334",
     ["mental-health", "social-inclusion"], ["peer-support", "low-threshold"], ["fi"]),
    ("Salon Mielenterveysyhdistys Vire ry", Kind.LOCAL, "Varsinais-Suomen Mielenterveysseura ry", "734", "211.402",
     ["mental-health"], ["peer-support", "leisure"], ["fi"]),
    ("Åbolands Psykosociala Förening rf", Kind.LOCAL, "Varsinais-Suomen Mielenterveysseura ry", "445", "212.118",
     ["mental-health"], ["peer-support"], ["sv"]),
    ("Turun Perheyhdistys ry", Kind.INDEPENDENT, None, "853", "204.118",
     ["children-families"], ["low-threshold", "volunteering"], ["fi", "sv", "en"]),
    ("Salon Omaishoitajat ry", Kind.LOCAL, None, "734", None,
     ["family-carers", "older-people"], ["peer-support", "advocacy"], ["fi"]),
    ("Naantalin Muistiyhdistys ry", Kind.INDEPENDENT, None, "529", "215.660",
     ["memory-disorders", "older-people"], ["peer-support", "counselling"], ["fi"]),
    ("Helsingin Vertaistukiyhdistys ry", Kind.INDEPENDENT, None, "091", "187.402",
     ["substance-use", "mental-health"], ["peer-support", "low-threshold"], ["fi", "sv", "en", "other"]),
    ("Helsingin Perhekerho ry", Kind.LOCAL, None, "091", "220.501",
     ["children-families", "immigrants"], ["leisure", "volunteering"], ["fi", "en", "other"]),
    ("Uudenmaan Vammaisjärjestöjen Piiri ry", Kind.DISTRICT, None, "049", "150.220",
     ["disability"], ["advocacy", "counselling"], ["fi", "sv"]),
    ("Espoon Näkövammaiset ry", Kind.LOCAL, "Uudenmaan Vammaisjärjestöjen Piiri ry", "049", "230.117",
     ["disability"], ["peer-support", "leisure"], ["fi", "sv"]),
    ("Vantaan Nuorten Tuki ry", Kind.INDEPENDENT, None, "092", "231.009",
     ["young-people", "social-inclusion"], ["low-threshold", "volunteering"], ["fi", "en"]),
    ("Pirkanmaan Sydänpiiri ry", Kind.DISTRICT, None, "837", "160.330",
     ["long-term-illness"], ["counselling", "advocacy"], ["fi"]),
    ("Tampereen Sydänyhdistys ry", Kind.LOCAL, "Pirkanmaan Sydänpiiri ry", "837", "240.221",
     ["long-term-illness", "older-people"], ["peer-support", "leisure"], ["fi"]),
    ("Oulun Seudun Asunnottomien Tuki ry", Kind.INDEPENDENT, None, "564", "250.812",
     ["homelessness", "substance-use"], ["low-threshold", "volunteering"], ["fi"]),
    ("Pohjanmaan Turvakoti ry", Kind.INDEPENDENT, None, "905", "260.404",
     ["violence-prevention", "children-families"], ["counselling", "paid-service"], ["fi", "sv"]),
]  # fmt: skip


# One association the coordinator has not checked yet: its page, decisions and payments show it.
NOT_VERIFIED = "Turun Perheyhdistys ry"
SERVED_BY_POST = "Salon Mielenterveysyhdistys Vire ry"


def seed(admin: User, member: User, coordinator: User) -> list[Organisation]:
    organisations: dict[str | None, Organisation] = {}
    for index, (name, kind, parent, home, register_number, themes, activities, languages) in enumerate(ORGANISATIONS):
        home_municipality = Municipality.objects.get(code=home)
        organisation, _created = Organisation.objects.update_or_create(
            name_fi=name,
            defaults={
                "kind": kind,
                "parent": organisations.get(parent),
                "home_municipality": home_municipality,
                "business_id": None if name == "Turun Perheyhdistys ry" else business_id(2_345_670 + 13 * index),
                "register_number": register_number,
                "contact_email": f"info{index}@example.org",
                "description_fi": f"{name} tarjoaa vertaistukea, neuvontaa ja toimintaa alueellaan (demo).",
                "description_sv": f"{name} erbjuder kamratstöd, rådgivning och verksamhet i sitt område (demodata).",
                "iban": "FI2112345600000785",
                "verified_at": None if name == NOT_VERIFIED else timezone.now(),
                "verified_by": None if name == NOT_VERIFIED else coordinator,
                **{f"serves_{code}": code in languages for code in ("fi", "sv", "en", "other")},
                # A Swedish-speaking association (rf) receives its decisions in Swedish.
                "decision_language": "sv" if name.endswith(" rf") else "fi",
                # All but one consent to electronic service; that one's decisions are posted as letters.
                "electronic_service_consent_at": None if name == SERVED_BY_POST else timezone.now(),
            },
        )
        organisation.themes.set(Theme.objects.filter(code__in=themes))
        organisation.activity_types.set(ActivityType.objects.filter(code__in=activities))
        organisation.municipalities.set(Municipality.objects.filter(area=home_municipality.area)[:6])
        organisations[name] = organisation

    main = organisations["Varsinais-Suomen Mielenterveysseura ry"]
    Membership.objects.update_or_create(user=admin, organisation=main, defaults={"role": Membership.Role.ADMIN})
    Membership.objects.update_or_create(user=member, organisation=main, defaults={"role": Membership.Role.MEMBER})
    Organisation.objects.filter(pk=main.pk, first_member_at__isnull=True).update(first_member_at=timezone.now())
    for document_kind, year in (
        (OrganisationDocument.Kind.RULES, 2019),
        (OrganisationDocument.Kind.ANNUAL_REPORT, 2025),
    ):
        if not OrganisationDocument.objects.filter(organisation=main, kind=document_kind, year=year).exists():
            OrganisationDocument.objects.create(
                organisation=main,
                kind=document_kind,
                year=year,
                file=ContentFile(DEMO_PDF, name=f"{document_kind}.pdf"),
                original_name=f"{document_kind}-{year}.pdf",
                size=len(DEMO_PDF),
                uploaded_by=admin,
            )
    return list(organisations.values())
