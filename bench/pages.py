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

from grants.models import Application, GrantCall, ReviewAssignment, Status  # noqa: E402
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
    return with_totp(role.order_by("pk")[0].user)


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


def with_totp(user: User) -> User:
    """Staff pages open only to people with TOTP, as in production."""
    if access.requires_mfa(user) and not access.has_totp(user):
        TOTP.activate(user, generate_totp_secret())
    return user


def busiest_application(area: WelfareArea) -> int:
    """The submitted application of the area with the most reviews and events: the longest page."""
    application = (
        Application.objects.in_area(area).submitted()
        .annotate(n=Count("assignments", distinct=True) + Count("events", distinct=True))
        .order_by("-n", "pk")[0]
    )  # fmt: skip
    return application.pk


def busiest_reviewer(area: WelfareArea) -> User:
    reviewers = AreaRole.objects.active().in_area(area).with_role(AreaRole.Role.REVIEWER).values("user")
    busiest = (
        ReviewAssignment.objects.filter(reviewer__in=reviewers, application__call__area=area)
        .values("reviewer").annotate(n=Count("pk")).order_by("-n", "reviewer")[0]
    )  # fmt: skip
    return with_totp(User.objects.get(pk=busiest["reviewer"]))


def draft_to_save(organisation_id: int, admin: User) -> int:
    """The busiest organisation's draft in an open call, which the writer keeps saving; made once."""
    call = GrantCall.objects.open_calls().order_by("closes_at", "pk").first()
    if call is None:
        raise SystemExit("no open call in the data: the writer has no draft to save")
    draft, _created = Application.objects.get_or_create(
        call=call,
        organisation_id=organisation_id,
        status=Status.DRAFT,
        defaults={"title": "Vertailuajon luonnos", "created_by": admin},
    )
    return draft.pk


def pages() -> list[Page]:
    area = largest_area()
    coordinator = coordinator_of(area)
    organisation, admin = busiest_organisation()
    theme = Theme.objects.order_by("pk")[0]
    return [
        measure("bare", "/bench/bare/", None),
        measure("directory", f"/organisations/?area={area.code}&theme={theme.code}", None),
        measure("organisation", f"/organisations/{organisation}/", None),
        measure("open_calls", "/calls/", None),
        measure("published_decisions", f"/areas/{area.code}/decisions/", None),
        measure("activities", f"/family-centres/areas/{area.code}/", None),
        measure(
            "coordinator_applications",
            f"/workspace/areas/{area.code}/applications/?status=submitted&sort=-submitted",
            coordinator,
        ),
        measure("application_as_coordinator", f"/applications/{busiest_application(area)}/", coordinator),
        measure("reviewer_list", "/workspace/reviews/?show=done", busiest_reviewer(area)),
        measure("organisation_applications", f"/organisations/{organisation}/applications/", admin),
        measure("area_dashboard", f"/workspace/areas/{area.code}/dashboard/", coordinator),
        measure("open_data_json", "/open-data/grants.json", None),
    ]


def writer() -> Page:
    """The applicant who keeps saving a draft during the second round of page loads."""
    organisation, admin = busiest_organisation()
    return measure("draft", f"/applications/{draft_to_save(organisation, admin)}/edit/", admin)


if __name__ == "__main__":
    result = {"area": largest_area().code, "pages": [asdict(page) for page in pages()], "writer": asdict(writer())}
    with open(sys.argv[1], "w", encoding="utf-8") as out:
        json.dump(result, out, indent=2)
