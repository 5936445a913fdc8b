"""The national demo data set for ``seed_demo --scale national``: all 22 areas, organisations in
proportion to each area's population with national, district and local levels, five years of
funding in the ledger, calls for 2023-2026 in every area, applications in every state with their
reviews, decisions, payments and reports, family centres with networks and agreements.

Deterministic: one seeded ``random.Random`` and one seeded Faker are the only sources of chance
and every date is fixed (the data shows the portal as it stands on ``AS_OF``), so a seed gives
the same data on every run. Rows go in with ``bulk_create`` in batches: the full size takes about
a minute, not the hours that the services' one-row-at-a-time paths would.
"""

from __future__ import annotations

import datetime
import math
import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from faker import Faker
from stdnum import iban as iban_number

from familycentre.models import (
    AgreementStatus,
    CooperationAgreement,
    FamilyCentre,
    FamilyCentreActivity,
    NetworkMember,
)
from funding.models import FundingRecord
from grants import workflow
from grants.models import (
    Application,
    ApplicationEvent,
    BudgetLine,
    Decision,
    GrantCall,
    GrantType,
    OtherFunding,
    Payment,
    Review,
    ReviewAssignment,
    ScoringCriterion,
    Status,
    UseOfFundsReport,
    default_report_due,
)
from jarjestoportaali.demo import DEMO_PASSWORD
from organisations.demo import ORGANISATIONS as DEMO_ORGANISATIONS
from organisations.demo import business_id
from organisations.models import Membership, Organisation
from portal.models import ActivityType, AreaRole, Municipality, Theme, User, WelfareArea

T = TypeVar("T")
M = TypeVar("M", bound=models.Model)

BATCH_SIZE = 2000
ZONE = ZoneInfo("Europe/Helsinki")
AS_OF = datetime.date(2026, 11, 2)  # nothing in the data happens after this day
CALL_YEARS = (2023, 2024, 2025, 2026)
LEDGER_YEARS = range(2022, 2027)  # 2022 is the municipalities' last year before the reform
ORGANISATIONS = 11_000
APPLICATIONS = 15_000
YEAR_SHARE = {2023: 0.22, 2024: 0.24, 2025: 0.26, 2026: 0.28}  # applications grow year by year
TARGETED_SHARE = 0.25
MIN_ORGANISATIONS_PER_AREA = 4  # a district, locals under it and an independent, at any size
INHABITANTS_PER_CENTRE = 60_000

# Inhabitants at the end of 2023, rounded (Statistics Finland); only the proportions matter.
AREA_POPULATION = {
    "01": 99_000, "02": 202_000, "03": 496_000, "04": 285_000, "05": 487_000, "06": 213_000,
    "07": 170_000, "08": 535_000, "09": 205_000, "10": 161_000, "11": 126_000, "12": 130_000,
    "13": 248_000, "14": 163_000, "15": 275_000, "16": 190_000, "17": 176_000, "18": 68_000,
    "19": 417_000, "20": 70_000, "21": 176_000, "90": 675_000,
}  # fmt: skip
# The larger towns; an area's other municipalities share what is left of its population evenly.
TOWN_POPULATION = {
    "Helsinki": 675_000, "Espoo": 314_000, "Tampere": 250_000, "Vantaa": 247_000, "Oulu": 215_000,
    "Turku": 202_000, "Jyväskylä": 148_000, "Kuopio": 124_000, "Lahti": 121_000, "Pori": 84_000,
    "Kouvola": 79_000, "Joensuu": 78_000, "Lappeenranta": 73_000, "Hämeenlinna": 68_000, "Vaasa": 68_000,
    "Seinäjoki": 65_000, "Rovaniemi": 65_000, "Mikkeli": 52_000, "Porvoo": 51_000, "Salo": 51_000,
    "Kotka": 51_000, "Kokkola": 48_000, "Hyvinkää": 47_000, "Lohja": 46_000, "Järvenpää": 45_000,
    "Nurmijärvi": 44_000, "Kirkkonummi": 41_000, "Tuusula": 40_000, "Rauma": 39_000, "Kerava": 38_000,
    "Kajaani": 36_000, "Kaarina": 36_000, "Nokia": 35_000, "Kangasala": 34_000, "Ylöjärvi": 34_000,
    "Savonlinna": 31_000, "Vihti": 29_000, "Riihimäki": 28_000, "Raasepori": 27_000, "Lempäälä": 25_000,
    "Raisio": 25_000, "Imatra": 25_000, "Raahe": 24_000, "Sastamala": 24_000, "Hollola": 23_000,
    "Sipoo": 23_000, "Siilinjärvi": 22_000, "Tornio": 21_000, "Iisalmi": 21_000, "Valkeakoski": 21_000,
    "Mäntsälä": 21_000, "Kemi": 20_000, "Varkaus": 20_000, "Pirkkala": 20_000, "Jämsä": 20_000,
    "Lieto": 20_000, "Naantali": 20_000, "Kurikka": 20_000, "Pietarsaari": 19_000, "Mustasaari": 19_000,
    "Kempele": 19_000, "Hamina": 19_000, "Laukaa": 19_000,
}  # fmt: skip
# The share of Swedish-speaking associations, where it is more than a few.
SWEDISH_SHARE = {"17": 0.45, "01": 0.3, "03": 0.12, "18": 0.06, "05": 0.05, "90": 0.05}
BILINGUAL = 0.05  # from this Swedish share up an area's districts and centres also get Swedish names


@dataclass(frozen=True)
class Federation:
    """A national organisation with district organisations and local associations under it."""

    themes: tuple[str, ...]
    activities: tuple[str, ...]
    national: str
    district: str  # after the region's name in the genitive: "Pirkanmaan Mielenterveyspiiri ry"
    district_sv: str
    local_words: tuple[tuple[str, str], ...]  # (Finnish, Swedish) words that start a local name
    projects: tuple[str, ...]


FEDERATIONS = (
    Federation(("mental-health", "social-inclusion"), ("peer-support", "low-threshold", "counselling"),
               "Mielenterveysjärjestöjen Keskusliitto ry", "Mielenterveyspiiri", "mentalvårdsdistrikt",
               (("Mielenterveysyhdistys", "Föreningen för psykisk hälsa"),
                ("Kuntoutujayhdistys", "Rehabiliteringsföreningen"),
                ("Mielenterveysseura", "Sällskapet för psykisk hälsa")),
               ("Mielenterveyskuntoutujien vertaistukiryhmät", "Matalan kynnyksen kohtaamispaikka",
                "Klubitalon päivätoiminta", "Nuorten aikuisten mielenterveysryhmät")),
    Federation(("memory-disorders", "older-people"), ("peer-support", "counselling", "leisure"),
               "Muistiyhdistysten Keskusliitto ry", "Muistipiiri", "minnesdistrikt",
               (("Muistiyhdistys", "Minnesföreningen"), ("Muistikerho", "Minnesklubben")),
               ("Muistikahvilat ja vertaistukiryhmät", "Muistisairaiden omaisten tuki",
                "Muistiluotsin neuvontapiste")),
    Federation(("long-term-illness", "older-people"), ("peer-support", "counselling"),
               "Sydänjärjestöjen Keskusliitto ry", "Sydänyhdistysten piiri", "hjärtdistrikt",
               (("Sydänyhdistys", "Hjärtföreningen"), ("Sydänkerho", "Hjärtklubben")),
               ("Sydänkuntoutujien liikuntaryhmät", "Sydänterveyden neuvontaillat")),
    Federation(("family-carers", "older-people"), ("peer-support", "advocacy", "leisure"),
               "Omaishoitajajärjestöjen Liitto ry", "Omaishoitajapiiri", "närståendevårdardistrikt",
               (("Omaishoitajayhdistys", "Närståendevårdarföreningen"),
                ("Omaishoitajat ja läheiset", "Närståendevårdare och vänner")),
               ("Omaishoitajien vertaistuki ja virkistys", "Omaishoitajien jaksamista tukeva toiminta")),
    Federation(("children-families",), ("low-threshold", "volunteering", "leisure"),
               "Lapsiperhejärjestöjen Liitto ry", "Perhepiiri", "familjedistrikt",
               (("Perheyhdistys", "Familjeföreningen"), ("Perhekerho", "Familjeklubben"),
                ("Vanhempainyhdistys", "Föräldraföreningen")),
               ("Perhekahvila ja vanhempien vertaistuki", "Vauvaperheiden vapaaehtoinen kotiapu",
                "Isä-lapsi-toiminta")),
    Federation(("young-people", "social-inclusion"), ("low-threshold", "leisure", "volunteering"),
               "Nuorten Tuen Keskusliitto ry", "Nuorisopiiri", "ungdomsdistrikt",
               (("Nuorisoyhdistys", "Ungdomsföreningen"), ("Nuorten tukiyhdistys", "Stödföreningen för unga")),
               ("Nuorten olohuone", "Etsivä nuorisotyö ja vertaisryhmät", "Nuorten mielenterveyttä tukevat ryhmät")),
    Federation(("disability",), ("advocacy", "peer-support", "leisure"),
               "Vammaisjärjestöjen Yhteisliitto ry", "Vammaispiiri", "handikappdistrikt",
               (("Vammaisyhdistys", "Handikappföreningen"), ("Näkövammaisyhdistys", "Synskadeföreningen"),
                ("Kuulovammaisyhdistys", "Hörselföreningen")),
               ("Esteetön harrastustoiminta", "Vammaisten henkilöiden vertaistuki", "Avustajatoiminnan koordinointi")),
    Federation(("older-people", "social-inclusion"), ("leisure", "volunteering", "peer-support"),
               "Eläkeläisjärjestöjen Keskusliitto ry", "Eläkeläispiiri", "pensionärsdistrikt",
               (("Eläkeläisyhdistys", "Pensionärsföreningen"), ("Seniorikerho", "Seniorklubben")),
               ("Ikäihmisten liikunta ja virkistys", "Yksinäisyyttä ehkäisevä ystävätoiminta", "Senioreiden digituki")),
    Federation(("substance-use", "mental-health"), ("peer-support", "low-threshold"),
               "Päihdetyön Keskusliitto ry", "Päihdetyön piiri", "distrikt för missbruksarbete",
               (("Päihdekuntoutujayhdistys", "Föreningen för missbruksrehabilitering"),
                ("Raittiusyhdistys", "Nykterhetsföreningen")),
               ("Päihdekuntoutujien vertaistuki", "Matalan kynnyksen päiväkeskus", "Ehkäisevä päihdetyö nuorille")),
    Federation(("long-term-illness",), ("peer-support", "counselling"),
               "Diabetesjärjestöjen Liitto ry", "Diabetespiiri", "diabetesdistrikt",
               (("Diabetesyhdistys", "Diabetesföreningen"),),
               ("Diabeetikkojen ryhmäohjaus", "Diabetesneuvonta ja vertaistuki")),
    Federation(("immigrants", "social-inclusion"), ("low-threshold", "counselling", "volunteering"),
               "Monikulttuuristen Järjestöjen Liitto ry", "Monikulttuurinen piiri", "mångkulturellt distrikt",
               (("Monikulttuurinen yhdistys", "Mångkulturella föreningen"),
                ("Kotoutumisyhdistys", "Integrationsföreningen")),
               ("Kielikahvilat ja kotoutumisen tuki", "Maahan muuttaneiden perheiden vertaistuki")),
    Federation(("violence-prevention", "children-families"), ("counselling", "paid-service"),
               "Turvakotiyhdistysten Liitto ry", "Turvakotipiiri", "skyddshemsdistrikt",
               (("Ensi- ja turvakotiyhdistys", "Mödra- och skyddshemsföreningen"),),
               ("Eroauttaminen ja väkivaltatyö", "Lähisuhdeväkivaltaa kokeneiden vertaistuki")),
    Federation(("homelessness", "social-inclusion"), ("low-threshold", "volunteering"),
               "Asunnottomien Tuen Keskusliitto ry", "Asumisen tuen piiri", "boendestödsdistrikt",
               (("Asumisen tuen yhdistys", "Boendestödsföreningen"),),
               ("Asunnottomien päiväkeskus", "Asumisen tuki ja neuvonta")),
)  # fmt: skip
# Village and residents' associations: the "other" kind, without a federation above them.
NEIGHBOURHOOD = Federation(
    ("social-inclusion", "older-people"), ("volunteering", "leisure"), "", "", "",
    (("Kyläyhdistys", "Byaföreningen"), ("Asukasyhdistys", "Invånarföreningen")),
    ("Kylätalon avoin kohtaamispaikka", "Asukastalon yhteisöllinen toiminta"),
)  # fmt: skip
FAMILY_THEMES = {"children-families", "young-people", "immigrants", "violence-prevention"}

