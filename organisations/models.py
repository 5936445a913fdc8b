"""Organisations and their members. The organisations issue adds profiles, documents and more."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import Municipality, WelfareArea, localized

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portal.models import User


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def for_member(self, user: User | AnonymousUser) -> OrganisationQuerySet:
        """The organisations the user belongs to."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user).distinct()

    def in_area(self, area: WelfareArea) -> OrganisationQuerySet:
        return self.filter(home_municipality__area=area)


class Organisation(models.Model):
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
    home_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="home_organisations",
        verbose_name=_("home municipality"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

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

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organisation__name_fi", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_organisation"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"
