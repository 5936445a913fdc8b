"""The pages the benchmark loads, found in whatever data the database holds, with the SQL queries
each costs per request and a logged-in session for the load generator.

    DJANGO_SETTINGS_MODULE=bench.settings python -m bench.pages OUT.json
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass

import django

django.setup()

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from grants.models import Application  # noqa: E402
from organisations.models import Membership  # noqa: E402
from portal import access  # noqa: E402
from portal.models import AreaRole, Theme, User, WelfareArea  # noqa: E402


@dataclass
class Page:
    name: str
    path: str
    queries: int
    cookie: str


def largest_area() -> WelfareArea:
    counts = Application.objects.values("call__area").annotate(n=Count("id")).order_by("-n", "call__area")
    return WelfareArea.objects.get(pk=counts[0]["call__area"])


def coordinator_of(area: WelfareArea) -> User:
    role = AreaRole.objects.active().in_area(area).with_role(AreaRole.Role.COORDINATOR).select_related("user")
    user = role.order_by("pk")[0].user
    if not access.has_totp(user):  # staff pages open only to coordinators with TOTP, as in production
        TOTP.activate(user, generate_totp_secret())
    return user


def busiest_organisation() -> tuple[int, User]:
    busiest = (
        Membership.objects.admins()
        .values("organisation")
        .annotate(n=Count("organisation__applications", distinct=True))
        .order_by("-n", "organisation")[0]
    )
    admin = Membership.objects.admins().filter(organisation=busiest["organisation"]).order_by("pk")[0].user
    return busiest["organisation"], admin


def browser(user: User | None) -> Client:
    client = Client(headers={"accept-language": "fi"}, HTTP_HOST="127.0.0.1")
    if user is not None:
        client.force_login(user)
    return client


def measure(name: str, path: str, user: User | None) -> Page:
    """Queries of the view itself; cookies of a browser that has visited before."""
    client = browser(user)
    warm = client.get(path)  # the first request fills caches; steady state is what counts
    if warm.status_code != 200:
        raise SystemExit(f"{name}: {path} answered {warm.status_code}")
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    cookie = "; ".join(f"{cookie_name}={morsel.value}" for cookie_name, morsel in client.cookies.items())
    return Page(name, path, len(queries), cookie)


def pages() -> list[Page]:
    area = largest_area()
    coordinator = coordinator_of(area)
    organisation, admin = busiest_organisation()
    theme = Theme.objects.order_by("pk")[0]
    return [
        measure("bare", "/bench/bare/", None),
        measure("directory", f"/organisations/?area={area.code}&theme={theme.code}", None),
        measure("open_calls", "/calls/", None),
        measure("published_decisions", f"/areas/{area.code}/decisions/", None),
        measure(
            "coordinator_applications",
            f"/workspace/areas/{area.code}/applications/?status=submitted&sort=-submitted",
            coordinator,
        ),
        measure("organisation_applications", f"/organisations/{organisation}/applications/", admin),
        measure("area_dashboard", f"/workspace/areas/{area.code}/dashboard/", coordinator),
        measure("open_data_json", "/open-data/grants.json", None),
    ]


if __name__ == "__main__":
    result = {"area": largest_area().code, "pages": [asdict(page) for page in pages()]}
    with open(sys.argv[1], "w", encoding="utf-8") as out:
        json.dump(result, out, indent=2)
