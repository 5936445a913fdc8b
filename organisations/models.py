"""Organisations, their members, invitations, join requests, documents and coordinators' notes."""

from __future__ import annotations

import datetime
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum import iban as iban_number

from portal import uploads
from portal.models import ActivityType, Municipality, Theme, WelfareArea, localized

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portal.models import User

INVITATION_VALIDITY = datetime.timedelta(days=7)


class ServiceLanguage(models.TextChoices):
    FINNISH = "fi", _("Finnish")
    SWEDISH = "sv", _("Swedish")
    ENGLISH = "en", _("English")
    OTHER = "other", _("Other languages")


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def for_member(self, user: User | AnonymousUser) -> OrganisationQuerySet:
        """The organisations the user belongs to."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Exists(Membership.objects.filter(organisation=OuterRef("pk"), user=user)))

    def operating_in(self, *areas: WelfareArea) -> OrganisationQuerySet:
        """Organisations whose home or any municipality of operation lies in one of the areas."""
        if len(areas) == 1:
            return self.filter(areas=areas[0])  # one row per organisation and area: no repeats
        return self.filter(
            pk__in=Organisation.areas.through.objects.filter(welfarearea__in=areas).values("organisation")
        )

    def in_municipality(self, municipality: Municipality) -> OrganisationQuerySet:
        operates = Organisation.municipalities.through.objects.filter(
            organisation=OuterRef("pk"), municipality=municipality
        )
        return self.filter(Q(home_municipality=municipality) | Q(Exists(operates)))

    def waiting_for_coordinator(self) -> OrganisationQuerySet:
        """Those with a claim to check or a request to close them, each with ``pending_claims``."""
        claims = JoinRequest.objects.filter(
            organisation=OuterRef("pk"), kind=JoinRequest.Kind.CLAIM, status=JoinRequest.Status.PENDING
        )
        return (
            self.annotate(
                pending_claims=Coalesce(
                    Subquery(claims.order_by().values("organisation").annotate(n=Count("pk")).values("n")), 0
                )
            )
            .filter(Q(Exists(claims)) | Q(closure_requested_at__isnull=False, closed_at__isnull=True))
            .order_by("name_fi")
        )

    def not_closed(self) -> OrganisationQuerySet:
        return self.filter(closed_at__isnull=True)

    def refresh_areas(self) -> None:
        """Write down again where these organisations operate (``Organisation.areas``): the areas
        of their home municipality and of their municipalities of operation. Saving an organisation
        or changing its municipalities does this by itself (organisations.signals); whatever
        writes in bulk calls it after."""
        through = Organisation.areas.through
        ids = list(self.values_list("pk", flat=True))
        for start in range(0, len(ids), 5000):
            batch = ids[start : start + 5000]
            pairs = set(
                Organisation.objects.filter(pk__in=batch).values_list("pk", "home_municipality__area_id")
            ) | set(
                Organisation.municipalities.through.objects.filter(organisation_id__in=batch).values_list(
                    "organisation_id", "municipality__area_id"
                )
            )
            through.objects.filter(organisation_id__in=batch).delete()
            through.objects.bulk_create(
                [through(organisation_id=organisation, welfarearea_id=area) for organisation, area in sorted(pairs)]
            )

    def for_listing(self) -> OrganisationQuerySet:
        """What a list of organisations shows, fetched in a fixed number of queries."""
        return self.select_related("home_municipality", "parent").prefetch_related("themes")


class Organisation(models.Model):
    class Origin(models.TextChoices):
        REGISTERED = "registered", _("Registered in the portal")
        IMPORTED = "imported", _("Created from imported funding history")

    class Kind(models.TextChoices):
        NATIONAL = "national", _("National organisation")
        DISTRICT = "district", _("District organisation")
        LOCAL = "local", _("Local association")
        INDEPENDENT = "independent", _("Independent association")
        OTHER = "other", _("Other")

    name_fi = models.CharField(_("name in Finnish"), max_length=200)
    name_sv = models.CharField(_("name in Swedish"), max_length=200, blank=True)
    business_id = models.CharField(_("Business ID"), max_length=9, unique=True, null=True, blank=True)
    register_number = models.CharField(
        _("association register number"), max_length=20, unique=True, null=True, blank=True
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.LOCAL)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="branches",
        verbose_name=_("parent organisation"),
    )
    home_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="home_organisations",
        verbose_name=_("home municipality"),
    )
    municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="operating_organisations", verbose_name=_("municipalities of operation")
    )
    # Where it operates, from the two fields above, so that "the organisations of an area" is one
    # indexed lookup (organisations.signals keeps it; see OrganisationQuerySet.refresh_areas).
    areas = models.ManyToManyField(
        WelfareArea, blank=True, editable=False, related_name="operating_organisations", verbose_name=_("areas")
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="organisations", verbose_name=_("themes"))
    activity_types = models.ManyToManyField(
        ActivityType, blank=True, related_name="organisations", verbose_name=_("activity types")
    )
    serves_fi = models.BooleanField(_("serves in Finnish"), default=False)
    serves_sv = models.BooleanField(_("serves in Swedish"), default=False)
    serves_en = models.BooleanField(_("serves in English"), default=False)
    serves_other = models.BooleanField(_("serves in other languages"), default=False)
    # The official language the organisation deals with the areas in: its decisions are written in it.
    decision_language = models.CharField(
        _("language of decisions"),
        max_length=2,
        choices=[("fi", _("Finnish")), ("sv", _("Swedish"))],
        default="fi",
        help_text=_("The areas write their decisions to the organisation in this language."),
    )
    # Consent to receive decisions electronically (Act on Electronic Services 13/2003 § 19): without
    # it a decision is served as a letter, deemed received on the seventh day after posting.
    electronic_service_consent_at = models.DateTimeField(_("consented to electronic service"), null=True, blank=True)
    electronic_service_consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    description_fi = models.TextField(_("description in Finnish"), blank=True)
    description_sv = models.TextField(_("description in Swedish"), blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Claiming without a coordinator's check is possible only for a record an import created and
    # that nobody has ever been a member of (see organisations.services.can_be_claimed).
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices, default=Origin.REGISTERED)
    first_member_at = models.DateTimeField(_("first member joined"), null=True, blank=True)
    closure_requested_at = models.DateTimeField(_("closure requested"), null=True, blank=True)
    closure_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closure_reason = models.TextField(_("reason for closing"), max_length=2000, blank=True)
    closed_at = models.DateTimeField(_("closed in the portal"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_fi"]
        constraints = [
            models.CheckConstraint(
                condition=Q(business_id__isnull=False) | Q(register_number__isnull=False),
                name="organisation_has_identifier",
                violation_error_message=_("Give a Business ID or an association register number."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self)

    @property
    def description(self) -> str:
        return localized(self, "description")

    @property
    def languages(self) -> list[str]:
        return [code for code in ServiceLanguage.values if getattr(self, f"serves_{code}")]

    def get_languages_display(self) -> list[str]:
        return [str(label) for code, label in ServiceLanguage.choices if getattr(self, f"serves_{code}")]

    @property
    def iban_display(self) -> str:
        return iban_number.format(self.iban) if self.iban else ""


class MembershipQuerySet(models.QuerySet["Membership"]):
    def admins(self) -> MembershipQuerySet:
        return self.filter(role=Membership.Role.ADMIN)

    def people(self) -> list[User]:
        """The members' user accounts (one query), e.g. to email each of them."""
        return [membership.user for membership in self.select_related("user")]


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        MEMBER = "member", _("Member")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__name_fi", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_organisation"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"


