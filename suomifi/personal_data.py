"""What the Suomi.fi login and mandates hold about a person (see portal.personal_data)."""

from __future__ import annotations

from allauth.socialaccount.models import SocialAccount

from portal.personal_data import declare, iso
from suomifi.models import MandateCheck

declare(
    # The Suomi.fi identity connected to the account: a pseudonym and the name, never the identity code.
    SocialAccount,
    "user",
    section="suomifi_identification",
    export=lambda user: [
        {
            "identifier": account.uid,
            "name": account.extra_data.get("name", ""),
            "connected_at": iso(account.date_joined),
        }
        for account in SocialAccount.objects.filter(user=user)
    ],
    kept=False,
)
declare(
    MandateCheck,
    "user",
    section="suomifi_mandates",
    export=lambda user: [
        {
            "business_id": check.business_id,
            "organisation": check.organisation_name,
            "roles": check.roles,
            "allowed": check.allowed,
            "asked_at": iso(check.asked_at),
        }
        for check in MandateCheck.objects.filter(user=user)
    ],
    kept=False,
)
