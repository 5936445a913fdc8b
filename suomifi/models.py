"""What Suomi.fi Mandates told the portal, and the memberships it gave.

Nothing here holds a personal identity code: the mandate service is asked with the code the
Suomi.fi login carried, in memory only, and answers about organisations by their Business ID.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organisations.models import Membership


class MandateCheck(models.Model):
    """One answer of the mandate service about one organisation, as it was given."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mandate_checks", verbose_name=_("user")
    )
    business_id = models.CharField(_("Business ID"), max_length=20)
    organisation_name = models.CharField(_("name given by the service"), max_length=300, blank=True)
    roles = models.JSONField(_("roles given by the service"), default=list, blank=True)
    allowed = models.BooleanField(_("may act for it here"))
    asked_at = models.DateTimeField(_("asked"), default=timezone.now)

    class Meta:
        verbose_name = _("mandate check")
        verbose_name_plural = _("mandate checks")
        ordering = ["-asked_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.business_id} {self.asked_at:%Y-%m-%d %H:%M}"


class MandateMembership(models.Model):
    """Marks a membership as given by a Suomi.fi mandate, and by which answer."""

    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="mandate", verbose_name=_("membership")
    )
    answer = models.ForeignKey(
        MandateCheck, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("mandate check")
    )

    class Meta:
        verbose_name = _("membership by mandate")
        verbose_name_plural = _("memberships by mandate")

    def __str__(self) -> str:
        return str(self.membership)
