"""Family centres (perhekeskukset), their networks, cooperation agreements with NGOs, and the
activities NGOs offer families through them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation, ServiceLanguage
from portal import uploads
from portal.models import Municipality, WelfareArea, localized


class FamilyCentreQuerySet(models.QuerySet["FamilyCentre"]):
    def in_area(self, area: WelfareArea) -> FamilyCentreQuerySet:
        return self.filter(area=area)

    def with_ngo_representation(self) -> FamilyCentreQuerySet:
        """Annotate ``has_ngo_representative``: an NGO member of the network who has not left."""
        active_ngo = NetworkMember.objects.active().filter(centre=OuterRef("pk"), member_type=NetworkMember.Type.NGO)
        return self.annotate(has_ngo_representative=Exists(active_ngo))


class FamilyCentre(models.Model):
    class Kind(models.TextChoices):
        PHYSICAL = "physical", _("Physical family centre")
        NETWORK = "network", _("Network")
        ONLINE = "online", _("Online service")

    area = models.ForeignKey(
        WelfareArea, on_delete=models.PROTECT, related_name="family_centres", verbose_name=_("area")
    )
    name_fi = models.CharField(_("name in Finnish"), max_length=200)
    name_sv = models.CharField(_("name in Swedish"), max_length=200, blank=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PHYSICAL)
    municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="+", verbose_name=_("municipalities served")
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    meeting_places_fi = models.TextField(
        _("meeting places in Finnish"), blank=True, max_length=5000, help_text=_("One meeting place per line.")
    )
    meeting_places_sv = models.TextField(
        _("meeting places in Swedish"), blank=True, max_length=5000, help_text=_("One meeting place per line.")
    )
    meeting_places_en = models.TextField(
        _("meeting places in English"), blank=True, max_length=5000, help_text=_("One meeting place per line.")
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = FamilyCentreQuerySet.as_manager()

    class Meta:
        verbose_name = _("family centre")
        verbose_name_plural = _("family centres")
        ordering = ["name_fi"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self)

    def meeting_place_list(self) -> list[str]:
        """The meeting places in the reader's language (in Finnish when not given in it)."""
        return [line.strip() for line in localized(self, "meeting_places").splitlines() if line.strip()]


class NetworkMemberQuerySet(models.QuerySet["NetworkMember"]):
    def active(self, on: datetime.date | None = None) -> NetworkMemberQuerySet:
        day = on or timezone.localdate()
        return self.filter(Q(joined_on__lte=day), Q(left_on__isnull=True) | Q(left_on__gte=day))


