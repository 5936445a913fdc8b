"""Funding: the ledger of what each organisation has been granted by whom and for which year,
the imports of the municipalities' funding history, and the continuity reports built on them."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grants.models import MONEY, Application
from organisations.models import Organisation
from portal import uploads
from portal.models import Municipality, WelfareArea


def report_upload_to(instance: ContinuityReport, filename: str) -> str:
    return uploads.random_name("funding/reports", filename)


class ContinuityReport(models.Model):
    """A funding-continuity report of one area (or, without an area, the national overview),
    built by a Celery job with visible progress."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Ready")
        FAILED = "failed", _("Failed")

    area = models.ForeignKey(
        WelfareArea, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("area")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    baseline_year = models.PositiveSmallIntegerField(
        _("baseline year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES, default="fi")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=200, blank=True)
    # Every stage the job went through: [[progress, stage, ISO time], …]
    history = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    pdf = models.FileField(upload_to=report_upload_to, max_length=200, blank=True)
    csv = models.FileField(upload_to=report_upload_to, max_length=200, blank=True)
    # The report as its web page shows it: the PDF's content as HTML, kept so that the page shows the
    # figures of the PDF, not today's ledger.
    page = models.FileField(upload_to=report_upload_to, max_length=200, blank=True)
    # The figures the report was built on (funding.figures.summary): the summary, per status, the trend.
    figures = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The last sign of life: when the report was queued (again), or its job's latest step. The
    # reaper (funding.tasks.reap_stalled_reports) requeues or fails a report silent for too long.
    heartbeat_at = models.DateTimeField(default=timezone.now)
    requeues = models.PositiveSmallIntegerField(default=0)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("continuity report")
        verbose_name_plural = _("continuity reports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.area or '–'} {self.year}/{self.baseline_year} ({self.language})"


class NationalPart(models.Model):
    """One area's part of a national overview: its job's own heartbeat and result, so that the
    reaper can run again a part whose worker died (parts are idempotent) without waiting for the
    broker, and the merge starts once when the last part is in (``funding.national``)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")

    report = models.ForeignKey(ContinuityReport, on_delete=models.CASCADE, related_name="parts")
    area = models.ForeignKey(WelfareArea, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    heartbeat_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    # What the merge needs (funding.national.AreaPart): the PDF part and the figures, or an error.
    result = models.JSONField(default=dict, blank=True)
    merged = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "area"], name="one_part_per_area")]

    def __str__(self) -> str:
        return f"{self.report_id}/{self.area_id} {self.state}"


class ContinuityFigures(models.Model):
    """The continuity figures of one area and funding year (against the year before) as last
    computed, which the area's dashboard shows with their date: written by every report of that
    year, every night, and soon after an import or a decision (funding.figures)."""

    area = models.ForeignKey(WelfareArea, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    baseline_year = models.PositiveSmallIntegerField()
    computed_at = models.DateTimeField()
    # The report these figures came from, when a report computed them.
    report = models.ForeignKey(ContinuityReport, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    figures = models.JSONField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["area", "year"], name="one_set_of_figures_per_area_and_year")]

    def __str__(self) -> str:
        return f"{self.area} {self.year}/{self.baseline_year} ({self.computed_at:%Y-%m-%d %H:%M})"


def import_upload_to(instance: FundingImport, filename: str) -> str:
    return uploads.random_name("funding/imports", filename)


class FundingImport(models.Model):
    """One file of historical funding, checked whole and imported whole or not at all."""

    class State(models.TextChoices):
        PREVIEW = "preview", _("Checked, not imported")
        REFUSED = "refused", _("Refused")
        IMPORTED = "imported", _("Imported")

    area = models.ForeignKey(WelfareArea, on_delete=models.PROTECT, related_name="+", verbose_name=_("area"))
    file = models.FileField(upload_to=import_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64)
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    rows_read = models.PositiveIntegerField(default=0)
    rows_imported = models.PositiveIntegerField(default=0)
    organisations_created = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # [[line, message], …]
    summary = models.JSONField(default=dict, blank=True)  # {year: euros}
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("funding import")
        verbose_name_plural = _("funding imports")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "sha256"], condition=Q(state="imported"), name="one_import_per_file_and_area"
            )
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_state_display()})"


class FundingRecord(models.Model):
    """The funding ledger: one grant paid to an organisation by one funder for one year."""

    class FunderKind(models.TextChoices):
        WELFARE_AREA = "welfare_area", _("Wellbeing services county")
        MUNICIPALITY = "municipality", _("Municipality")
        JOINT_AUTHORITY = "joint_authority", _("Joint municipal authority")
        STATE = "state", _("State")
        OTHER = "other", _("Other funder")

    class Source(models.TextChoices):
        DECISION = "decision", _("Decision in the portal")
        IMPORT = "import", _("Imported history")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="funding_records")
    funder_kind = models.CharField(max_length=20, choices=FunderKind.choices)
    funder_area = models.ForeignKey(WelfareArea, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    funder_municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    funder_name = models.CharField(max_length=200)
    year = models.PositiveSmallIntegerField()
    amount = models.DecimalField(**MONEY)
    grant_type = models.CharField(max_length=50, blank=True)
    purpose = models.CharField(max_length=500, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices)
    # A decision's rows: its own funding year, and the later years of a multi-year grant.
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, null=True, blank=True, related_name="funding_records"
    )
    # A later year of a multi-year grant whose appropriation is not yet confirmed: counted apart.
    conditional = models.BooleanField(default=False)
    import_batch = models.ForeignKey(
        FundingImport, on_delete=models.CASCADE, null=True, blank=True, related_name="records"
    )

    class Meta:
        verbose_name = _("funding record")
        verbose_name_plural = _("funding records")
        indexes = [models.Index(fields=["year", "funder_kind"])]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "year"],
                condition=models.Q(application__isnull=False),
                name="one_ledger_row_per_application_and_year",
            )
        ]

    def __str__(self) -> str:
        return f"{self.funder_name} {self.year}: {self.amount} €"
