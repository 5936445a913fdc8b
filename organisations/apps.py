from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        # Declares what the app holds about a person; keeps where each organisation operates.
        from organisations import personal_data, signals  # noqa: F401
        from organisations.models import Membership, Organisation, organisation_topic
        from portal import fragments, identity

        fragments.track(Organisation, "organisations")  # the directory, and the names in public lists
        fragments.track_each(Organisation, lambda organisation: [organisation_topic(organisation.pk)])
        fragments.track_each(Membership, lambda membership: [organisation_topic(membership.organisation_id)])  # type: ignore[attr-defined]
        identity.track(Membership)  # a person's memberships are kept with their roles
