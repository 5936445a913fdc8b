"""The shared core: users, wellbeing areas, municipalities, themes and area role assignments."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from portal.identity import Identity


def localized(obj: models.Model, field: str = "name") -> str:
    """The object's ``<field>_<language>`` in the active language, falling back to Finnish."""
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    return getattr(obj, f"{field}_{language}", "") or getattr(obj, f"{field}_fi")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields["is_staff"] = True
        fields["is_superuser"] = True
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with their email address."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    is_staff = models.BooleanField(_("operator"), default=False, help_text=_("May use the administration."))
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()
    _active_area_roles: list[AreaRole]  # set by portal.access.active_roles: the request's cache
    _identity: Identity  # set by portal.identity.of, likewise
    _identity_versions: str  # set by portal.identity.user: read once per request

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


def default_review_body(name_fi: str, name_sv: str) -> tuple[str, str]:
    """The area board (aluehallitus / områdesstyrelse) decides requests for review of its officials'
    decisions unless the area names another body; Helsinki's is its social, health care and rescue
    services committee."""
    if name_fi.endswith("kaupunki"):  # Helsingin kaupunki
        return (
            f"{name_fi.removesuffix('kaupunki')}kaupungin sosiaali-, terveys- ja pelastuslautakunta",
            f"{name_sv}s social-, hälsovårds- och räddningsnämnd",
        )
    return f"{name_fi}en aluehallitus", f"{name_sv}s områdesstyrelse"


