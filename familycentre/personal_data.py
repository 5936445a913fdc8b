"""What family centres hold about a person (see portal.personal_data)."""

from __future__ import annotations

from django.db.models import Q

from familycentre.models import CooperationAgreement, FamilyCentreActivity
from portal.personal_data import declare, iso

STEPS = ("created", "sent", "signed", "countersigned", "ended")

declare(
    CooperationAgreement,
    "created_by",
    "sent_by",
    "signed_by",
    "countersigned_by",
    "ended_by",
    section="agreements",
    export=lambda user: [
        {
            "centre": a.centre.name_fi,
            "organisation": a.organisation.name_fi,
            "your_steps": [step for step in STEPS if getattr(a, f"{step}_by_id") == user.pk],
            "signed_at": iso(a.signed_at) if a.signed_by_id == user.pk else None,
            "countersigned_at": iso(a.countersigned_at) if a.countersigned_by_id == user.pk else None,
        }
        for a in CooperationAgreement.objects.filter(
            Q(created_by=user) | Q(sent_by=user) | Q(signed_by=user) | Q(countersigned_by=user) | Q(ended_by=user)
        ).select_related("centre", "organisation")
    ],
    kept=True,
)
declare(
    FamilyCentreActivity,
    "created_by",
    section="activities_listed",
    export=lambda user: [
        {"name": a.name_fi, "organisation": a.organisation.name_fi}
        for a in FamilyCentreActivity.objects.filter(created_by=user).select_related("organisation")
    ],
    kept=True,
)