# What follows the first word of a local association's name, in Finnish and in Swedish.
NICKNAMES = (
    ("Majakka", "Fyren"), ("Ankkuri", "Ankaret"), ("Silta", "Bron"), ("Lähde", "Källan"), ("Kipinä", "Gnistan"),
    ("Tähti", "Stjärnan"), ("Aalto", "Vågen"), ("Purje", "Seglet"), ("Kompassi", "Kompassen"), ("Lyhty", "Lyktan"),
    ("Satama", "Hamnen"), ("Pihlaja", "Rönnen"), ("Koivu", "Björken"), ("Tammi", "Eken"), ("Vaahtera", "Lönnen"),
    ("Sateenkaari", "Regnbågen"), ("Tuuli", "Vinden"), ("Luoto", "Skäret"), ("Saari", "Holmen"), ("Ranta", "Stranden"),
    ("Polku", "Stigen"), ("Virta", "Strömmen"), ("Kallio", "Berget"), ("Niitty", "Ängen"), ("Lumme", "Näckrosen"),
    ("Kanerva", "Ljungen"), ("Kataja", "Enen"), ("Haapa", "Aspen"), ("Pääsky", "Svalan"), ("Joutsen", "Svanen"),
    ("Kurki", "Tranan"), ("Kuusi", "Granen"), ("Mänty", "Tallen"), ("Aamu", "Morgonen"), ("Auringonkukka", "Solrosen"),
    ("Kide", "Kristallen"), ("Helmi", "Pärlan"), ("Kello", "Klockan"), ("Tupa", "Stugan"), ("Pilvi", "Molnet"),
    ("Kuu", "Månen"), ("Revontuli", "Norrskenet"), ("Lintu", "Fågeln"), ("Haukka", "Höken"), ("Karhu", "Björnen"),
    ("Kettu", "Räven"), ("Jänis", "Haren"), ("Lilja", "Liljan"), ("Ruusu", "Rosen"), ("Kielo", "Liljekonvaljen"),
    ("Sammal", "Mossan"), ("Laituri", "Bryggan"), ("Verso", "Skottet"), ("Taimi", "Plantan"), ("Puro", "Bäcken"),
    ("Lampi", "Tjärnen"), ("Harju", "Åsen"), ("Tunturi", "Fjället"), ("Metsä", "Skogen"), ("Pelto", "Åkern"),
    ("Kaari", "Bågen"), ("Tuike", "Glimten"), ("Sointu", "Ackordet"), ("Kaiku", "Ekot"), ("Kajo", "Skimret"),
    ("Ilo", "Glädjen"), ("Toivo", "Hoppet"), ("Voima", "Kraften"), ("Yhteys", "Kontakten"), ("Pesä", "Boet"),
    ("Majatalo", "Värdshuset"), ("Kynttilä", "Ljuset"), ("Soutaja", "Roddaren"), ("Peili", "Spegeln"),
    ("Avain", "Nyckeln"), ("Lukko", "Låset"), ("Porras", "Trappan"), ("Ikkuna", "Fönstret"), ("Ovi", "Dörren"),
    ("Kivi", "Stenen"), ("Sula", "Tövädret"), ("Kevät", "Våren"), ("Kesä", "Sommaren"), ("Syksy", "Hösten"),
    ("Talvi", "Vintern"), ("Hetki", "Stunden"), ("Sydän", "Hjärtat"), ("Käsi", "Handen"), ("Askel", "Steget"),
    ("Kumppani", "Kamraten"), ("Ystävä", "Vännen"), ("Naapuri", "Grannen"), ("Tukipilari", "Stödpelaren"),
)  # fmt: skip
ADJECTIVES = (
    ("Sininen", "Blå"), ("Valkoinen", "Vita"), ("Vihreä", "Gröna"), ("Kultainen", "Gyllene"), ("Pieni", "Lilla"),
    ("Iso", "Stora"), ("Uusi", "Nya"), ("Vanha", "Gamla"), ("Kirkas", "Klara"), ("Lämmin", "Varma"),
    ("Hyvä", "Goda"), ("Iloinen", "Glada"), ("Vapaa", "Fria"), ("Yhteinen", "Gemensamma"), ("Punainen", "Röda"),
)  # fmt: skip

# The final states of applications per funding year and grant type, in per cent. "rejected" is a
# decided application whose decision rejects it. The 2026 general call was decided in the spring;
# the 2026 targeted call closed at the end of September and is being handled now.
REJECTED = "rejected"
S = Status
HANDLED_MIX = {S.CLOSED: 78, S.PAID: 3, S.REPORT_RETURNED: 1, REJECTED: 10, S.WITHDRAWN: 4, S.DRAFT: 4}
STATE_MIX = {
    (2023, GrantType.GENERAL): HANDLED_MIX,
    (2024, GrantType.GENERAL): HANDLED_MIX,
    (2025, GrantType.GENERAL): {S.CLOSED: 58, S.REPORT_SUBMITTED: 12, S.REPORT_RETURNED: 4, S.PAID: 6, REJECTED: 10,
                                S.WITHDRAWN: 5, S.DRAFT: 5},
    (2026, GrantType.GENERAL): {S.PAID: 66, S.REPORT_SUBMITTED: 4, S.DECIDED: 3, REJECTED: 12, S.WITHDRAWN: 5,
                                S.DRAFT: 10},
    (2023, GrantType.TARGETED): HANDLED_MIX,
    (2024, GrantType.TARGETED): HANDLED_MIX,
    (2025, GrantType.TARGETED): {S.CLOSED: 62, S.REPORT_SUBMITTED: 10, S.REPORT_RETURNED: 3, S.PAID: 6, REJECTED: 9,
                                 S.WITHDRAWN: 5, S.DRAFT: 5},
    (2026, GrantType.TARGETED): {S.SUBMITTED: 22, S.IN_REVIEW: 33, S.INFO_REQUESTED: 10, S.DECIDED: 17, REJECTED: 6,
                                 S.WITHDRAWN: 6, S.DRAFT: 6},
}  # fmt: skip
DECIDED = {S.DECIDED, S.PAID, S.REPORT_SUBMITTED, S.REPORT_RETURNED, S.CLOSED, REJECTED}
PAID = {S.PAID, S.REPORT_SUBMITTED, S.REPORT_RETURNED, S.CLOSED}
REPORTED = {S.REPORT_SUBMITTED, S.REPORT_RETURNED, S.CLOSED}
PENDING = {S.SUBMITTED, S.IN_REVIEW, S.INFO_REQUESTED}
REVIEWED = DECIDED | {S.IN_REVIEW, S.INFO_REQUESTED}
APPLICATION_CHUNK = 3000  # applications built and inserted at a time, with everything under them
KIND_WEIGHT = {"national": 1, "district": 4, "independent": 1.5, "local": 1, "other": 0.5}  # how keen to apply
WIDE = {Organisation.Kind.NATIONAL, Organisation.Kind.DISTRICT}
UUSIMAA = {"01", "02", "03", "04", "90"}  # the former hospital district of Helsinki and Uusimaa
CALL_TITLES: dict[str, tuple[str, str]] = {
    GrantType.GENERAL: (
        "Sosiaali- ja terveysjärjestöjen yleisavustukset {year}",
        "Allmänna understöd till social- och hälsoorganisationer {year}",
    ),
    GrantType.TARGETED: (
        "Hyvinvoinnin ja terveyden edistämisen kohdeavustukset {year}",
        "Riktade understöd för främjande av välfärd och hälsa {year}",
    ),
}
EXPENSE_CATEGORIES = (
    BudgetLine.Category.SALARIES, BudgetLine.Category.ACTIVITIES, BudgetLine.Category.PREMISES,
    BudgetLine.Category.TRAVEL, BudgetLine.Category.ADMINISTRATION,
)  # fmt: skip
HYTE = "Hyvinvoinnin ja terveyden edistäminen"

