"""Where an organisation operates is written down whenever what it is made from changes."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from organisations.models import Organisation
from portal.models import Municipality


@receiver(post_save, sender=Organisation, dispatch_uid="organisations.refresh_areas_on_save")
def home_changed(sender: type[Organisation], instance: Organisation, created: bool, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if created or update_fields is None or "home_municipality" in update_fields:
        Organisation.objects.filter(pk=instance.pk).refresh_areas()


@receiver(m2m_changed, sender=Organisation.municipalities.through, dispatch_uid="organisations.refresh_areas_on_m2m")
def municipalities_changed(
    sender: type, instance: Organisation | Municipality, action: str, reverse: bool, **kwargs: Any
) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:  # changed from the municipality's side: the organisations named, or all of them
        organisations = (
            Organisation.objects.filter(pk__in=kwargs["pk_set"]) if kwargs.get("pk_set") else Organisation.objects.all()
        )
    else:
        organisations = Organisation.objects.filter(pk=instance.pk)
    organisations.refresh_areas()
