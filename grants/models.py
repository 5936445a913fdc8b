"""Grant calls, applications, reviews, decisions, payments, reports on use of funds, and the
funding ledger. The application workflow itself is the table in ``grants/workflow.py``."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation
from portal import uploads
from portal.models import Municipality, Theme, WelfareArea, localized

if TYPE_CHECKING:
    pass


class MoneyDigits(TypedDict):
    max_digits: int
    decimal_places: int


MONEY: MoneyDigits = {"max_digits": 12, "decimal_places": 2}
POSITIVE_MONEY = [MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("9999999999.99"))]


class GrantType(models.TextChoices):
    GENERAL = "yleisavustus", _("General operating grant (yleisavustus)")
    TARGETED = "kohdeavustus", _("Targeted or project grant (kohdeavustus)")
    PREMISES = "tila-avustus", _("Premises grant (tila-avustus)")
    PARTNERSHIP = "kumppanuusavustus", _("Partnership grant (kumppanuusavustus)")


class AttachmentKind(models.TextChoices):
    BUDGET = "budget", _("Budget")
    ACTIVITY_PLAN = "activity_plan", _("Activity plan")
    FINANCIAL_STATEMENTS = "financial_statements", _("Financial statements")
    ANNUAL_REPORT = "annual_report", _("Annual report")
    AUDITORS_REPORT = "auditors_report", _("Auditor's report")
    RULES = "rules", _("Rules of the association")
    USE_OF_FUNDS = "use_of_funds", _("Report on the use of funds")
    OTHER = "other", _("Other attachment")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    INFO_REQUESTED = "info_requested", _("More information requested")
    DECIDED = "decided", _("Decided")
    PAID = "paid", _("Paid")
    REPORT_SUBMITTED = "report_submitted", _("Report on use of funds submitted")
    REPORT_RETURNED = "report_returned", _("Report on use of funds returned")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The report on the use of funds is written once the grant is paid, and completed when returned.
REPORT_EDITABLE = frozenset({Status.PAID, Status.REPORT_RETURNED})


class GrantCallQuerySet(models.QuerySet["GrantCall"]):
    def published(self) -> GrantCallQuerySet:
        return self.filter(published_at__isnull=False)

    def open_calls(self, at: datetime.datetime | None = None) -> GrantCallQuerySet:
        now = at or timezone.now()
        return self.published().filter(opens_at__lte=now, closes_at__gt=now)

    def upcoming(self, at: datetime.datetime | None = None) -> GrantCallQuerySet:
        return self.published().filter(opens_at__gt=at or timezone.now())

    def in_area(self, area: WelfareArea) -> GrantCallQuerySet:
        return self.filter(area=area)


class GrantCall(models.Model):
    area = models.ForeignKey(WelfareArea, on_delete=models.PROTECT, related_name="grant_calls", verbose_name=_("area"))
    title_fi = models.CharField(_("title in Finnish"), max_length=200)
    title_sv = models.CharField(_("title in Swedish"), max_length=200, blank=True)
    description_fi = models.TextField(_("description in Finnish"), max_length=20000)
    description_sv = models.TextField(_("description in Swedish"), max_length=20000, blank=True)
    grant_type = models.CharField(_("grant type"), max_length=20, choices=GrantType.choices)
    funding_year = models.PositiveSmallIntegerField(
        _("funding year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    budget = models.DecimalField(_("appropriation (EUR)"), validators=POSITIVE_MONEY, **MONEY)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    max_amount = models.DecimalField(
        _("largest grant (EUR)"), null=True, blank=True, validators=POSITIVE_MONEY, **MONEY
    )
    required_attachments = models.JSONField(_("required attachments"), default=list, blank=True)
    # The area's terms for the grants of this call, printed on every decision document.
    terms_fi = models.TextField(_("grant terms in Finnish"), max_length=20000, blank=True)
    terms_sv = models.TextField(_("grant terms in Swedish"), max_length=20000, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = GrantCallQuerySet.as_manager()

    class Meta:
        verbose_name = _("grant call")
        verbose_name_plural = _("grant calls")
        ordering = ["-funding_year", "closes_at"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="call_closes_after_opening")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return localized(self, "title")

    @property
    def description(self) -> str:
        return localized(self, "description")

    @property
    def terms(self) -> str:
        return localized(self, "terms")

    def is_open(self, at: datetime.datetime | None = None) -> bool:
        now = at or timezone.now()
        return self.published_at is not None and self.opens_at <= now < self.closes_at

    def get_required_attachments_display(self) -> list[str]:
        labels = dict(AttachmentKind.choices)
        return [str(labels[kind]) for kind in self.required_attachments if kind in labels]

    def decided_total(self) -> Decimal:
        """Euros granted by the call's decisions (approved in full or in part)."""
        total = Decision.objects.granted().filter(application__call=self).aggregate(total=Sum("amount"))["total"]
        return total or Decimal("0")

    def remaining(self) -> Decimal:
        return self.budget - self.decided_total()