CRITERIA = (
    ("Toiminnan vaikuttavuus", "Verksamhetens effekt", 3),
    ("Kohderyhmän tavoittaminen", "Hur väl verksamheten når målgruppen", 2),
    ("Talouden realistisuus", "En realistisk budget", 1),
)
REQUEST_TEXTS = (
    "Toimittakaa tarkennettu talousarvio, josta näkyvät henkilöstökulut.",
    "Kertokaa tarkemmin, miten vapaaehtoiset koulutetaan ja miten heitä ohjataan.",
    "Kuvatkaa, missä kunnissa toimintaa järjestetään ja kuinka usein.",
)
ANSWER_TEXTS = (
    "Tarkennettu talousarvio on nyt hakemuksessa.",
    "Vapaaehtoiset koulutetaan kahdesti vuodessa, ja ohjaaja tapaa heidät kuukausittain.",
    "Ryhmät kokoontuvat viikoittain kotikunnassamme ja joka toinen viikko naapurikunnassa.",
)
RETURN_TEXTS = (
    "Selvityksestä puuttuu tuloslaskelma. Liittäkää se ja lähettäkää selvitys uudelleen.",
    "Kertokaa, mihin avustuksesta käyttämättä jäänyt osuus on tarkoitus käyttää.",
)
RATIONALES: dict[str, str] = {
    Decision.Outcome.APPROVED: "Hakemus vastaa haun painopisteitä, ja toiminta on vakiintunutta ja tuloksellista.",
    Decision.Outcome.PARTLY_APPROVED: "Avustus myönnetään osittain, jotta määräraha riittää alueen hakijoille.",
    Decision.Outcome.REJECTED: "Haettu toiminta ei vastaa haun painopisteitä eikä kohdistu riittävästi alueelle.",
}
REVIEW_OUTCOME: dict[str, str] = {
    Decision.Outcome.APPROVED: Review.Outcome.APPROVE,
    Decision.Outcome.PARTLY_APPROVED: Review.Outcome.APPROVE_PARTLY,
    Decision.Outcome.REJECTED: Review.Outcome.REJECT,
}
SCORE_RANGE: dict[str, tuple[int, int]] = {
    Review.Outcome.APPROVE: (4, 5),
    Review.Outcome.APPROVE_PARTLY: (3, 4),
    Review.Outcome.REJECT: (1, 3),
}
REVIEW_COMMENTS: dict[str, str] = {
    Review.Outcome.APPROVE: "Selkeä suunnitelma ja realistinen talousarvio.",
    Review.Outcome.APPROVE_PARTLY: "Hyvä toiminta, mutta talousarviossa on karsittavaa.",
    Review.Outcome.REJECT: "Toiminta ei kohdistu haun painopisteisiin.",
}
STATE_FUNDER = "Sosiaali- ja terveysjärjestöjen avustuskeskus STEA"
OTHER_FUNDERS = ("Suomen Kulttuurirahasto", "Evankelis-luterilainen seurakuntayhtymä", "Paikallinen säätiö")
# Name in Finnish, Swedish and English, target group, ages.
FAMILY_ACTIVITIES = (
    ("Perhekahvila", "Familjecafé", "Family café", FamilyCentreActivity.TargetGroup.WHOLE_FAMILY, None, None),
    ("Vauvaryhmä", "Babygrupp", "Baby group", FamilyCentreActivity.TargetGroup.BABIES, 0, 1),
    (
        "Isä-lapsi-kerho", "Pappa-barn-klubb", "Father and child club",
        FamilyCentreActivity.TargetGroup.UNDER_SCHOOL_AGE, 1, 6,
    ),
    ("Läksykerho", "Läxklubb", "Homework club", FamilyCentreActivity.TargetGroup.SCHOOL_CHILDREN, 7, 12),
    (
        "Vanhempien vertaistukiryhmä", "Kamratstödsgrupp för föräldrar", "Peer support group for parents",
        FamilyCentreActivity.TargetGroup.PARENTS, None, None,
    ),
    ("Nuorten ilta", "Ungdomskväll", "Youth evening", FamilyCentreActivity.TargetGroup.YOUNG_PEOPLE, 13, 17),
    (
        "Odottavien perheiden ryhmä", "Grupp för väntande familjer", "Group for expecting families",
        FamilyCentreActivity.TargetGroup.EXPECTING, None, None,
    ),
)  # fmt: skip
WEEKDAYS = (
    ("Maanantaisin", "Måndagar", "Mondays"), ("Tiistaisin", "Tisdagar", "Tuesdays"),
    ("Keskiviikkoisin", "Onsdagar", "Wednesdays"), ("Torstaisin", "Torsdagar", "Thursdays"),
)  # fmt: skip
# Where a town has several centres, each is named after its part of town.
CENTRE_PARTS = (
    ("keskusta", "centrum"), ("itä", "öst"), ("länsi", "väst"), ("pohjoinen", "norr"), ("etelä", "söder"),
    ("koillinen", "nordost"), ("kaakko", "sydost"), ("luode", "nordväst"), ("lounas", "sydväst"), ("keskinen", "mitt"),
)  # fmt: skip
NETWORK_SERVICES = (
    (NetworkMember.Type.AREA_SERVICE, "Lapsiperheiden palvelut"),
    (NetworkMember.Type.MUNICIPAL_EDUCATION, "Varhaiskasvatus ja perusopetus"),
    (NetworkMember.Type.PARISH, "Evankelis-luterilainen seurakunta"),
    (NetworkMember.Type.OTHER, "Kirjasto- ja kulttuuripalvelut"),
)
A = AgreementStatus
AGREEMENT_MIX = {A.ACTIVE: 60, A.SIGNED: 8, A.SENT: 12, A.DRAFT: 12, A.EXPIRED: 8}
AGREEMENT_MIX_AFTER_LEAVING = {A.TERMINATED: 1, A.EXPIRED: 1}
# The signatures each state has: <stamp>_by and <stamp>_at of CooperationAgreement.
AGREEMENT_STEPS: dict[str, tuple[str, ...]] = {
    A.DRAFT: (), A.SENT: ("sent",), A.SIGNED: ("sent", "signed"), A.ACTIVE: ("sent", "signed", "countersigned"),
    A.EXPIRED: ("sent", "signed", "countersigned"), A.TERMINATED: ("sent", "signed", "countersigned"),
}  # fmt: skip
COUNTS = (
    "organisations", "memberships", "users", "funding_records", "calls", "applications", "events", "reviews",
    "decisions", "payments", "reports", "centres", "network_members", "activities", "agreements",
)  # fmt: skip
COUNTED = {
    ApplicationEvent: "events", Review: "reviews", Decision: "decisions", Payment: "payments",
    UseOfFundsReport: "reports", FundingRecord: "funding_records",
}  # fmt: skip
# In Finnish, Swedish and English.
MEETING_PLACES = (
    ("Perhekahvila", "Familjecafé", "Family café"), ("Leikkipuisto", "Lekpark", "Playground"),
    ("Kirjaston satuhuone", "Bibliotekets sagorum", "The library's story room"),
    ("Asukastalo", "Invånarhus", "Residents' house"), ("Seurakuntakoti", "Församlingshem", "Parish hall"),
    ("Nuorisotila", "Ungdomslokal", "Youth club"),
)  # fmt: skip


def meeting_places(places: Sequence[tuple[str, str, str]], bilingual: bool) -> dict[str, str]:
    """A centre's meeting places, one a line, in Finnish and English, and in Swedish where the area is bilingual."""
    return {
        "meeting_places_fi": "\n".join(fi for fi, _sv, _en in places),
        "meeting_places_sv": "\n".join(sv for _fi, sv, _en in places) if bilingual else "",
        "meeting_places_en": "\n".join(en for _fi, _sv, en in places),
    }


class NationalDataExists(Exception):
    """The national data set is already in the database."""


@dataclass(eq=False)
class OrgInfo:
    """An organisation as the seed plans it: the row and what the row does not hold."""

    row: Organisation
    area: WelfareArea
    federation: Federation
    swedish: bool
    scale: int  # the euros a year the organisation typically applies for
    theme_codes: list[str]
    activity_ids: list[int]
    municipality_ids: list[int]
    admin: User | None = None


@dataclass(eq=False)
class CallPlan:
    area: WelfareArea
    year: int
    grant_type: str
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    review_starts: datetime.datetime
    decided_at: datetime.datetime
    reference: str
    max_amount: int
    applications: list[ApplicationPlan] = field(default_factory=list)
    row: GrantCall | None = None
    criteria: list[ScoringCriterion] = field(default_factory=list)


