"""Load the wellbeing areas, municipalities, themes and activity types.

Areas and municipalities come from ``portal/data/`` (sources in its README.md); the themes
and activity types are the portal's own lists.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import migrations

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

THEMES = [
    ("children-families", "Lapset ja perheet", "Barn och familjer", "Children and families"),
    ("young-people", "Nuoret", "Unga", "Young people"),
    ("mental-health", "Mielenterveys", "Psykisk hälsa", "Mental health"),
    ("substance-use", "Päihteet ja riippuvuudet", "Missbruk och beroenden", "Substance use and addiction"),
    ("older-people", "Ikääntyneet", "Äldre", "Older people"),
    ("memory-disorders", "Muistisairaudet", "Minnessjukdomar", "Memory disorders"),
    ("disability", "Vammaisuus", "Funktionsnedsättning", "Disability"),
    ("long-term-illness", "Pitkäaikaissairaudet", "Långvariga sjukdomar", "Long-term illness"),
    ("family-carers", "Omaishoito", "Närståendevård", "Family carers"),
    (
        "social-inclusion",
        "Osallisuus ja syrjäytymisen ehkäisy",
        "Delaktighet och motverkande av utanförskap",
        "Social inclusion",
    ),
    ("violence-prevention", "Väkivallan ehkäisy", "Förebyggande av våld", "Violence prevention"),
    ("immigrants", "Maahan muuttaneet", "Invandrare", "Immigrants"),
    ("homelessness", "Asunnottomuus", "Bostadslöshet", "Homelessness"),
]

ACTIVITY_TYPES = [
    ("peer-support", "Vertaistuki", "Kamratstöd", "Peer support"),
    ("volunteering", "Vapaaehtoistoiminta", "Frivilligverksamhet", "Volunteering"),
    ("low-threshold", "Matalan kynnyksen palvelu", "Lågtröskelverksamhet", "Low-threshold service"),
    ("counselling", "Neuvonta ja ohjaus", "Rådgivning och handledning", "Counselling and guidance"),
    ("leisure", "Virkistys- ja harrastustoiminta", "Rekreations- och fritidsverksamhet", "Leisure and recreation"),
    ("advocacy", "Edunvalvonta", "Intressebevakning", "Advocacy"),
    ("paid-service", "Maksullinen palvelutuotanto", "Avgiftsbelagd serviceproduktion", "Paid service provision"),
]


def load(apps, schema_editor):
    WelfareArea = apps.get_model("portal", "WelfareArea")
    Municipality = apps.get_model("portal", "Municipality")
    Theme = apps.get_model("portal", "Theme")
    ActivityType = apps.get_model("portal", "ActivityType")

    with open(DATA_DIR / "wellbeing_areas.csv", encoding="utf-8", newline="") as file:
        areas = {
            row["code"]: WelfareArea.objects.create(
                code=row["code"], name_fi=row["name_fi"], name_sv=row["name_sv"], name_en=row["name_en"]
            )
            for row in csv.DictReader(file)
        }
    with open(DATA_DIR / "finland_municipalities.csv", encoding="utf-8", newline="") as file:
        Municipality.objects.bulk_create(
            Municipality(
                code=row["municipality_code"],
                name_fi=row["municipality_name_fi"],
                name_sv=row["municipality_name_sv"],
                area=areas[row["wellbeing_area_code"]],
            )
            for row in csv.DictReader(file)
        )
    for model, rows in ((Theme, THEMES), (ActivityType, ACTIVITY_TYPES)):
        model.objects.bulk_create(model(code=code, name_fi=fi, name_sv=sv, name_en=en) for code, fi, sv, en in rows)


def unload(apps, schema_editor):
    for name in ("Municipality", "WelfareArea", "Theme", "ActivityType"):
        apps.get_model("portal", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