class ScoringCriterion(models.Model):
    call = models.ForeignKey(GrantCall, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("call"))
    name_fi = models.CharField(_("criterion in Finnish"), max_length=200)
    name_sv = models.CharField(_("criterion in Swedish"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1, validators=[MaxValueValidator(100)])

    class Meta:
        verbose_name = _("scoring criterion")
        verbose_name_plural = _("scoring criteria")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self)


class ApplicationQuerySet(models.QuerySet["Application"]):
    def in_area(self, *areas: WelfareArea) -> ApplicationQuerySet:
        return self.filter(call__area__in=areas)

    def submitted(self) -> ApplicationQuerySet:
        return self.exclude(status__in=[Status.DRAFT, Status.WITHDRAWN])

    def with_overdue_report(self, on: datetime.date | None = None) -> ApplicationQuerySet:
        return self.filter(status__in=REPORT_EDITABLE, decision__report_due_on__lt=on or timezone.localdate())

    def for_work_list(self) -> ApplicationQuerySet:
        """What the coordinator's list and its CSV show, and nothing more (no long texts)."""
        return self.select_related("call", "organisation").only(
            "pk", "title", "status", "requested_amount", "submitted_at", "call__title_fi", "call__title_sv",
            "organisation__name_fi", "organisation__name_sv", "organisation__business_id",
            "organisation__register_number",
        )  # fmt: skip


def submission_upload_to(instance: Application, filename: str) -> str:
    return uploads.random_name("grants/submissions", filename)


class Application(models.Model):
    call = models.ForeignKey(GrantCall, on_delete=models.PROTECT, related_name="applications", verbose_name=_("call"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="applications", verbose_name=_("organisation")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=5000, blank=True)
    planned_activities = models.TextField(_("planned activities"), max_length=20000, blank=True)
    target_groups = models.ManyToManyField(Theme, blank=True, related_name="+", verbose_name=_("target groups"))
    municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="+", verbose_name=_("municipalities served")
    )
    expected_participants = models.PositiveIntegerField(
        _("expected participants"), null=True, blank=True, validators=[MaxValueValidator(10_000_000)]
    )
    expected_volunteers = models.PositiveIntegerField(
        _("expected volunteers"), null=True, blank=True, validators=[MaxValueValidator(1_000_000)]
    )
    requested_amount = models.DecimalField(
        _("amount applied for (EUR)"), null=True, blank=True, validators=POSITIVE_MONEY, **MONEY
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The application as it was submitted, rendered by a job: the record of what the area received.
    submitted_pdf = models.FileField(upload_to=submission_upload_to, max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # Raised on every save of the draft: an edit based on an older version is refused.
    version = models.PositiveIntegerField(default=1)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.title}"

    def get_status_display(self) -> str:  # type: ignore[no-redef]  # replaces the one Django adds
        # Django's own builds a dictionary of every status on each call; lists show it on each row.
        return str(Status(self.status).label)


class BudgetLine(models.Model):
    class Kind(models.TextChoices):
        EXPENSE = "expense", _("Expense")
        INCOME = "income", _("Income")

    class Category(models.TextChoices):
        SALARIES = "salaries", _("Salaries and fees")
        PREMISES = "premises", _("Premises")
        ACTIVITIES = "activities", _("Activities and materials")
        TRAVEL = "travel", _("Travel")
        ADMINISTRATION = "administration", _("Administration")
        OWN_FUNDING = "own_funding", _("Own funding and fees")
        OTHER = "other", _("Other")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget_lines")
    kind = models.CharField(_("expense or income"), max_length=10, choices=Kind.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount (EUR)"), validators=POSITIVE_MONEY, **MONEY)

    class Meta:
        ordering = ["kind", "pk"]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.amount} €"


class OtherFunding(models.Model):
    class State(models.TextChoices):
        SOUGHT = "sought", _("Applied for")
        RECEIVED = "received", _("Received")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="other_funding")
    funder = models.CharField(_("funder"), max_length=200)
    amount = models.DecimalField(_("amount (EUR)"), validators=POSITIVE_MONEY, **MONEY)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.SOUGHT)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.funder} {self.amount} €"