class WelfareArea(models.Model):
    """A wellbeing services county (hyvinvointialue), or the City of Helsinki (code 90)."""

    code = models.CharField(_("code"), max_length=2, unique=True)
    name_fi = models.CharField(_("name in Finnish"), max_length=200)
    name_sv = models.CharField(_("name in Swedish"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200)
    # Where a request for review of the area's decisions goes, as the decision documents say it.
    review_body_fi = models.CharField(_("body deciding requests for review, in Finnish"), max_length=200, blank=True)
    review_body_sv = models.CharField(_("body deciding requests for review, in Swedish"), max_length=200, blank=True)
    registry_email = models.EmailField(_("registry email"), blank=True)
    registry_address = models.TextField(_("registry postal address"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("wellbeing services county")
        verbose_name_plural = _("wellbeing services counties")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self)

    @property
    def review_body(self) -> str:
        if self.review_body_fi:
            return localized(self, "review_body")
        finnish, swedish = default_review_body(self.name_fi, self.name_sv)
        return swedish if (get_language() or "")[:2] == "sv" else finnish


class Municipality(models.Model):
    code = models.CharField(_("code"), max_length=3, unique=True)
    name_fi = models.CharField(_("name in Finnish"), max_length=100)
    name_sv = models.CharField(_("name in Swedish"), max_length=100)
    area = models.ForeignKey(
        WelfareArea, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("area")
    )

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name_fi"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self)


class ReferenceList(models.Model):
    """A short list of named things with a fixed code and a name in each language."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name_fi = models.CharField(_("name in Finnish"), max_length=100)
    name_sv = models.CharField(_("name in Swedish"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100)

    class Meta:
        abstract = True
        ordering = ["name_fi"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self)


class Theme(ReferenceList):
    """What an organisation works on (children and families, mental health, …)."""

    class Meta(ReferenceList.Meta):
        verbose_name = _("theme")
        verbose_name_plural = _("themes")


class ActivityType(ReferenceList):
    """How an organisation works (peer support, volunteering, counselling, …)."""

    class Meta(ReferenceList.Meta):
        verbose_name = _("activity type")
        verbose_name_plural = _("activity types")


class AreaRoleQuerySet(models.QuerySet["AreaRole"]):
    def update(self, **kwargs: Any) -> int:
        """As Django's, and the people whose roles changed are read afresh on their next page
        (``portal.identity``: a bulk update sends no signal)."""
        from portal import identity

        people = set(self.values_list("user_id", flat=True))
        changed = super().update(**kwargs)
        for user_id in people:
            identity.renew(user_id)
        return changed

    def active(self, on: datetime.date | None = None) -> AreaRoleQuerySet:
        day = on or timezone.localdate()
        return self.not_ended(day).filter(valid_from__lte=day)

    def not_ended(self, on: datetime.date | None = None) -> AreaRoleQuerySet:
        """Valid on ``on`` or starting later."""
        day = on or timezone.localdate()
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))

    def in_area(self, area: WelfareArea) -> AreaRoleQuerySet:
        return self.filter(area=area)

    def with_role(self, *roles: str) -> AreaRoleQuerySet:
        return self.filter(role__in=roles)

    def people(self) -> list[User]:
        """The users holding these roles, each once, by name."""
        return sorted({role.user for role in self.select_related("user")}, key=lambda user: user.full_name)


class AreaRole(models.Model):
    """A person's role in one area for a period: a coordinator here, a councillor there."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("NGO coordinator")
        REVIEWER = "reviewer", _("Reviewer")
        DECISION_MAKER = "decision_maker", _("Decision-maker")
        COUNCILLOR = "councillor", _("Councillor")
        NATIONAL_VIEWER = "national_viewer", _("National viewer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="area_roles", verbose_name=_("user")
    )
    area = models.ForeignKey(
        WelfareArea,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="roles",
        verbose_name=_("area"),
        help_text=_("Every role but the national viewer's belongs to one area."),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    # The person's title in this role, as decision documents name the decision-maker.
    title = models.CharField(_("title"), max_length=200, blank=True)

    objects = AreaRoleQuerySet.as_manager()

    class Meta:
        verbose_name = _("area role")
        verbose_name_plural = _("area roles")
        ordering = ["area__code", "role", "user__full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="area_role_valid_period",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(role="national_viewer", area__isnull=True)
                | (~Q(role="national_viewer") & Q(area__isnull=False)),
                name="area_role_area_matches_role",
                violation_error_message=_("Choose an area for this role; a national viewer has none."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.area or '*'}"

    def valid_on(self, day: datetime.date) -> bool:
        """The same rule as ``AreaRoleQuerySet.active``, for roles already read."""
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)


class Submission(models.Model):
    """One sent form that created something: the token its page carried. A second post of the same
    form (a double click, a resent request, the back button) finds the token taken and creates
    nothing. See ``portal.submissions``."""

    token = models.CharField(max_length=32, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Where the first handling of the form led, so that a repeat lands on the same page.
    result = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self) -> str:
        return self.token


class AccessibilityFeedback(models.Model):
    """A message sent with the accessibility statement's feedback form (Act 306/2019 § 15). The
    operators are emailed and must answer within 14 days."""

    ANSWER_WITHIN = datetime.timedelta(days=14)

    created_at = models.DateTimeField(_("sent at"), default=timezone.now, db_index=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("email"), max_length=254)
    message = models.TextField(_("message"), max_length=5000)
    page = models.CharField(_("page the feedback is about"), max_length=500, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("accessibility feedback")
        verbose_name_plural = _("accessibility feedback")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.email}"

    @property
    def answer_by(self) -> datetime.datetime:
        return self.created_at + self.ANSWER_WITHIN


class ControllerDetails(models.Model):
    """Who is the controller of the portal's personal data (the wellbeing services county that
    operates it), as the privacy notice names it. One row, kept by the operators in the admin; the
    notice shows general wording until it is filled in."""

    name_fi = models.CharField(_("name in Finnish"), max_length=200)
    name_sv = models.CharField(_("name in Swedish"), max_length=200)
    business_id = models.CharField(_("Business ID"), max_length=9, blank=True)
    address = models.TextField(_("postal address"), max_length=500, blank=True)
    email = models.EmailField(_("email"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    dpo_name = models.CharField(_("data protection officer"), max_length=200, blank=True)
    dpo_email = models.EmailField(_("data protection officer's email"), max_length=254, blank=True)
    dpo_phone = models.CharField(_("data protection officer's phone"), max_length=50, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("controller's details")
        verbose_name_plural = _("controller's details")

    def __str__(self) -> str:
        return self.name_fi

    @property
    def name(self) -> str:
        return localized(self)

    @classmethod
    def current(cls) -> ControllerDetails | None:
        """The operator's row, or None while nothing has been entered."""
        return cls.objects.order_by("pk").first()