class NetworkMember(models.Model):
    class Type(models.TextChoices):
        AREA_SERVICE = "area_service", _("Service of the wellbeing area")
        MUNICIPAL_EDUCATION = "municipal_education", _("Municipal education services")
        NGO = "ngo", _("NGO")
        PARISH = "parish", _("Parish")
        OTHER = "other", _("Other")

    centre = models.ForeignKey(FamilyCentre, on_delete=models.CASCADE, related_name="members")
    member_type = models.CharField(_("member type"), max_length=20, choices=Type.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="family_centre_memberships",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200, blank=True, help_text=_("For members other than NGOs."))
    representative_name = models.CharField(_("representative"), max_length=200)
    representative_email = models.EmailField(_("representative's email"), blank=True)
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = NetworkMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("network member")
        verbose_name_plural = _("network members")
        ordering = ["member_type", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(member_type="ngo", organisation__isnull=False) | ~Q(member_type="ngo"),
                name="ngo_member_has_organisation",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")), name="left_after_joining"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.organisation.name if self.organisation is not None else self.name

    @property
    def is_active(self) -> bool:
        today = timezone.localdate()
        return self.joined_on <= today and (self.left_on is None or self.left_on >= today)


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent for signature")
    SIGNED = "signed", _("Signed by the organisation")
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    TERMINATED = "terminated", _("Terminated")


class AgreementQuerySet(models.QuerySet["CooperationAgreement"]):
    def ending_within(self, days: int, today: datetime.date | None = None) -> AgreementQuerySet:
        day = today or timezone.localdate()
        return self.filter(
            status=AgreementStatus.ACTIVE, valid_to__gte=day, valid_to__lte=day + datetime.timedelta(days=days)
        )

    def in_area(self, area: WelfareArea) -> AgreementQuerySet:
        return self.filter(centre__area=area)


def agreement_pdf_upload_to(instance: CooperationAgreement, filename: str) -> str:
    return uploads.random_name("familycentre/agreements", filename)


class CooperationAgreement(models.Model):
    centre = models.ForeignKey(
        FamilyCentre, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("family centre")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cooperation_agreements", verbose_name=_("organisation")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    scope = models.TextField(_("scope of cooperation"), max_length=10000)
    responsibilities = models.TextField(_("responsibilities"), max_length=10000)
    premises = models.TextField(_("premises"), max_length=5000, blank=True)
    area_contact = models.CharField(_("contact person of the area"), max_length=200)
    organisation_contact = models.CharField(_("contact person of the organisation"), max_length=200)
    area_privacy_contact = models.CharField(_("data protection contact of the area"), max_length=200)
    organisation_privacy_contact = models.CharField(_("data protection contact of the organisation"), max_length=200)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    language = models.CharField(
        _("language of the agreement"), max_length=2, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    countersigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    countersigned_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    pdf = models.FileField(upload_to=agreement_pdf_upload_to, max_length=200, blank=True)
    pdf_version = models.PositiveIntegerField(default=0)  # the signature state the PDF shows
    pdf_failed_at = models.DateTimeField(null=True, blank=True)  # the last render ran out of time
    version = models.PositiveIntegerField(default=1)  # raised on every step
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("cooperation agreement")
        verbose_name_plural = _("cooperation agreements")
        ordering = ["-valid_to"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__gte=models.F("valid_from")), name="agreement_valid_period")
        ]

    def __str__(self) -> str:
        return f"{self.centre} – {self.organisation}"

    @property
    def pdf_is_current(self) -> bool:
        return bool(self.pdf) and self.pdf_version == self.version


class ActivityQuerySet(models.QuerySet["FamilyCentreActivity"]):
    """Filters that ask whether *some* centre of an activity qualifies: each activity once, not
    once per centre as a join through the centres would give."""

    def offered_in(self, area: WelfareArea) -> ActivityQuerySet:
        through = FamilyCentreActivity.centres.through.objects.filter(
            familycentreactivity=OuterRef("pk"), familycentre__area=area
        )
        return self.filter(Exists(through))

    def serving(self, municipality: Municipality) -> ActivityQuerySet:
        through = FamilyCentreActivity.centres.through.objects.filter(
            familycentreactivity=OuterRef("pk"), familycentre__municipalities=municipality
        )
        return self.filter(Exists(through))


class FamilyCentreActivity(models.Model):
    class TargetGroup(models.TextChoices):
        EXPECTING = "expecting", _("Expecting families")
        BABIES = "babies", _("Families with babies")
        UNDER_SCHOOL_AGE = "under_school_age", _("Children under school age")
        SCHOOL_CHILDREN = "school_children", _("School children")
        YOUNG_PEOPLE = "young_people", _("Young people")
        PARENTS = "parents", _("Parents")
        WHOLE_FAMILY = "whole_family", _("The whole family")

    # One activity, however many centres it is offered through: families find it once in an area.
    centres = models.ManyToManyField(FamilyCentre, related_name="activities", verbose_name=_("family centres"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="family_centre_activities", verbose_name=_("organisation")
    )
    name_fi = models.CharField(_("name in Finnish"), max_length=200)
    name_sv = models.CharField(_("name in Swedish"), max_length=200, blank=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    description_fi = models.TextField(_("description in Finnish"), max_length=5000)
    description_sv = models.TextField(_("description in Swedish"), max_length=5000, blank=True)
    description_en = models.TextField(_("description in English"), max_length=5000, blank=True)
    target_group = models.CharField(_("target group"), max_length=20, choices=TargetGroup.choices)
    age_from = models.PositiveSmallIntegerField(_("ages from"), null=True, blank=True)
    age_to = models.PositiveSmallIntegerField(_("ages to"), null=True, blank=True)
    serves_fi = models.BooleanField(_("in Finnish"), default=True)
    serves_sv = models.BooleanField(_("in Swedish"), default=False)
    serves_en = models.BooleanField(_("in English"), default=False)
    serves_other = models.BooleanField(_("in other languages"), default=False)
    time_and_place_fi = models.CharField(_("time and place in Finnish"), max_length=300)
    time_and_place_sv = models.CharField(_("time and place in Swedish"), max_length=300, blank=True)
    time_and_place_en = models.CharField(_("time and place in English"), max_length=300, blank=True)
    contact = models.CharField(_("contact"), max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("family centre activity")
        verbose_name_plural = _("family centre activities")
        ordering = ["name_fi", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self)

    @property
    def description(self) -> str:
        return localized(self, "description")

    @property
    def time_and_place(self) -> str:
        return localized(self, "time_and_place")

    def get_languages_display(self) -> list[str]:
        return [str(label) for code, label in ServiceLanguage.choices if getattr(self, f"serves_{code}")]