def attachment_upload_to(instance: ApplicationAttachment, filename: str) -> str:
    return uploads.random_name("grants/attachments", filename)


class ApplicationAttachment(uploads.StoredFile):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("attachment"), max_length=30, choices=AttachmentKind.choices)
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=200)

    class Meta:
        ordering = ["kind", "pk"]

    def __str__(self) -> str:
        return self.original_name


class ApplicationEvent(models.Model):
    """The audit trail and the conversation: status changes, messages, requests and answers."""

    class Kind(models.TextChoices):
        TRANSITION = "transition", _("Status change")
        MESSAGE = "message", _("Message")
        NOTE = "note", _("Internal note")
        DECISION = "decision", _("Decision")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # A decision or a change of one: what it was and what it became.
    outcome_before = models.CharField(max_length=20, blank=True)
    outcome_after = models.CharField(max_length=20, blank=True)
    amount_before = models.DecimalField(null=True, blank=True, **MONEY)
    amount_after = models.DecimalField(null=True, blank=True, **MONEY)
    transition = models.CharField(max_length=30, blank=True)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    text = models.TextField(blank=True, max_length=10000)
    visible_to_applicant = models.BooleanField(default=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"

    def get_outcome_before_display(self) -> str:
        return str(Decision.Outcome(self.outcome_before).label) if self.outcome_before else ""

    def get_outcome_after_display(self) -> str:
        return str(Decision.Outcome(self.outcome_after).label) if self.outcome_after else ""


class ReviewAssignment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments")
    # A deleted account leaves its reviews behind the decisions they informed, without the name.
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="review_assignments"
    )
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)
    conflict_of_interest = models.BooleanField(_("conflict of interest declared"), default=False)
    conflict_reason = models.TextField(_("reason"), blank=True, max_length=2000)

    class Meta:
        ordering = ["assigned_at"]
        constraints = [models.UniqueConstraint(fields=["application", "reviewer"], name="one_assignment_per_reviewer")]

    def __str__(self) -> str:
        return f"{self.reviewer} → {self.application}"


class Review(models.Model):
    class Outcome(models.TextChoices):
        APPROVE = "approve", _("Approve")
        APPROVE_PARTLY = "approve_partly", _("Approve in part")
        REJECT = "reject", _("Reject")

    assignment = models.OneToOneField(ReviewAssignment, on_delete=models.CASCADE, related_name="review")
    scores = models.JSONField(default=dict)  # {criterion pk: score 0–5}
    comment = models.TextField(_("comment"), blank=True, max_length=10000)
    recommended_outcome = models.CharField(_("recommendation"), max_length=20, choices=Outcome.choices)
    recommended_amount = models.DecimalField(
        _("recommended amount (EUR)"), null=True, blank=True, validators=[MinValueValidator(0)], **MONEY
    )
    submitted_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.assignment.reviewer}: {self.get_recommended_outcome_display()}"

    def weighted_score(self, criteria: list[ScoringCriterion]) -> Decimal | None:
        weights = sum(c.weight for c in criteria if str(c.pk) in self.scores)
        if not weights:
            return None
        total = sum(
            (Decimal(self.scores[str(c.pk)]) * c.weight for c in criteria if str(c.pk) in self.scores), Decimal(0)
        )
        return (total / weights).quantize(Decimal("0.01"))


