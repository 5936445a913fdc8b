"""Demo data for ``make run``: one user per role in Varsinais-Suomi and organisations around Finland.

Idempotent: running it again updates the same rows instead of adding new ones. The demo users
have a published password, so they are created only when ``PORTAL_DEMO_MODE`` is on.
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from familycentre import demo as familycentre_demo
from funding import demo as funding_demo
from grants import demo as grants_demo
from organisations import demo as organisation_demo
from portal.models import AreaRole, User, WelfareArea

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - published on purpose, demo mode only
DEMO_AREA_CODE = "05"


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    description: str
    area_role: str | None = None
    superuser: bool = False


DEMO_USERS = [
    DemoUser("ngo-admin@example.org", "Aino Järvinen", "NGO admin"),
    DemoUser("ngo-member@example.org", "Mikko Lahtinen", "NGO member"),
    DemoUser("coordinator@example.org", "Sanna Virtanen", "coordinator", AreaRole.Role.COORDINATOR),
    DemoUser("reviewer@example.org", "Johan Lindqvist", "reviewer", AreaRole.Role.REVIEWER),
    DemoUser("decision-maker@example.org", "Pekka Nieminen", "decision-maker", AreaRole.Role.DECISION_MAKER),
    DemoUser("councillor@example.org", "Leena Heikkinen", "councillor", AreaRole.Role.COUNCILLOR),
    DemoUser("operator@example.org", "Olli Operaattori", "operator (superuser)", superuser=True),
]


@transaction.atomic
def seed() -> list[DemoUser]:
    if not settings.DEMO_MODE:
        raise ImproperlyConfigured("Demo users are created only with PORTAL_DEMO_MODE=true.")
    area = WelfareArea.objects.get(code=DEMO_AREA_CODE)
    users = {demo.email: _demo_user(demo) for demo in DEMO_USERS}
    for demo in DEMO_USERS:
        if demo.area_role:
            AreaRole.objects.get_or_create(user=users[demo.email], area=area, role=demo.area_role)
    organisation_demo.seed(
        admin=users["ngo-admin@example.org"],
        member=users["ngo-member@example.org"],
        coordinator=users["coordinator@example.org"],
    )
    familycentre_demo.seed(coordinator=users["coordinator@example.org"], ngo_admin=users["ngo-admin@example.org"])
    grants_demo.seed(
        coordinator=users["coordinator@example.org"],
        reviewer=users["reviewer@example.org"],
        decision_maker=users["decision-maker@example.org"],
    )
    funding_demo.seed(coordinator=users["coordinator@example.org"])
    return DEMO_USERS


def _demo_user(demo: DemoUser) -> User:
    user, _ = User.objects.update_or_create(
        email=demo.email,
        defaults={"full_name": demo.full_name, "is_staff": demo.superuser, "is_superuser": demo.superuser},
    )
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(user=user, email=demo.email, defaults={"verified": True, "primary": True})
    return user