@dataclass(eq=False)
class ApplicationPlan:
    organisation: OrgInfo
    call: CallPlan
    state: str = ""
    requested: int = 0
    granted: int = 0
    outcome: str = ""


@dataclass(eq=False)
class AgreementPlan:
    centre: FamilyCentre
    organisation: OrgInfo
    status: str


@dataclass(frozen=True)
class Staff:
    coordinator: User
    reviewer: User
    decision_maker: User


def national_data_exists() -> bool:
    return User.objects.filter(email__startswith="coordinator-", email__endswith="@example.org").exists()


@transaction.atomic
def seed_national(size: float = 1.0, seed: int = 2026) -> dict[str, int]:
    """Build the national data set; ``size`` scales every count (1.0: 11,000 organisations and
    15,000 applications). Returns how many rows of each kind were made. All or nothing."""
    if not settings.DEMO_MODE:
        raise ImproperlyConfigured("Demo users are created only with PORTAL_DEMO_MODE=true.")
    if size <= 0:
        raise ValueError("The size must be positive.")
    if national_data_exists():
        raise NationalDataExists(
            "The national data set is already in this database; build it into a new one "
            "(createdb, migrate, then seed_demo --scale national)."
        )
    return NationalBuilder(size, seed).build()


def apportion(total: int, weights: Mapping[T, float]) -> dict[T, int]:
    """``total`` split in proportion to ``weights`` in whole numbers that add up (largest remainder)."""
    whole = sum(weights.values())
    exact = {key: total * weight / whole for key, weight in weights.items()}
    shares = {key: math.floor(value) for key, value in exact.items()}
    by_remainder = sorted(exact, key=lambda key: exact[key] - shares[key], reverse=True)
    for key in by_remainder[: total - sum(shares.values())]:
        shares[key] += 1
    return shares


def finnish_iban(rng: random.Random) -> str:
    """A valid Finnish IBAN: a bank's digit, the account, its Luhn digit, then the IBAN check digits."""
    digits = rng.choice("12345678") + "".join(rng.choice("0123456789") for _ in range(12))
    total = sum(sum(divmod(int(d) * (2 if i % 2 == 0 else 1), 10)) for i, d in enumerate(reversed(digits)))
    bban = digits + str(-total % 10)
    return f"FI{iban_number.calc_check_digits('FI00' + bban)}{bban}"


def round_to(value: float, step: int) -> int:
    return max(step, round(value / step) * step)


def days(count: float) -> datetime.timedelta:
    return datetime.timedelta(days=count)