class DecisionQuerySet(models.QuerySet["Decision"]):
    def granted(self) -> DecisionQuerySet:
        return self.filter(outcome__in=[Decision.Outcome.APPROVED, Decision.Outcome.PARTLY_APPROVED])

    def published(self) -> DecisionQuerySet:
        return self.filter(published_at__isnull=False)

    def for_public_list(self) -> DecisionQuerySet:
        """What the published decisions page shows of each, and nothing more."""
        return self.select_related("application__organisation", "application__call").only(
            "pk", "outcome", "amount", "reference", "application__title", "application__organisation__name_fi",
            "application__organisation__name_sv", "application__call__title_fi", "application__call__title_sv",
        )  # fmt: skip


def default_report_due(funding_year: int) -> datetime.date:
    """Reports on the use of a year's grant are due by the end of April of the following year."""
    return datetime.date(funding_year + 1, 4, 30)


class Decision(models.Model):
    class Outcome(models.TextChoices):
        APPROVED = "approved", _("Approved")
        PARTLY_APPROVED = "partly_approved", _("Partly approved")
        REJECTED = "rejected", _("Rejected")

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    amount = models.DecimalField(
        _("amount granted (EUR)"), default=Decimal("0"), validators=[MinValueValidator(0)], **MONEY
    )
    conditions = models.TextField(_("conditions"), blank=True, max_length=10000)
    rationale = models.TextField(_("rationale"), max_length=10000)
    reference = models.CharField(_("decision reference"), max_length=50, blank=True)
    report_due_on = models.DateField(_("report on use of funds due"), null=True, blank=True)
    # The end of the period of use when a change decision extended it; else the funding year's end.
    use_until = models.DateField(_("period of use ends"), null=True, blank=True)
    payment_schedule = models.TextField(
        _("payment schedule"),
        max_length=2000,
        blank=True,
        help_text=_("When and in what instalments the grant is paid. Printed on the decision document."),
    )
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # Granting money to an organisation no coordinator has verified is confirmed explicitly.
    unverified_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    unverified_confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"{self.application} – {self.get_outcome_display()}"

    def get_outcome_display(self) -> str:  # type: ignore[no-redef]  # replaces the one Django adds
        return str(Decision.Outcome(self.outcome).label)  # as Application.get_status_display

    @property
    def is_grant(self) -> bool:
        return self.outcome != self.Outcome.REJECTED

    @property
    def use_period(self) -> tuple[datetime.date, datetime.date]:
        """The grant is for the call's funding year, unless a change decision extended it."""
        year = self.application.call.funding_year
        return datetime.date(year, 1, 1), self.use_until or datetime.date(year, 12, 31)

    def sent_documents(self) -> list[DecisionDocument]:
        """The decision's documents as sent, the latest first, each marked ``replaced`` when a
        later one replaced it."""
        replaced = models.Exists(DecisionDocument.objects.filter(supersedes=models.OuterRef("pk")))
        sent = self.documents.filter(sent_at__isnull=False).select_related("first_opened_by")
        return list(sent.annotate(replaced=replaced))