def organisation_topic(organisation_id: int) -> str:
    """The fragments topic (portal.fragments) of what is kept about one organisation: renewed when
    it, its members or (grants) its applications and anything of theirs change."""
    return f"organisation:{organisation_id}"


def new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


def invitation_expiry() -> datetime.datetime:
    return timezone.now() + INVITATION_VALIDITY


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def usable(self) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """An admin's invitation by email; the token works once and for seven days."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("organisation")
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER)
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), default=invitation_expiry)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class JoinRequestQuerySet(models.QuerySet["JoinRequest"]):
    def pending(self) -> JoinRequestQuerySet:
        return self.filter(status=JoinRequest.Status.PENDING)


class JoinRequest(models.Model):
    """A user's request to join an organisation: its administrators decide, or, when it has none,
    a coordinator of its area after checking who the person is (a claim)."""

    class Kind(models.TextChoices):
        JOIN = "join", _("Request to join")
        CLAIM = "claim", _("Request to manage an organisation without members")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="join_requests", verbose_name=_("organisation")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests", verbose_name=_("user")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.JOIN)
    message = models.TextField(_("message"), blank=True, max_length=2000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = JoinRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"],
                condition=Q(status="pending"),
                name="one_pending_join_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation} ({self.get_status_display()})"


def document_upload_to(instance: OrganisationDocument, filename: str) -> str:
    return uploads.random_name("organisations/documents", filename)


class OrganisationDocument(uploads.StoredFile):
    class Kind(models.TextChoices):
        RULES = "rules", _("Rules of the association")
        ANNUAL_REPORT = "annual_report", _("Annual report")
        FINANCIAL_STATEMENTS = "financial_statements", _("Financial statements")
        AUDITORS_REPORT = "auditors_report", _("Auditor's report")
        ACTIVITY_PLAN = "activity_plan", _("Activity plan")
        BUDGET = "budget", _("Budget")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="documents", verbose_name=_("organisation")
    )
    kind = models.CharField(_("document"), max_length=30, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=200)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-year", "kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}"


class CoordinatorNote(models.Model):
    """A coordinator's private note on an organisation, seen only by that area's coordinators."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="coordinator_notes", verbose_name=_("organisation")
    )
    area = models.ForeignKey(WelfareArea, on_delete=models.CASCADE, related_name="+", verbose_name=_("area"))
    text = models.TextField(_("note"), max_length=5000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("author")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("coordinator's note")
        verbose_name_plural = _("coordinators' notes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:50]


class RegisterExtract(models.Model):
    """What PRH's register (YTJ open data) said about the organisation at its last check: its
    answer as it came (shown in the reader's language; organisations.register.parse reads it)."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="register_extract", verbose_name=_("organisation")
    )
    business_id = models.CharField(_("Business ID"), max_length=9)
    found = models.BooleanField(_("found in the register"), default=True)
    data = models.JSONField(_("register data"), default=dict, blank=True)
    fetched_at = models.DateTimeField(_("checked"), default=timezone.now)

    class Meta:
        verbose_name = _("register extract")
        verbose_name_plural = _("register extracts")

    def __str__(self) -> str:
        return f"{self.business_id} ({self.fetched_at:%Y-%m-%d})"


class RegisterFindingQuerySet(models.QuerySet["RegisterFinding"]):
    def open(self) -> RegisterFindingQuerySet:
        return self.filter(handled_at__isnull=True)


class RegisterFinding(models.Model):
    """Something the weekly check found in the register for the area's coordinators: the
    organisation was dissolved or has another name there. ``value`` (the end date, the new name)
    makes a finding one of a kind, so that the same one is never flagged twice."""

    class Kind(models.TextChoices):
        DISSOLVED = "dissolved", _("Dissolved in the register")
        RENAMED = "renamed", _("Another name in the register")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="register_findings", verbose_name=_("organisation")
    )
    kind = models.CharField(_("finding"), max_length=20, choices=Kind.choices)
    value = models.CharField(_("in the register"), max_length=200)
    portal_value = models.CharField(_("in the portal"), max_length=200, blank=True)
    found_at = models.DateTimeField(_("found"), default=timezone.now)
    notified_at = models.DateTimeField(_("coordinators notified"), null=True, blank=True)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = RegisterFindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("register finding")
        verbose_name_plural = _("register findings")
        ordering = ["-found_at"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind", "value"], name="one_finding_of_a_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.get_kind_display()} ({self.value})"

    @property
    def dissolved_on(self) -> datetime.date | None:
        return datetime.date.fromisoformat(self.value) if self.kind == self.Kind.DISSOLVED else None