class NationalBuilder:
    def __init__(self, size: float, seed: int) -> None:
        self.size = size
        self.rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
        self.fake = Faker("fi_FI")
        self.fake.seed_instance(seed)
        self.password = make_password(DEMO_PASSWORD)  # once: hashing is slow on purpose
        self.counts: dict[str, int] = dict.fromkeys(COUNTS, 0)
        self.areas = list(WelfareArea.objects.order_by("code"))
        self.municipalities: dict[int, list[Municipality]] = defaultdict(list)
        for municipality in Municipality.objects.order_by("code"):
            self.municipalities[municipality.area_id].append(municipality)
        self.themes = dict(Theme.objects.values_list("code", "pk"))
        self.activity_types = dict(ActivityType.objects.values_list("code", "pk"))
        self.staff: dict[int, Staff] = {}
        self.organisations: list[OrgInfo] = []
        self.calls: list[CallPlan] = []
        self.used_names = {row[0] for row in DEMO_ORGANISATIONS}  # the demo seed finds its rows by name
        self.end = datetime.datetime.combine(AS_OF, datetime.time(15, 0), ZONE)

    def build(self) -> dict[str, int]:
        self.create_staff()
        self.create_organisations()
        self.plan_applications()
        agreements = self.create_family_centres()
        self.create_admins(
            [plan.organisation for call in self.calls for plan in call.applications]
            + [plan.organisation for plan in agreements]
        )
        self.create_calls()
        self.create_applications()
        self.create_history()
        self.create_agreements(agreements)
        return self.counts

    # --- Helpers --------------------------------------------------------------------------------

    def insert(self, model: type[M], rows: Sequence[M], count_as: str = "") -> None:
        model._default_manager.bulk_create(rows, batch_size=BATCH_SIZE)
        if count_as:
            self.counts[count_as] += len(rows)

    def scaled(self, count: int) -> int:
        return round(count * self.size)

    def between(self, start: datetime.datetime, end: datetime.datetime) -> datetime.datetime:
        """A moment in [start, end], never after the data's last day."""
        moment = min(start + (end - start) * self.rng.random(), self.end)
        return moment.replace(second=0, microsecond=0)

    def weighted_sample(self, items: Sequence[T], weights: Sequence[float], k: int) -> list[T]:
        """``k`` distinct items, the heavier more likely (Efraimidis-Spirakis)."""
        keys = [self.rng.random() ** (1 / weight) for weight in weights]
        order = sorted(range(len(items)), key=keys.__getitem__, reverse=True)
        return [items[index] for index in order[:k]]

    def new_users(self, people: list[tuple[str, str]]) -> list[User]:
        """Users with a verified email who log in with the demo password: (email, language)."""
        joined = datetime.datetime(2023, 1, 2, 9, 0, tzinfo=ZONE)
        users = [
            User(
                email=email,
                full_name=self.fake.name(),
                preferred_language=language,
                password=self.password,
                date_joined=joined,
            )
            for email, language in people
        ]
        self.insert(User, users, "users")
        self.insert(EmailAddress, [EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users])
        return users

    def region(self, area: WelfareArea, language: str = "fi") -> str:
        """The area's region in the genitive, as names use it: "Pirkanmaan", "Birkalands"."""
        if language == "sv":
            return area.name_sv.removesuffix(" välfärdsområde").removesuffix(" stad")
        return area.name_fi.removesuffix(" hyvinvointialue").removesuffix(" kaupunki")

    def town_weights(self, area: WelfareArea) -> list[float]:
        towns = self.municipalities[area.pk]
        known = sum(TOWN_POPULATION.get(town.name_fi, 0) for town in towns)
        others = sum(1 for town in towns if town.name_fi not in TOWN_POPULATION)
        rest = max(1_500, (AREA_POPULATION[area.code] - known) / others) if others else 0
        return [TOWN_POPULATION.get(town.name_fi, rest) for town in towns]

    # --- The areas' staff -----------------------------------------------------------------------

    def create_staff(self) -> None:
        roles = (AreaRole.Role.COORDINATOR, AreaRole.Role.REVIEWER, AreaRole.Role.DECISION_MAKER)
        people = [(f"{role.replace('_', '-')}-{area.code}@example.org", "fi") for area in self.areas for role in roles]
        users = iter(self.new_users(people))
        assignments = []
        for area in self.areas:
            staff = Staff(next(users), next(users), next(users))
            self.staff[area.pk] = staff
            for user, role in zip((staff.coordinator, staff.reviewer, staff.decision_maker), roles, strict=True):
                assignments.append(AreaRole(user=user, area=area, role=role, valid_from=datetime.date(2023, 1, 1)))
        self.insert(AreaRole, assignments)

    # --- Organisations --------------------------------------------------------------------------

    def create_organisations(self) -> None:
        """National organisations in Helsinki, district organisations under them in each area,
        then local associations (most under a district), independent ones and village associations."""
        helsinki = next(area for area in self.areas if area.code == "90")
        nationals = {fed: self.organisation(helsinki, Organisation.Kind.NATIONAL, fed, None) for fed in FEDERATIONS}
        self.save_organisations(list(nationals.values()))
        total = max(0, self.scaled(ORGANISATIONS) - len(FEDERATIONS))
        shares = apportion(total, {area: AREA_POPULATION[area.code] for area in self.areas})
        counts = {area: max(MIN_ORGANISATIONS_PER_AREA, count) for area, count in shares.items()}
        districts: dict[WelfareArea, list[OrgInfo]] = {}
        for area in self.areas:
            federations = self.rng.sample(FEDERATIONS, min(len(FEDERATIONS), max(1, round(counts[area] * 0.035))))
            districts[area] = [
                self.organisation(area, Organisation.Kind.DISTRICT, fed, nationals[fed]) for fed in federations
            ]
        self.save_organisations([info for infos in districts.values() for info in infos])
        others = []
        for area in self.areas:
            kinds = apportion(
                counts[area] - len(districts[area]), {"branch": 55, "independent": 35, "loose": 6, "other": 4}
            )
            for kind, count in kinds.items():
                for _ in range(count):
                    if kind == "branch":
                        parent = self.rng.choice(districts[area])
                        others.append(self.organisation(area, Organisation.Kind.LOCAL, parent.federation, parent))
                    elif kind == "other":
                        others.append(self.organisation(area, Organisation.Kind.OTHER, NEIGHBOURHOOD, None))
                    else:
                        org_kind = Organisation.Kind.INDEPENDENT if kind == "independent" else Organisation.Kind.LOCAL
                        others.append(self.organisation(area, org_kind, self.rng.choice(FEDERATIONS), None))
        self.save_organisations(others)

    def organisation(self, area: WelfareArea, kind: str, federation: Federation, parent: OrgInfo | None) -> OrgInfo:
        rng = self.rng
        index = len(self.organisations)
        towns = self.municipalities[area.pk]
        wide = kind in (Organisation.Kind.NATIONAL, Organisation.Kind.DISTRICT)
        home = towns[0] if kind == Organisation.Kind.NATIONAL else rng.choices(towns, self.town_weights(area))[0]
        swedish = not wide and rng.random() < SWEDISH_SHARE.get(area.code, 0.01)
        name_fi, name_sv = self.organisation_name(area, kind, federation, home, swedish)
        if kind == Organisation.Kind.NATIONAL:
            operating = [area_towns[0] for area_towns in self.municipalities.values()]
        elif kind == Organisation.Kind.DISTRICT:
            operating = towns
        else:
            neighbours = [town for town in towns if town != home]
            extra = rng.sample(neighbours, min(len(neighbours), rng.randint(1, 3))) if rng.random() < 0.4 else []
            operating = [home, *extra]
        # Village associations often have a Business ID and no register number; a row needs one of the two.
        registered = not (kind == Organisation.Kind.OTHER and rng.random() < 0.5)
        themes = list(federation.themes[: rng.randint(1, len(federation.themes))])
        if rng.random() < 0.3:
            themes = list(dict.fromkeys([*themes, rng.choice(list(self.themes))]))
        created = datetime.datetime(2022, 9, 1, 9, 0, tzinfo=ZONE) + days(rng.randrange(1000))
        verified = rng.random() < 0.6
        row = Organisation(
            # Known from the municipalities' funding records, as an import leaves them, until someone
            # registers it (create_admins).
            origin=Organisation.Origin.IMPORTED,
            name_fi=name_fi,
            name_sv=name_sv,
            business_id=business_id(3_100_000 + 2 * index) if wide or not registered or rng.random() < 0.7 else None,
            register_number=f"{300 + index // 1000}.{index % 1000:03d}" if registered else None,
            kind=kind,
            parent=parent.row if parent else None,
            home_municipality=home,
            serves_fi=not swedish or rng.random() < 0.5,
            serves_sv=swedish or bool(name_sv) or rng.random() < 0.04,
            serves_en=rng.random() < (0.3 if "immigrants" in themes else 0.08),
            serves_other=rng.random() < (0.5 if "immigrants" in themes else 0.03),
            contact_email=f"yhdistys{index + 1}@example.org",
            phone=self.fake.phone_number(),
            website=f"https://yhdistys{index + 1}.example.org" if rng.random() < 0.6 else "",
            description_fi=f"{name_fi} järjestää {federation.projects[0].lower()} -toimintaa "
            f"{self.region(area)} alueella. Toimintaa pyörittävät vapaaehtoiset ja jäsenet.",
            description_sv=f"{name_sv or name_fi} är verksam i {self.region(area, 'sv')} område."
            if swedish or name_sv
            else "",
            iban=finnish_iban(rng) if rng.random() < 0.85 else "",
            verified_at=created + days(rng.randint(5, 60)) if verified else None,
            verified_by=self.staff[area.pk].coordinator if verified else None,
            created_at=created,
        )
        base = {"national": 60_000, "district": 30_000, "independent": 10_000, "local": 5_000, "other": 2_500}[kind]
        info = OrgInfo(
            row=row,
            area=area,
            federation=federation,
            swedish=swedish,
            scale=round_to(base * rng.lognormvariate(0, 0.5), 100),
            theme_codes=themes,
            activity_ids=[self.activity_types[code] for code in federation.activities if rng.random() < 0.7]
            or [self.activity_types[federation.activities[0]]],
            municipality_ids=[town.pk for town in operating],
        )
        self.organisations.append(info)
        return info

    def organisation_name(
        self, area: WelfareArea, kind: str, federation: Federation, home: Municipality, swedish: bool
    ) -> tuple[str, str]:
        """(Finnish, Swedish) names. A Swedish-speaking association's official name is Swedish:
        it goes in the Finnish field, which holds the official name, and the Swedish one stays empty."""
        bilingual = SWEDISH_SHARE.get(area.code, 0) >= BILINGUAL
        if kind == Organisation.Kind.NATIONAL:
            return federation.national, ""
        if kind == Organisation.Kind.DISTRICT:
            name_sv = f"{self.region(area, 'sv')} {federation.district_sv} rf" if bilingual else ""
            return f"{self.region(area)} {federation.district} ry", name_sv
        # Names are unique in the country as long as there are names to go round.
        for _attempt in range(30):
            word_fi, word_sv = self.rng.choice(federation.local_words)
            if kind == Organisation.Kind.INDEPENDENT and self.rng.random() < 0.15:
                fi, sv = f"{self.region(area)} {word_fi} ry", f"{self.region(area, 'sv')} {word_sv} rf"
            else:
                nick_fi, nick_sv = self.rng.choice(NICKNAMES)
                if self.rng.random() < 0.6:
                    adjective_fi, adjective_sv = self.rng.choice(ADJECTIVES)
                    nick_fi, nick_sv = f"{adjective_fi} {nick_fi}", f"{adjective_sv} {nick_sv}"
                fi, sv = f"{word_fi} {nick_fi} ry", f"{word_sv} {nick_sv} rf"
            official = sv if swedish else fi
            if official not in self.used_names:
                break
        self.used_names.add(official)
        if swedish:
            return sv, ""
        return fi, sv if bilingual and self.rng.random() < 0.25 else ""

    def save_organisations(self, infos: list[OrgInfo]) -> None:
        self.insert(Organisation, [info.row for info in infos], "organisations")
        themes = Organisation.themes.through
        activities = Organisation.activity_types.through
        towns = Organisation.municipalities.through
        self.insert(themes, [themes(organisation=i.row, theme_id=self.themes[t]) for i in infos for t in i.theme_codes])
        self.insert(
            activities, [activities(organisation=i.row, activitytype_id=a) for i in infos for a in i.activity_ids]
        )
        self.insert(towns, [towns(organisation=i.row, municipality_id=m) for i in infos for m in i.municipality_ids])
        Organisation.objects.filter(pk__in=[info.row.pk for info in infos]).refresh_areas()  # bulk: no signals

    def create_admins(self, organisations: list[OrgInfo]) -> None:
        """An admin for every organisation that applies for grants or signs an agreement."""
        unique = list(dict.fromkeys(organisations))
        users = self.new_users(
            [(f"ngo-{n}@example.org", "sv" if info.swedish else "fi") for n, info in enumerate(unique, start=1)]
        )
        memberships = []
        for info, user in zip(unique, users, strict=True):
            info.admin = user
            info.row.origin = Organisation.Origin.REGISTERED
            info.row.first_member_at = info.row.created_at + days(1)
            memberships.append(
                Membership(
                    user=user,
                    organisation=info.row,
                    role=Membership.Role.ADMIN,
                    joined_at=info.row.created_at + days(1),
                )
            )
        self.insert(Membership, memberships, "memberships")
        Organisation.objects.bulk_update([info.row for info in unique], ["origin", "first_member_at"], batch_size=1000)

    # --- Calls and applications -----------------------------------------------------------------

    def plan_applications(self) -> None:
        """Who applies to which call, in what state each application is now, and the amounts.

        A core of each area's organisations applies for the general grant year after year, so
        that the funding continuity report has history to compare; targeted calls draw also
        from the rest. States are dealt out per year and grant type over all areas, so that every
        state of the mix appears even at a small size.
        """
        by_area: dict[WelfareArea, list[OrgInfo]] = defaultdict(list)
        for info in self.organisations:
            by_area[info.area].append(info)
        totals = apportion(self.scaled(APPLICATIONS), {area: len(by_area[area]) for area in self.areas})
        for area in self.areas:
            candidates = by_area[area]
            weights = [KIND_WEIGHT[info.row.kind] for info in candidates]
            yearly = apportion(totals[area], YEAR_SHARE)
            general = {year: round(count * (1 - TARGETED_SHARE)) for year, count in yearly.items()}
            core = self.weighted_sample(candidates, weights, math.ceil(max(general.values()) * 1.35))
            loyalty = [self.rng.choice((0.5, 2.0, 8.0)) for _ in core]
            for year in CALL_YEARS:
                for grant_type, count, pool, pool_weights in (
                    (GrantType.GENERAL, general[year], core, loyalty),
                    (GrantType.TARGETED, yearly[year] - general[year], candidates, weights),
                ):
                    call = self.plan_call(area, year, grant_type)
                    for info in self.weighted_sample(pool, pool_weights, min(count, len(pool))):
                        call.applications.append(ApplicationPlan(info, call))
        for (year, grant_type), mix in STATE_MIX.items():
            plans = [
                plan
                for call in self.calls
                if (call.year, call.grant_type) == (year, grant_type)
                for plan in call.applications
            ]
            states = [state for state, count in apportion(len(plans), mix).items() for _ in range(count)]
            self.rng.shuffle(states)
            for plan, state in zip(plans, states, strict=True):
                self.settle(plan, state)

    def plan_call(self, area: WelfareArea, year: int, grant_type: str) -> CallPlan:
        """General grants are applied for from October to January and decided in the spring;
        targeted grants from March to September and decided in October."""
        if grant_type == GrantType.GENERAL:
            opens_at = datetime.datetime(year - 1, 10, 1, 8, 0, tzinfo=ZONE)
            closes_at = datetime.datetime(year, 1, 31, 16, 0, tzinfo=ZONE)
            decided_on, max_amount = closes_at.date() + days(self.rng.randint(45, 60)), 60_000
        else:
            opens_at = datetime.datetime(year, 3, 1, 8, 0, tzinfo=ZONE)
            closes_at = datetime.datetime(year, 9, 30, 16, 0, tzinfo=ZONE)
            decided_on, max_amount = closes_at.date() + days(self.rng.randint(24, 30)), 40_000
        decided_at = datetime.datetime.combine(decided_on, datetime.time(14, 0), ZONE)
        call = CallPlan(
            area=area,
            year=year,
            grant_type=grant_type,
            opens_at=opens_at,
            closes_at=closes_at,
            review_starts=closes_at + days(self.rng.randint(5, 10)),
            decided_at=decided_at,
            reference=f"§ {self.rng.randint(20, 240)}/{decided_at.year}",
            max_amount=max_amount,
        )
        self.calls.append(call)
        return call

    def settle(self, plan: ApplicationPlan, state: str) -> None:
        plan.state = state
        factor = 0.6 if plan.call.grant_type == GrantType.TARGETED else 1.0
        wanted = plan.organisation.scale * factor * self.rng.uniform(0.85, 1.2)
        plan.requested = min(plan.call.max_amount, round_to(wanted, 100))
        if state == REJECTED:
            plan.outcome = Decision.Outcome.REJECTED
        elif state in DECIDED and self.rng.random() < 0.4:
            plan.outcome, plan.granted = Decision.Outcome.APPROVED, plan.requested
        elif state in DECIDED:
            plan.outcome = Decision.Outcome.PARTLY_APPROVED
            plan.granted = round_to(plan.requested * self.rng.uniform(0.5, 0.9), 100)

    def create_calls(self) -> None:
        """The calls, with an appropriation that covers what was granted and most of what is pending."""
        for call in self.calls:
            granted = sum(plan.granted for plan in call.applications)
            pending = sum(plan.requested for plan in call.applications if plan.state in PENDING)
            budget = math.ceil((granted + 0.7 * pending) * self.rng.uniform(1.03, 1.12) / 10_000) * 10_000
            title_fi, title_sv = CALL_TITLES[call.grant_type]
            call.row = GrantCall(
                area=call.area,
                title_fi=title_fi.format(year=call.year),
                title_sv=title_sv.format(year=call.year),
                description_fi=f"{call.area.name_fi} avustaa järjestöjä, jotka edistävät alueen asukkaiden "
                f"hyvinvointia ja terveyttä. Hakuaika päättyy {call.closes_at:%d.%m.%Y} klo 16.",
                description_sv=f"{call.area.name_sv} understöder organisationer som främjar invånarnas välfärd "
                f"och hälsa. Ansökningstiden går ut {call.closes_at:%d.%m.%Y} kl. 16.",
                grant_type=call.grant_type,
                funding_year=call.year,
                budget=Decimal(max(budget, 10_000)),
                opens_at=call.opens_at,
                closes_at=call.closes_at,
                max_amount=Decimal(call.max_amount),
                # The budget lines carry the budget: no required files, so the seed writes none.
                required_attachments=[],
                published_at=call.opens_at - days(14),
                created_by=self.staff[call.area.pk].coordinator,
                created_at=call.opens_at - days(30),
            )
        self.insert(GrantCall, [call.row for call in self.calls if call.row is not None], "calls")  # every one
        for call in self.calls:
            call.criteria = [
                ScoringCriterion(call=call.row, name_fi=fi, name_sv=sv, weight=weight) for fi, sv, weight in CRITERIA
            ]
        self.insert(ScoringCriterion, [criterion for call in self.calls for criterion in call.criteria])

    def create_applications(self) -> None:
        plans = [plan for call in self.calls for plan in call.applications]
        for start in range(0, len(plans), APPLICATION_CHUNK):
            self.create_application_chunk(plans[start : start + APPLICATION_CHUNK])

    def create_application_chunk(self, plans: list[ApplicationPlan]) -> None:
        rows: dict[type[models.Model], list[models.Model]] = defaultdict(list)
        applications, walks = [], []
        for plan in plans:
            created, steps = self.walk(plan)
            submits = [moment for name, moment, _text in steps if name == "submit"]
            project = self.rng.choice(plan.organisation.federation.projects)
            participants = round_to(plan.organisation.scale / 40 * self.rng.uniform(0.5, 2), 10)
            applications.append(
                Application(
                    call=plan.call.row,
                    organisation=plan.organisation.row,
                    status=S.DECIDED if plan.state == REJECTED else plan.state,
                    title=f"{project} {plan.call.year}",
                    summary=f"{plan.organisation.row.name_fi} hakee avustusta toimintaan: {project.lower()}. Toiminta "
                    f"tavoittaa vuodessa noin {participants} osallistujaa {self.region(plan.call.area)} alueella.",
                    planned_activities="Viikoittaiset ryhmät ja avoimet kohtaamiset.\nVapaaehtoisten koulutus "
                    "keväällä ja syksyllä.\nYhteistyö alueen palveluiden ja muiden järjestöjen kanssa.",
                    expected_participants=participants,
                    expected_volunteers=self.rng.randint(0, 60),
                    requested_amount=Decimal(plan.requested),
                    submitted_at=submits[0] if submits else None,
                    submitted_by=plan.organisation.admin if submits else None,
                    created_by=plan.organisation.admin,
                    created_at=created,
                    version=self.rng.randint(1, 6),
                )
            )
            walks.append(steps)
        self.insert(Application, applications, "applications")
        targets, towns = Application.target_groups.through, Application.municipalities.through
        for plan, application, steps in zip(plans, applications, walks, strict=True):
            info = plan.organisation
            rows[targets] += [
                targets(application=application, theme_id=self.themes[code]) for code in info.theme_codes[:2]
            ]
            rows[towns] += [towns(application=application, municipality_id=m) for m in info.municipality_ids[:3]]
            rows[BudgetLine] += self.budget_lines(application, plan.requested)
            if self.rng.random() < 0.2:
                rows[OtherFunding].append(
                    OtherFunding(
                        application=application,
                        funder=STATE_FUNDER,
                        amount=Decimal(round_to(plan.requested * 2, 500)),
                        state=self.rng.choice(OtherFunding.State.values),
                    )
                )
            rows[ApplicationEvent] += self.events(plan, application, steps)
            self.add_review(rows, plan, application, steps)
            self.add_decision(rows, plan, application, steps)
        for model in (
            targets,
            towns,
            BudgetLine,
            OtherFunding,
            ApplicationEvent,
            ReviewAssignment,
            Review,
            Decision,
            Payment,
            UseOfFundsReport,
            FundingRecord,
        ):
            self.insert(model, rows[model], COUNTED.get(model, ""))

    def walk(self, plan: ApplicationPlan) -> tuple[datetime.datetime, list[tuple[str, datetime.datetime, str]]]:
        """When the application was started, and the steps that brought it to its state:
        (transition, when, message)."""
        rng, call, state = self.rng, plan.call, plan.state
        created = self.between(call.opens_at + days(1), call.closes_at - days(2))
        steps: list[tuple[str, datetime.datetime, str]] = []
        if state == S.DRAFT:
            return created, steps
        submitted = self.between(created, call.closes_at - datetime.timedelta(hours=1))
        if state == S.WITHDRAWN:
            if rng.random() < 0.5:
                return created, [("withdraw", self.between(created, call.closes_at), "")]
            return created, [("submit", submitted, ""), ("withdraw", self.between(submitted, call.review_starts), "")]
        steps.append(("submit", submitted, ""))
        asks = state == S.INFO_REQUESTED or rng.random() < 0.12
        if state == S.SUBMITTED:
            return created, steps
        review = self.between(call.review_starts, call.review_starts + days(3))
        steps.append(("start_review", review, ""))
        until = call.decided_at - days(2) if state in DECIDED else self.end
        if state == S.INFO_REQUESTED:
            return created, [*steps, ("request_info", self.between(review, until), rng.choice(REQUEST_TEXTS))]
        if asks:  # the answer returns the application to the review
            asked, answered = sorted(self.between(review, until) for _ in range(2))
            steps += [
                ("request_info", asked, rng.choice(REQUEST_TEXTS)),
                ("answer", answered, rng.choice(ANSWER_TEXTS)),
            ]
        if state == S.IN_REVIEW:
            return created, steps
        steps.append(("decide", call.decided_at, ""))
        if state not in PAID:
            return created, steps
        paid = self.between(call.decided_at + days(14), call.decided_at + days(40))
        steps.append(("pay", paid, ""))
        if state not in REPORTED:
            return created, steps
        # Reports are due by the end of April of the next year; a few of this year's come early.
        first, last = (
            ((call.year + 1, 1, 10), (call.year + 1, 4, 28))
            if call.year < AS_OF.year
            else ((call.year, 8, 15), (call.year, 10, 1))
        )
        window = [datetime.datetime(*day, 12, 0, tzinfo=ZONE) for day in (first, last)]
        report = self.between(max(window[0], paid + days(7)), window[1])
        steps.append(("submit_report", report, ""))
        if state == S.REPORT_RETURNED or rng.random() < 0.1:
            returned = self.between(report + days(7), report + days(25))
            steps.append(("return_report", returned, rng.choice(RETURN_TEXTS)))
            if state == S.REPORT_RETURNED:
                return created, steps
            report = self.between(returned + days(5), returned + days(20))
            steps.append(("submit_report", report, ""))
        if state == S.CLOSED:
            steps.append(("accept_report", self.between(report + days(7), report + days(40)), ""))
        return created, steps

    def events(
        self, plan: ApplicationPlan, application: Application, steps: list[tuple[str, datetime.datetime, str]]
    ) -> list[ApplicationEvent]:
        """The audit trail. Each step is checked against the workflow table, so the seed cannot
        walk a path the portal itself would refuse."""
        staff = self.staff[plan.call.area.pk]
        status, events = S.DRAFT, []
        for name, moment, text in steps:
            transition = workflow.BY_NAME[name]
            if status not in transition.sources:
                raise AssertionError(f"{name} is not a step from {status}")
            if workflow.Actor.APPLICANT in transition.actors:
                actor = plan.organisation.admin
            else:
                actor = staff.decision_maker if name == "decide" else staff.coordinator
            events.append(
                ApplicationEvent(
                    application=application,
                    kind=ApplicationEvent.Kind.TRANSITION,
                    transition=name,
                    from_status=status,
                    to_status=transition.target,
                    text=text,
                    actor=actor,
                    created_at=moment,
                )
            )
            status = transition.target
        if status != application.status:
            raise AssertionError(f"the steps end in {status}, not {application.status}")
        return events

    def budget_lines(self, application: Application, requested: int) -> list[BudgetLine]:
        own = round_to(requested * self.rng.uniform(0.1, 0.4), 50)
        categories = self.rng.sample(EXPENSE_CATEGORIES, self.rng.randint(1, 3))
        shares = apportion((requested + own) // 10, {category: self.rng.uniform(1, 3) for category in categories})
        lines = [
            BudgetLine(
                application=application, kind=BudgetLine.Kind.EXPENSE, category=category, amount=Decimal(share * 10)
            )
            for category, share in shares.items()
            if share
        ]
        lines.append(
            BudgetLine(
                application=application,
                kind=BudgetLine.Kind.INCOME,
                category=BudgetLine.Category.OWN_FUNDING,
                amount=Decimal(own),
            )
        )
        return lines

    def add_review(
        self,
        rows: dict[type[models.Model], list[models.Model]],
        plan: ApplicationPlan,
        application: Application,
        steps: list[tuple[str, datetime.datetime, str]],
    ) -> None:
        """The area's reviewer is assigned once the review starts and has scored every decided application."""
        started = [moment for name, moment, _text in steps if name == "start_review"]
        if not started or plan.state not in REVIEWED:
            return
        staff = self.staff[plan.call.area.pk]
        assigned = started[0] + datetime.timedelta(hours=self.rng.randint(1, 48))
        assignment = ReviewAssignment(
            application=application, reviewer=staff.reviewer, assigned_by=staff.coordinator, assigned_at=assigned
        )
        rows[ReviewAssignment].append(assignment)
        if plan.state not in DECIDED and (plan.state != S.IN_REVIEW or self.rng.random() < 0.4):
            return
        outcome = REVIEW_OUTCOME.get(plan.outcome) or self.rng.choice(Review.Outcome.values)
        low, high = SCORE_RANGE[outcome]
        until = plan.call.decided_at - days(1) if plan.state in DECIDED else self.end
        recommended = plan.granted if plan.outcome else round_to(plan.requested * self.rng.uniform(0.5, 1), 100)
        rows[Review].append(
            Review(
                assignment=assignment,
                scores={str(criterion.pk): self.rng.randint(low, high) for criterion in plan.call.criteria},
                comment=REVIEW_COMMENTS[outcome],
                recommended_outcome=outcome,
                recommended_amount=Decimal(0 if outcome == Review.Outcome.REJECT else recommended),
                submitted_at=self.between(assigned, until),
            )
        )

    def add_decision(
        self,
        rows: dict[type[models.Model], list[models.Model]],
        plan: ApplicationPlan,
        application: Application,
        steps: list[tuple[str, datetime.datetime, str]],
    ) -> None:
        """What ``grants.services`` keeps together: the decision, its ledger row, payments and the report."""
        if plan.state not in DECIDED:
            return
        call, info = plan.call, plan.organisation
        staff = self.staff[call.area.pk]
        published = call.decided_at + days(7)
        decision = Decision(
            application=application,
            outcome=plan.outcome,
            amount=Decimal(plan.granted),
            conditions=f"Avustus käytetään hakemuksen mukaiseen toimintaan vuonna {call.year}." if plan.granted else "",
            rationale=RATIONALES[plan.outcome],
            reference=call.reference,
            report_due_on=default_report_due(call.year),
            decided_by=staff.decision_maker,
            decided_at=call.decided_at,
            published_at=published if published <= self.end else None,
        )
        rows[Decision].append(decision)
        if plan.granted:
            rows[FundingRecord].append(
                FundingRecord(
                    organisation=info.row,
                    funder_kind=FundingRecord.FunderKind.WELFARE_AREA,
                    funder_area=call.area,
                    funder_name=call.area.name_fi,
                    year=call.year,
                    amount=Decimal(plan.granted),
                    grant_type=call.grant_type,
                    purpose=application.title,
                    source=FundingRecord.Source.DECISION,
                    application=application,
                )
            )
        moments = {name: moment for name, moment, _text in steps}  # the last time of each step
        if "pay" in moments:
            paid = moments["pay"].date()
            later = paid + days(self.rng.randint(90, 150))
            if self.rng.random() < 0.2 and later <= AS_OF:  # in two instalments
                first = round_to(plan.granted * 0.6, 10)
                instalments = [(first, paid), (plan.granted - first, later)]
            else:
                instalments = [(plan.granted, paid)]
            rows[Payment] += [
                Payment(
                    decision=decision,
                    amount=Decimal(amount),
                    paid_on=day,
                    recorded_by=staff.coordinator,
                    reference=f"AV-{call.area.code}-{call.year}-{application.pk}-{n}",
                )
                for n, (amount, day) in enumerate(instalments, start=1)
            ]
        if "submit_report" in moments:
            used = plan.granted if self.rng.random() < 0.7 else round_to(plan.granted * self.rng.uniform(0.85, 1), 10)
            rows[UseOfFundsReport].append(
                UseOfFundsReport(
                    application=application,
                    amount_used=Decimal(used),
                    submitted_by=info.admin,
                    submitted_at=moments["submit_report"],
                    narrative="Toiminta toteutui suunnitellusti: ryhmät kokoontuivat viikoittain ja vapaaehtoiset "
                    "koulutettiin keväällä.",
                    results=f"Toimintaan osallistui noin {application.expected_participants} henkeä.",
                )
            )

    # --- Funding history ------------------------------------------------------------------------

    def create_history(self) -> None:
        """The ledger rows the areas imported: 2022 from the municipalities and hospital districts
        (before the reform), the municipalities' own small grants every year, and state and other
        funders for context."""
        rng = self.rng
        granted: dict[tuple[OrgInfo, int], int] = defaultdict(int)
        applied = set()
        for call in self.calls:
            for plan in call.applications:
                granted[plan.organisation, call.year] += plan.granted
                applied.add(plan.organisation)
        records = []
        for info in self.organisations:
            area, home = info.area, info.row.home_municipality
            first = granted[info, CALL_YEARS[0]]
            if (first and rng.random() < 0.85) or (info in applied and not first and rng.random() < 0.4):
                amount = round_to((first or info.scale) * rng.uniform(0.8, 1.1), 100)
                if info.row.kind in WIDE or rng.random() < 0.3:
                    records.append(self.record(info, "joint_authority", self.hospital_district(area), 2022, amount))
                else:
                    records.append(self.record(info, "municipality", home.name_fi, 2022, amount, home))
            chances = {
                "municipality": 0.55 if info.row.kind not in WIDE else 0,
                "state": {"national": 1, "district": 0.8}.get(info.row.kind, 0.06),
                "other": 0.06,
            }
            for kind, chance in chances.items():
                if rng.random() >= chance:
                    continue
                for year in LEDGER_YEARS:
                    if kind == "municipality" and rng.random() < 0.75:
                        amount = round_to(rng.uniform(300, 4000), 50)
                        records.append(self.record(info, kind, home.name_fi, year, amount, home, HYTE))
                    elif kind == "state" and rng.random() < 0.9:
                        amount = round_to(info.scale * rng.uniform(3, 8), 1000)
                        records.append(self.record(info, kind, STATE_FUNDER, year, amount))
                    elif kind == "other" and rng.random() < 0.5:
                        amount = round_to(rng.uniform(1000, 20000), 100)
                        records.append(self.record(info, kind, rng.choice(OTHER_FUNDERS), year, amount))
        self.insert(FundingRecord, records, "funding_records")

    def record(
        self,
        info: OrgInfo,
        kind: str,
        funder: str,
        year: int,
        amount: int,
        municipality: Municipality | None = None,
        purpose: str = "",
    ) -> FundingRecord:
        regional = kind in ("municipality", "joint_authority")
        return FundingRecord(
            organisation=info.row,
            funder_kind=kind,
            funder_area=info.area if regional else None,
            funder_municipality=municipality,
            funder_name=funder,
            year=year,
            amount=Decimal(amount),
            grant_type=GrantType.TARGETED if purpose else GrantType.GENERAL,
            purpose=purpose,
            source=FundingRecord.Source.IMPORT,
        )

    def hospital_district(self, area: WelfareArea) -> str:
        if area.code in UUSIMAA:
            return "Helsingin ja Uudenmaan sairaanhoitopiirin kuntayhtymä"
        return f"{self.region(area)} sairaanhoitopiirin kuntayhtymä"

    # --- Family centres -------------------------------------------------------------------------

    def create_family_centres(self) -> list[AgreementPlan]:
        """Centres in each area by population, their networks and the NGOs' activities; returns
        the agreements to make once the organisations have admins to sign them."""
        rng, fake = self.rng, self.fake
        centres: list[tuple[FamilyCentre, WelfareArea, list[Municipality]]] = []
        for area in self.areas:
            towns = self.municipalities[area.pk]
            bilingual = SWEDISH_SHARE.get(area.code, 0) >= BILINGUAL
            count = max(1, round(AREA_POPULATION[area.code] / INHABITANTS_PER_CENTRE * self.size))
            sites = rng.choices(towns, self.town_weights(area), k=count - (count >= 3) - (count >= 5))
            repeats = {town: sites.count(town) for town in sites}
            seen: dict[Municipality, int] = defaultdict(int)
            for town in sites:
                part = CENTRE_PARTS[seen[town] % len(CENTRE_PARTS)] if repeats[town] > 1 else None
                seen[town] += 1
                suffix_fi, suffix_sv = (f", {part[0]}", f", {part[1]}") if part else ("", "")
                if seen[town] > len(CENTRE_PARTS):
                    suffix_fi, suffix_sv = f"{suffix_fi} {seen[town]}", f"{suffix_sv} {seen[town]}"
                centre = FamilyCentre(
                    area=area,
                    kind=FamilyCentre.Kind.PHYSICAL,
                    name_fi=f"Perhekeskus {town.name_fi}{suffix_fi}",
                    name_sv=f"Familjecentralen i {town.name_sv}{suffix_sv}" if bilingual else "",
                    address=f"{fake.street_address()}, {fake.postcode()} {town.name_fi}",
                    **meeting_places(rng.sample(MEETING_PLACES, 3), bilingual),
                    created_at=datetime.datetime(2023, 1, 2, 9, 0, tzinfo=ZONE) + days(rng.randrange(300)),
                )
                centres.append((centre, area, [town]))
            for kind, fi, sv, needed in (
                (FamilyCentre.Kind.NETWORK, "perhekeskusverkosto", "familjecentralsnätverk", 3),
                (FamilyCentre.Kind.ONLINE, "perhekeskus verkossa", "familjecentral på nätet", 5),
            ):
                if count >= needed:
                    centre = FamilyCentre(
                        area=area,
                        kind=kind,
                        name_fi=f"{self.region(area)} {fi}",
                        name_sv=f"{self.region(area, 'sv')} {sv}" if bilingual else "",
                        created_at=datetime.datetime(2023, 3, 1, 9, 0, tzinfo=ZONE),
                    )
                    centres.append((centre, area, towns))
        self.insert(FamilyCentre, [centre for centre, _area, _towns in centres], "centres")
        served = FamilyCentre.municipalities.through
        self.insert(
            served, [served(familycentre=centre, municipality=town) for centre, _a, towns in centres for town in towns]
        )
        family_ngos: dict[WelfareArea, list[OrgInfo]] = defaultdict(list)
        for info in self.organisations:
            if info.row.kind != Organisation.Kind.NATIONAL and FAMILY_THEMES & set(info.theme_codes):
                family_ngos[info.area].append(info)
        members, agreements = [], []
        # One activity of an organisation, however many of its centres offer it.
        activities: dict[int, list[FamilyCentreActivity]] = {}
        offered: list[tuple[FamilyCentreActivity, FamilyCentre]] = []
        for centre, area, towns in centres:
            for member_type, name in NETWORK_SERVICES:
                if member_type == NetworkMember.Type.OTHER and rng.random() < 0.7:
                    continue
                members.append(
                    NetworkMember(
                        centre=centre,
                        member_type=member_type,
                        name=name,
                        representative_name=fake.name(),
                        joined_on=datetime.date(2023, 1, 2),
                    )
                )
            candidates = family_ngos[area]
            town_ids = {town.pk for town in towns}
            weights = [4 if town_ids & set(info.municipality_ids) else 1 for info in candidates]
            for info in self.weighted_sample(candidates, weights, min(len(candidates), rng.randint(3, 8))):
                joined = datetime.date(2023, 1, 2) + days(rng.randrange(900))
                left = joined + days(rng.randint(60, 300)) if rng.random() < 0.1 else None
                members.append(
                    NetworkMember(
                        centre=centre,
                        member_type=NetworkMember.Type.NGO,
                        organisation=info.row,
                        representative_name=fake.name(),
                        representative_email=info.row.contact_email,
                        joined_on=joined,
                        left_on=left if left and left <= AS_OF else None,
                    )
                )
                if rng.random() < 0.6:
                    offered += self.family_activities(centre, info, activities)
                if rng.random() < 0.6:
                    statuses = AGREEMENT_MIX_AFTER_LEAVING if left else AGREEMENT_MIX
                    status = rng.choices(list(statuses), list(statuses.values()))[0]
                    agreements.append(AgreementPlan(centre, info, status))
        self.insert(NetworkMember, members, "network_members")
        self.insert(
            FamilyCentreActivity, [a for offered_by_one in activities.values() for a in offered_by_one], "activities"
        )
        through = FamilyCentreActivity.centres.through
        self.insert(through, [through(familycentreactivity=a, familycentre=c) for a, c in offered])
        return agreements

    def family_activities(
        self, centre: FamilyCentre, info: OrgInfo, activities: dict[int, list[FamilyCentreActivity]]
    ) -> list[tuple[FamilyCentreActivity, FamilyCentre]]:
        """The activities the organisation offers through ``centre``: those it offers through its
        other centres, the same activities, or, in its first centre, one or two new ones."""
        organisation = info.row
        if id(organisation) not in activities:
            chosen = self.rng.sample(FAMILY_ACTIVITIES, 2 if self.rng.random() < 0.3 else 1)
            weekday = self.rng.choice(WEEKDAYS)
            hour = self.rng.choice((10, 13, 17))
            swedish, english = organisation.serves_sv, organisation.serves_en
            activities[id(organisation)] = [
                FamilyCentreActivity(
                    organisation=organisation,
                    name_fi=name_fi,
                    name_sv=name_sv if swedish else "",
                    name_en=name_en if english else "",
                    target_group=group,
                    age_from=age_from,
                    age_to=age_to,
                    description_fi=f"{name_fi}: avoin ja maksuton kohtaamispaikka. Järjestäjä: {organisation.name_fi}.",
                    description_sv=f"{name_sv}: en öppen och avgiftsfri mötesplats. Arrangör: "
                    f"{organisation.name_sv or organisation.name_fi}."
                    if swedish
                    else "",
                    serves_fi=organisation.serves_fi,
                    serves_sv=swedish,
                    serves_en=english,
                    time_and_place_fi=f"{weekday[0]} klo {hour}, perhekeskuksessa",
                    time_and_place_sv=f"{weekday[1]} kl. {hour}, på familjecentralen" if swedish else "",
                    time_and_place_en=f"{weekday[2]} at {hour}.00, at the family centre" if english else "",
                    contact=organisation.contact_email,
                    created_at=centre.created_at + days(30),
                )
                for name_fi, name_sv, name_en, group, age_from, age_to in chosen
            ]
        return [(activity, centre) for activity in activities[id(organisation)]]

    def create_agreements(self, plans: list[AgreementPlan]) -> None:
        rng, fake = self.rng, self.fake
        agreements = []
        for plan in plans:
            status, info = plan.status, plan.organisation
            assert info.admin is not None  # create_admins gave every organisation with an agreement one
            coordinator = self.staff[plan.centre.area_id].coordinator
            if status == AgreementStatus.ACTIVE:
                valid_from = datetime.date(rng.choice((2024, 2025, 2026)), 1, 1)
                valid_to = datetime.date(rng.choice((2026, 2027, 2028)), 12, 31)  # 2026: ending soon, a reminder is due
            elif status in (AgreementStatus.DRAFT, AgreementStatus.SENT, AgreementStatus.SIGNED):
                valid_from, valid_to = datetime.date(2027, 1, 1), datetime.date(2028, 12, 31)  # next year's agreements
            elif status == AgreementStatus.EXPIRED:
                valid_from = datetime.date(rng.choice((2023, 2024)), 1, 1)
                valid_to = datetime.date(rng.choice((2024, 2025)), 12, 31)
            else:
                valid_from, valid_to = datetime.date(2024, 1, 1), datetime.date(2026, 12, 31)
            start = datetime.datetime.combine(valid_from, datetime.time(10, 0), ZONE)
            sent = self.between(start - days(90), start - days(75))
            signed = self.between(sent + days(3), sent + days(20))
            countersigned = self.between(signed + days(2), signed + days(10))
            steps = AGREEMENT_STEPS[status]
            ended_at = None
            if status == AgreementStatus.EXPIRED:  # the daily job expires it the night after it ends
                ended_at = datetime.datetime.combine(valid_to + days(1), datetime.time(3, 0), ZONE)
            elif status == AgreementStatus.TERMINATED:
                ended_at = self.between(datetime.datetime(2025, 3, 1, 10, 0, tzinfo=ZONE), self.end)
            agreements.append(
                CooperationAgreement(
                    centre=plan.centre,
                    organisation=info.row,
                    status=status,
                    scope="Vertaistukiryhmät ja perhekahvila perhekeskuksen tiloissa.",
                    responsibilities="Järjestö vastaa ryhmien ohjauksesta; hyvinvointialue vastaa tiloista ja "
                    "tiedottamisesta.",
                    premises=f"{plan.centre.name_fi}, ryhmätila"
                    if plan.centre.kind == FamilyCentre.Kind.PHYSICAL
                    else "",
                    area_contact=f"{coordinator.full_name}, p. {fake.phone_number()}",
                    organisation_contact=info.admin.full_name,
                    area_privacy_contact=f"tietosuoja-{plan.centre.area.code}@example.org",
                    organisation_privacy_contact=info.row.contact_email,
                    valid_from=valid_from,
                    valid_to=valid_to,
                    language="sv" if info.swedish else "fi",
                    created_by=coordinator,
                    created_at=sent - days(7) if "sent" in steps else self.between(sent, self.end),
                    sent_by=coordinator if "sent" in steps else None,
                    sent_at=sent if "sent" in steps else None,
                    signed_by=info.admin if "signed" in steps else None,
                    signed_at=signed if "signed" in steps else None,
                    countersigned_by=coordinator if "countersigned" in steps else None,
                    countersigned_at=countersigned if "countersigned" in steps else None,
                    ended_by=info.admin if status == AgreementStatus.TERMINATED else None,
                    ended_at=ended_at,
                    version=1 + len(steps) + (ended_at is not None),
                )
            )
        self.insert(CooperationAgreement, agreements, "agreements")