class GrantYear(models.Model):
    """A later funding year of a multi-year partnership grant (three years at most, the decision's
    own year included): its amount is conditional on that year's appropriation until a coordinator
    confirms it, and the funding ledger holds it so, apart from confirmed money."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="later_years")
    year = models.PositiveSmallIntegerField(_("funding year"))
    amount = models.DecimalField(_("amount (EUR)"), validators=POSITIVE_MONEY, **MONEY)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("later funding year")
        verbose_name_plural = _("later funding years")
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["decision", "year"], name="one_amount_per_grant_year")]

    def __str__(self) -> str:
        return f"{self.decision_id} {self.year}: {self.amount} €"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


def decision_document_upload_to(instance: DecisionDocument, filename: str) -> str:
    return uploads.random_name("grants/decisions", filename)


class DecisionDocument(models.Model):
    """The decision as a document sent to the applicant (päätös / beslut), rendered by a job.

    Once sent, a document never changes: a changed decision gets a correction, a new document
    that names the one it replaces. ``decision_decided_at`` is the version of the decision the
    document shows, so a job run twice sends one document. Only the first opening by a member of
    the organisation is written later, as the proof of when it was received.
    """

    class Kind(models.TextChoices):
        ORIGINAL = "original", _("Decision")
        CORRECTION = "correction", _("Corrected decision")
        REVIEW = "review", _("Decision on a request for review")
        CHANGE = "change", _("Decision on a change request")

    class Delivery(models.TextChoices):
        ELECTRONIC = "electronic", _("Electronically in the portal")
        POST = "post", _("By post as a letter")

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.ORIGINAL)
    language = models.CharField(_("language"), max_length=2)
    # Electronically only with the organisation's consent (13/2003 § 19); otherwise the area posts it.
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices, default=Delivery.ELECTRONIC)
    pdf = models.FileField(upload_to=decision_document_upload_to, max_length=200)
    sha256 = models.CharField(max_length=64)
    # An English translation for reading, rendered with the document; only the document binds.
    unofficial_copy = models.FileField(upload_to=decision_document_upload_to, max_length=200, blank=True)
    decision_decided_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    notified_on = models.DateField(_("notification day"), null=True, blank=True)
    review_deadline = models.DateField(_("last day for a request for review"), null=True, blank=True)
    first_opened_at = models.DateTimeField(_("first opened"), null=True, blank=True)
    first_opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    # The decision on a request for review is a document of its own, whether or not it changed
    # the decision.
    review_request = models.OneToOneField(
        "ReviewRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="document"
    )
    # So is the decision on a change request: the grant decision stays in force beside it.
    change_request = models.OneToOneField(
        "ChangeRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="document"
    )

    class Meta:
        verbose_name = _("decision document")
        verbose_name_plural = _("decision documents")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "decision_decided_at"],
                condition=Q(review_request__isnull=True, change_request__isnull=True),
                name="one_document_per_decision_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.decision} ({self.get_kind_display()}, {self.created_at:%Y-%m-%d})"

    def download_name(self) -> str:
        reference = "".join(c if c.isalnum() else "-" for c in self.decision.reference).strip("-")
        return f"paatos-{reference or self.decision.application_id}-{self.pk}.pdf"

    def unofficial_copy_name(self) -> str:
        return self.download_name().replace(".pdf", "-en-unofficial.pdf")


class ReviewRequestQuerySet(models.QuerySet["ReviewRequest"]):
    def pending(self) -> ReviewRequestQuerySet:
        return self.filter(resolution="")

    def in_area(self, area: WelfareArea) -> ReviewRequestQuerySet:
        return self.filter(decision__application__call__area=area)


class ReviewRequest(models.Model):
    """A request for review (oikaisuvaatimus / omprövningsbegäran) of a decision, filed by an
    administrator of the organisation within 14 days of the notification day; a late one is still
    received and marked late. The decision-maker resolves it with a document of its own
    (``grants.reviewrequests``)."""

    class Resolution(models.TextChoices):
        DISMISSED_LATE = "dismissed_late", _("Dismissed as late")
        REJECTED = "rejected", _("Rejected")
        CHANGED = "changed", _("Decision changed")

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="review_requests")
    # The decision document the request concerns; its last day tells whether the request was late.
    concerns = models.ForeignKey(DecisionDocument, on_delete=models.PROTECT, related_name="review_requests")
    demand = models.TextField(_("change demanded"), max_length=5000)
    grounds = models.TextField(_("grounds"), max_length=20000)
    contact = models.TextField(_("contact details"), max_length=1000)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    filed_at = models.DateTimeField(_("filed"), default=timezone.now)
    late = models.BooleanField(_("filed late"), default=False)
    resolution = models.CharField(_("resolution"), max_length=20, choices=Resolution.choices, blank=True)
    resolution_grounds = models.TextField(_("grounds of the resolution"), max_length=10000, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    # The outcome and amount before and after, when the decision was changed.
    outcome_before = models.CharField(max_length=20, blank=True)
    amount_before = models.DecimalField(null=True, blank=True, **MONEY)
    # The coordinators were reminded that it is still waiting, at most once (grants.reminders).
    reminded_at = models.DateTimeField(null=True, blank=True)

    objects = ReviewRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("request for review")
        verbose_name_plural = _("requests for review")
        ordering = ["-filed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.decision} – {self.filed_at:%Y-%m-%d}"

    @property
    def is_pending(self) -> bool:
        return not self.resolution

    @property
    def outcome_before_label(self) -> str:
        return str(Decision.Outcome(self.outcome_before).label) if self.outcome_before else ""

    @property
    def handle_by(self) -> datetime.date:
        """When the area means to have resolved it: a request for review is handled urgently
        (434/2003 § 49 e); the portal's target is REVIEW_REQUEST_HANDLING_DAYS from filing."""
        return timezone.localdate(self.filed_at) + datetime.timedelta(days=REVIEW_REQUEST_HANDLING_DAYS)


