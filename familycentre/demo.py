"""Demo family centres for ``seed_demo``: networks with members, agreements in every state, and
activities families can find."""

from __future__ import annotations

import datetime

from django.utils import timezone

from familycentre import services
from familycentre.models import AgreementStatus, CooperationAgreement, FamilyCentre, FamilyCentreActivity, NetworkMember
from organisations.models import Organisation
from portal.models import Municipality, User, WelfareArea

CENTRES = [
    # area, name in Finnish, Swedish and English, kind, municipalities, address
    (
        "05", "Turun perhekeskus", "Åbo familjecentral", "Turku family centre", FamilyCentre.Kind.PHYSICAL, ["853"],
        "Puutarhakatu 1, Turku",
    ),
    (
        "05", "Salon seudun perhekeskusverkosto", "Salonejdens familjecentralsnätverk",
        "Salo region family centre network", FamilyCentre.Kind.NETWORK, ["734"], "",
    ),
    (
        "90", "Helsingin itäinen perhekeskus", "Östra familjecentralen i Helsingfors", "Eastern Helsinki family centre",
        FamilyCentre.Kind.PHYSICAL, ["091"], "Itäkatu 5",
    ),
    (
        "19", "Oulun perhekeskus verkossa", "Uleåborgs familjecentral på nätet", "Oulu family centre online",
        FamilyCentre.Kind.ONLINE, ["564"], "",
    ),
]  # fmt: skip
# Each agreement state once, in Varsinais-Suomi.
STATES = [
    AgreementStatus.DRAFT, AgreementStatus.SENT, AgreementStatus.SIGNED, AgreementStatus.ACTIVE,
    AgreementStatus.EXPIRED, AgreementStatus.TERMINATED,
]  # fmt: skip


def seed(coordinator: User, ngo_admin: User) -> None:
    today = timezone.localdate()
    for code, name_fi, name_sv, name_en, kind, municipalities, address in CENTRES:
        area = WelfareArea.objects.get(code=code)
        centre, created = FamilyCentre.objects.get_or_create(
            area=area,
            name_fi=name_fi,
            defaults={
                "name_sv": name_sv,
                "name_en": name_en,
                "kind": kind,
                "address": address,
                "meeting_places_fi": "Perhekahvila\nLeikkipuisto",
                "meeting_places_sv": "Familjecafé\nLekpark",
                "meeting_places_en": "Family café\nPlayground",
            },
        )
        if not created:
            continue
        centre.municipalities.set(Municipality.objects.filter(code__in=municipalities))
        NetworkMember.objects.create(
            centre=centre, member_type="area_service", name="Lapsiperheiden palvelut", representative_name="Liisa Laine"
        )
        NetworkMember.objects.create(
            centre=centre, member_type="parish", name="Seurakuntayhtymä", representative_name="Pastori Mäki",
            joined_on=today - datetime.timedelta(days=400), left_on=today - datetime.timedelta(days=30),
        )  # fmt: skip
        for organisation in Organisation.objects.operating_in(area).order_by("pk")[:4]:
            NetworkMember.objects.create(
                centre=centre, member_type="ngo", organisation=organisation, representative_name="Järjestön edustaja",
                joined_on=today - datetime.timedelta(days=200),
            )  # fmt: skip
            # The organisation's café in every centre of its networks: one activity, found once.
            activity, _created = FamilyCentreActivity.objects.get_or_create(
                organisation=organisation, name_fi=f"Perhekahvila – {organisation.name_fi}",
                defaults={
                    "name_sv": f"Familjecafé – {organisation.name_sv or organisation.name_fi}",
                    "name_en": f"Family café – {organisation.name_fi}",
                    "description_fi": "Avoin kohtaamispaikka vauvaperheille ja vanhemmille.",
                    "description_sv": "En öppen mötesplats för babyfamiljer och föräldrar.",
                    "description_en": "An open meeting place for families with babies and for parents.",
                    "target_group": FamilyCentreActivity.TargetGroup.BABIES, "age_from": 0, "age_to": 3,
                    "serves_sv": organisation.serves_sv,
                    "time_and_place_fi": "Tiistaisin klo 10–12, perhekeskuksessa",
                    "time_and_place_sv": "Tisdagar kl. 10–12, på familjecentralen",
                    "time_and_place_en": "Tuesdays 10–12, at the family centre",
                    "contact": organisation.contact_email or "info@example.org",
                },
            )  # fmt: skip
            activity.centres.add(centre)
    main = FamilyCentre.objects.get(name_fi="Turun perhekeskus")
    if main.agreements.exists():
        return
    partners = list(services.network_organisations(main))
    for index, state in enumerate(STATES):
        organisation = partners[index % len(partners)]
        ending_soon = state == AgreementStatus.ACTIVE
        agreement = CooperationAgreement.objects.create(
            centre=main, organisation=organisation, status=state,
            scope="Vertaistukiryhmät ja perhekahvila perhekeskuksen tiloissa.",
            responsibilities="Järjestö vastaa ryhmien ohjauksesta; alue vastaa tiloista ja tiedottamisesta.",
            premises="Perhekeskuksen ryhmätila, tiistaisin.", area_contact="Sanna Virtanen, p. 040 123 4567",
            organisation_contact="Aino Järvinen", area_privacy_contact="tietosuoja@example.org",
            organisation_privacy_contact="tietosuoja@jarjesto.example.org",
            valid_from=today - datetime.timedelta(days=300 if state in (AgreementStatus.EXPIRED,) else 30),
            valid_to=today + datetime.timedelta(days=45 if ending_soon else 330)
            if state != AgreementStatus.EXPIRED else today - datetime.timedelta(days=5),
            created_by=coordinator,
            sent_by=coordinator if state != AgreementStatus.DRAFT else None,
            sent_at=timezone.now() if state != AgreementStatus.DRAFT else None,
            signed_by=ngo_admin if state not in (AgreementStatus.DRAFT, AgreementStatus.SENT) else None,
            signed_at=timezone.now() if state not in (AgreementStatus.DRAFT, AgreementStatus.SENT) else None,
        )  # fmt: skip
        if state != AgreementStatus.DRAFT:
            services.render_pdf(agreement.pk)
