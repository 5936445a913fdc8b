from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import import_module

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.apps import apps as django_apps
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import Client
from pytest_django.fixtures import Settings

from organisations.models import Organisation
from portal.celery import app as celery_app
from portal.models import User, WelfareArea
from tests import prh
from tests.factories import (
    PASSWORD,
    AreaRoleFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    area,
    enable_totp,
)
from tests.suomifi.fixtures import suomifi  # noqa: F401  (Suomi.fi switched on against the suite's IdP)


def pytest_report_header(config: pytest.Config) -> list[str]:
    return [
        f"portal database engine: {settings.DATABASES['default']['ENGINE']}",
        f"portal celery broker: {settings.CELERY_BROKER_URL.split('@')[-1]}",
        f"portal cache: {settings.CACHES['default']['BACKEND']}",
    ]


@pytest.fixture(autouse=True)
def _jobs_run_in_process(request: pytest.FixtureRequest) -> Iterator[None]:
    """Jobs run at once in the test process, except in the tests marked ``worker``, which prove the
    real worker on the configured broker."""
    celery_app.conf.task_always_eager = request.node.get_closest_marker("worker") is None
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def _fresh_cache_and_fast_hashing(settings: Settings) -> Iterator[None]:
    """Rate limits live in the cache: give every test its own, so tests cannot trip each other."""
    settings.CACHES = {
        alias: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": alias}
        for alias in ("default", "sessions", "fragment-versions", "fragments")
    }
    # Hashing passwords slowly protects production, not tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for alias in settings.CACHES:
        caches[alias].clear()
    yield
    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture(autouse=True)
def prh_register(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> prh.RecordedRegister:
    """No test asks PRH's register: its open data answers from recorded responses (tests/prh.py)."""
    settings.PORTAL_PRH_JOB_PAUSE_MS = 0
    return prh.install(monkeypatch)


def once() -> dict[str, str]:
    """The one-time token a form page carries, for a test that posts the form without opening it."""
    return {"submission": uuid.uuid4().hex}


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def login(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


@dataclass
class World:
    """Two areas, an organisation in each and the people the access matrix needs."""

    organisation: Organisation
    other_organisation: Organisation
    ngo_admin: User
    ngo_member: User
    other_org_member: User
    coordinator: User
    other_area_coordinator: User
    reviewer: User
    decision_maker: User
    councillor: User
    operator: User
    # Staff whose roles require two-factor authentication but who have not set it up yet.
    coordinator_without_totp: User
    decision_maker_without_totp: User
    operator_without_totp: User


@pytest.fixture
def world(db: None) -> World:
    organisation = OrganisationFactory.in_area("05")
    other_organisation = OrganisationFactory.in_area("90")
    coordinator = AreaRoleFactory.coordinator(area=area("05")).user
    other_area_coordinator = AreaRoleFactory.coordinator(area=area("90")).user
    decision_maker = AreaRoleFactory.decision_maker(area=area("05")).user
    operator = UserFactory.operator()
    return World(
        organisation=organisation,
        other_organisation=other_organisation,
        ngo_admin=MembershipFactory.admin(organisation=organisation).user,
        ngo_member=MembershipFactory(organisation=organisation).user,
        other_org_member=MembershipFactory(organisation=other_organisation).user,
        coordinator=coordinator,
        other_area_coordinator=other_area_coordinator,
        reviewer=AreaRoleFactory.reviewer(area=area("05")).user,
        decision_maker=decision_maker,
        councillor=AreaRoleFactory.councillor(area=area("05")).user,
        operator=operator,
        coordinator_without_totp=AreaRoleFactory.coordinator(area=area("05"), totp=False).user,
        decision_maker_without_totp=AreaRoleFactory.decision_maker(area=area("05"), totp=False).user,
        operator_without_totp=UserFactory.operator(totp=False),
    )


@pytest.fixture
def reference_data(transactional_db: None) -> None:
    """Tests that commit (live server, worker processes) leave Django to empty every table after
    them, the reference data of the migrations included: load it again when it is gone."""
    if not WelfareArea.objects.exists():
        import_module("portal.migrations.0002_reference_data").load(django_apps, None)


@pytest.fixture
def database_url() -> str:
    """A URL for the test database, for processes the tests start (a Celery worker)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


__all__ = ["PASSWORD", "World", "enable_totp", "login", "once", "totp_code"]