REVIEW_REQUEST_HANDLING_DAYS = 30


def review_request_upload_to(instance: ReviewRequestAttachment, filename: str) -> str:
    return uploads.random_name("grants/review-requests", filename)


class ReviewRequestAttachment(uploads.StoredFile):
    review_request = models.ForeignKey(ReviewRequest, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=review_request_upload_to, max_length=200)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class ChangeRequestQuerySet(models.QuerySet["ChangeRequest"]):
    def pending(self) -> ChangeRequestQuerySet:
        return self.filter(resolution="")

    def in_area(self, area: WelfareArea) -> ChangeRequestQuerySet:
        return self.filter(decision__application__call__area=area)


class ChangeRequest(models.Model):
    """A change request (muutoshakemus / ändringsansökan) on a granted application: a longer period
    of use, money moved between budget lines, or a change of content, with its grounds. The
    coordinator accepts it, accepts it with changes, or rejects it, each with a decision document
    (``grants.changerequests``)."""

    class Kind(models.TextChoices):
        EXTENSION = "extension", _("Extension of the period of use")
        BUDGET = "budget", _("Moving money between budget lines")
        CONTENT = "content", _("Change of content")

    class Resolution(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        ACCEPTED_WITH_CHANGES = "accepted_with_changes", _("Accepted with changes")
        REJECTED = "rejected", _("Rejected")

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="change_requests")
    kind = models.CharField(_("change"), max_length=10, choices=Kind.choices)
    description = models.TextField(_("what changes"), max_length=5000)
    grounds = models.TextField(_("grounds"), max_length=10000)
    new_use_until = models.DateField(_("new end of the period of use"), null=True, blank=True)
    move_from = models.CharField(_("from budget line"), max_length=20, choices=BudgetLine.Category.choices, blank=True)
    move_to = models.CharField(_("to budget line"), max_length=20, choices=BudgetLine.Category.choices, blank=True)
    move_amount = models.DecimalField(_("amount moved (EUR)"), null=True, blank=True, **MONEY)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    filed_at = models.DateTimeField(_("filed"), default=timezone.now)
    resolution = models.CharField(_("resolution"), max_length=25, choices=Resolution.choices, blank=True)
    resolution_grounds = models.TextField(_("grounds of the resolution"), max_length=10000, blank=True)
    # What was accepted, when accepted with changes: a shorter extension, a smaller sum moved.
    accepted_use_until = models.DateField(_("accepted end of the period of use"), null=True, blank=True)
    accepted_move_amount = models.DecimalField(_("accepted amount moved (EUR)"), null=True, blank=True, **MONEY)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    objects = ChangeRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["-filed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.decision} – {self.get_kind_display()}"

    @property
    def is_pending(self) -> bool:
        return not self.resolution

    @property
    def is_accepted(self) -> bool:
        return self.resolution in (self.Resolution.ACCEPTED, self.Resolution.ACCEPTED_WITH_CHANGES)


class Payment(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="payments")
    amount = models.DecimalField(_("amount (EUR)"), validators=POSITIVE_MONEY, **MONEY)
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("payment reference"), max_length=50, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    # Paid although no coordinator had verified the organisation, confirmed by the one who recorded it.
    unverified_confirmed = models.BooleanField(default=False)

    class Meta:
        ordering = ["paid_on", "pk"]

    def __str__(self) -> str:
        return f"{self.amount} € {self.paid_on}"


class UseOfFundsReport(models.Model):
    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="use_of_funds_report")
    amount_used = models.DecimalField(_("amount used (EUR)"), validators=[MinValueValidator(0)], **MONEY)
    narrative = models.TextField(_("what was done"), max_length=20000)
    results = models.TextField(_("results"), max_length=20000)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.application}: {self.amount_used} €"


