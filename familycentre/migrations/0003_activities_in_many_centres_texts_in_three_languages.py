"""An activity offered through several family centres becomes one activity with those centres (it
was one row per centre, so families saw it several times in an area); activities and centres get
their texts in Finnish, Swedish and English. The texts written so far become the Finnish ones."""

from __future__ import annotations

from django.db import migrations, models

# What makes two rows the same activity, apart from their centre.
SAME_ACTIVITY = (
    "organisation_id", "name_fi", "description_fi", "target_group", "age_from", "age_to", "serves_fi", "serves_sv",
    "serves_en", "serves_other", "time_and_place_fi", "contact",
)  # fmt: skip


def one_activity_in_many_centres(apps: object, schema_editor: object) -> None:
    Activity = apps.get_model("familycentre", "FamilyCentreActivity")
    kept: dict[tuple, object] = {}
    for activity in Activity.objects.order_by("pk"):
        key = tuple(getattr(activity, name) for name in SAME_ACTIVITY)
        first = kept.setdefault(key, activity)
        first.centres.add(activity.centre_id)
        if first.pk != activity.pk:
            activity.delete()


def one_row_per_centre(apps: object, schema_editor: object) -> None:
    Activity = apps.get_model("familycentre", "FamilyCentreActivity")
    for activity in Activity.objects.order_by("pk"):
        centres = list(activity.centres.order_by("pk").values_list("pk", flat=True))
        if not centres:
            activity.delete()
            continue
        activity.centre_id = centres[0]
        activity.save(update_fields=["centre"])
        for centre in centres[1:]:
            activity.pk = None
            activity.centre_id = centre
            activity.save()


class Migration(migrations.Migration):
    dependencies = [
        ("familycentre", "0002_agreement_pdf_failed_at"),
    ]

    operations = [
        migrations.RenameField("familycentre", "meeting_places", "meeting_places_fi"),
        migrations.AlterField(
            model_name="familycentre",
            name="meeting_places_fi",
            field=models.TextField(
                blank=True,
                help_text="One meeting place per line.",
                max_length=5000,
                verbose_name="meeting places in Finnish",
            ),
        ),
        migrations.AddField(
            model_name="familycentre",
            name="meeting_places_sv",
            field=models.TextField(
                blank=True,
                help_text="One meeting place per line.",
                max_length=5000,
                verbose_name="meeting places in Swedish",
            ),
        ),
        migrations.AddField(
            model_name="familycentre",
            name="meeting_places_en",
            field=models.TextField(
                blank=True,
                help_text="One meeting place per line.",
                max_length=5000,
                verbose_name="meeting places in English",
            ),
        ),
        migrations.AddField(
            model_name="familycentre",
            name="name_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="name in English"),
        ),
        migrations.RenameField("familycentreactivity", "name", "name_fi"),
        migrations.AlterField(
            model_name="familycentreactivity",
            name="name_fi",
            field=models.CharField(max_length=200, verbose_name="name in Finnish"),
        ),
        migrations.AddField(
            model_name="familycentreactivity",
            name="name_sv",
            field=models.CharField(blank=True, max_length=200, verbose_name="name in Swedish"),
        ),
        migrations.AddField(
            model_name="familycentreactivity",
            name="name_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="name in English"),
        ),
        migrations.RenameField("familycentreactivity", "description", "description_fi"),
        migrations.AlterField(
            model_name="familycentreactivity",
            name="description_fi",
            field=models.TextField(max_length=5000, verbose_name="description in Finnish"),
        ),
        migrations.AddField(
            model_name="familycentreactivity",
            name="description_sv",
            field=models.TextField(blank=True, max_length=5000, verbose_name="description in Swedish"),
        ),
        migrations.AddField(
            model_name="familycentreactivity",
            name="description_en",
            field=models.TextField(blank=True, max_length=5000, verbose_name="description in English"),
        ),
        migrations.RenameField("familycentreactivity", "time_and_place", "time_and_place_fi"),
        migrations.AlterField(
            model_name="familycentreactivity",
            name="time_and_place_fi",
            field=models.CharField(max_length=300, verbose_name="time and place in Finnish"),
        ),
        migrations.AddField(
            model_name="familycentreactivity",
            name="time_and_place_sv",
            field=models.CharField(blank=True, max_length=300, verbose_name="time and place in Swedish"),
        ),
        migrations.AddField(
            model_name="familycentreactivity",
            name="time_and_place_en",
            field=models.CharField(blank=True, max_length=300, verbose_name="time and place in English"),
        ),
        # The one centre steps aside (its reverse name free, and empty when the rows are merged) ...
        migrations.AlterField(
            model_name="familycentreactivity",
            name="centre",
            field=models.ForeignKey(
                null=True, on_delete=models.deletion.CASCADE, related_name="+", to="familycentre.familycentre"
            ),
        ),
        migrations.AddField(
            model_name="familycentreactivity",
            name="centres",
            field=models.ManyToManyField(
                related_name="activities", to="familycentre.familycentre", verbose_name="family centres"
            ),
        ),
        # ... for the centres: the rows of one activity become one.
        migrations.RunPython(one_activity_in_many_centres, one_row_per_centre),
        migrations.RemoveField(model_name="familycentreactivity", name="centre"),
        migrations.AlterModelOptions(
            name="familycentreactivity",
            options={
                "ordering": ["name_fi", "pk"],
                "verbose_name": "family centre activity",
                "verbose_name_plural": "family centre activities",
            },
        ),
    ]