class FundsReturn(models.Model):
    """Unused money of an accepted report on the use of funds: what was paid and not used is to be
    returned, unless a coordinator waives it with a reason. The funding ledger holds the final
    amount (``final_amount``), so that continuity counts money actually used."""

    class State(models.TextChoices):
        DUE = "due", _("To be returned")
        WAIVED = "waived", _("Return waived")

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="funds_return")
    paid = models.DecimalField(_("paid (EUR)"), **MONEY)
    used = models.DecimalField(_("used (EUR)"), **MONEY)
    amount = models.DecimalField(_("amount to return (EUR)"), validators=POSITIVE_MONEY, **MONEY)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DUE)
    recorded_at = models.DateTimeField(default=timezone.now)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    waived_at = models.DateTimeField(_("waived"), null=True, blank=True)
    waiver_reason = models.TextField(_("reason for waiving the return"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("return of unused funds")
        verbose_name_plural = _("returns of unused funds")

    def __str__(self) -> str:
        return f"{self.application}: {self.amount} € ({self.get_state_display()})"

    @property
    def final_amount(self) -> Decimal:
        """What the organisation keeps of the grant: what was paid, less what it returns."""
        return self.paid - self.amount if self.state == self.State.DUE else self.paid


def open_data_upload_to(instance: OpenDataRelease, filename: str) -> str:
    return uploads.random_name("grants/open-data", filename)


class OpenDataRelease(models.Model):
    """One build of the open data: the published grants as a 360Giving JSON package and as CSV,
    each also gzipped, written by a job when decisions are published (and nightly). Requests serve
    the latest; none builds the files."""

    generated_at = models.DateTimeField(default=timezone.now, db_index=True)
    grants = models.PositiveIntegerField()
    json = models.FileField(upload_to=open_data_upload_to, max_length=200)
    json_gzip = models.FileField(upload_to=open_data_upload_to, max_length=200)
    csv = models.FileField(upload_to=open_data_upload_to, max_length=200)
    csv_gzip = models.FileField(upload_to=open_data_upload_to, max_length=200)
    # SHA-256 of the JSON and of the CSV: the files' ETags.
    json_sha256 = models.CharField(max_length=64)
    csv_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-generated_at", "-pk"]
        get_latest_by = ["generated_at", "pk"]

    def __str__(self) -> str:
        return f"{self.generated_at:%Y-%m-%d %H:%M} ({self.grants})"


class Reminder(models.Model):
    """A reminder sent about an application: each kind at most once, however often the daily
    job runs (``grants.reminders``)."""

    class Kind(models.TextChoices):
        DRAFT_WEEK = "draft_week", _("The call closes in a week")
        DRAFT_DAY = "draft_day", _("The call closes tomorrow")
        REPORT_DUE = "report_due", _("The report on the use of funds is due in 30 days")
        REPORT_OVERDUE = "report_overdue", _("The report on the use of funds is overdue")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("reminder"), max_length=20, choices=Kind.choices)
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [models.UniqueConstraint(fields=["application", "kind"], name="one_reminder_of_a_kind")]

    def __str__(self) -> str:
        return f"{self.application_id} {self.kind}"
