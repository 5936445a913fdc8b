"""What every signed-in request asks about its person: who they are (the user row the session
names), their area roles and whether they have TOTP. Read from the database once and kept in the
process's memory under a version per person, so that a page costs one lookup of that version
instead of three queries.

A saved or deleted user, role or authenticator, or roles changed by ``AreaRole.objects…update()``, give
their person a new version at once and again when the transaction commits (a reader between the
two may have kept what was not yet committed), and a change to an area (its name in the
navigation) renews everyone's. Validity dates are not part of
the version: the roles are kept with their periods and ``access.active_roles`` picks those valid
today, so a role ending at midnight ends at midnight. When the shared cache that holds the
versions is unreachable every page reads the database; a renewal lost that way, or a change made
in SQL outside Django, lasts at most ``IDENTITY_SECONDS``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from allauth.mfa.models import Authenticator
from django.core.cache import caches
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save

from portal import fragments

if TYPE_CHECKING:
    from portal.models import AreaRole, User

logger = logging.getLogger(__name__)

IDENTITY_SECONDS = 300
_MISSING = object()  # what the cache answers for a key it does not hold
T = TypeVar("T")
# The topic (portal.fragments) of kept content that names people: renewed when a person's name may
# have changed or their account was deleted (the name then gives way to "a former user").
NAMES = "names"


@dataclass(frozen=True)
class Identity:
    roles: tuple[AreaRole, ...]  # current and future roles, each with its area
    has_totp: bool


def _topic(user_id: int) -> str:
    return f"identity:{user_id}"


def _read(user: User) -> Identity:
    from portal.models import AreaRole

    roles = AreaRole.objects.filter(user=user).not_ended().select_related("area")
    has_totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    return Identity(tuple(roles), has_totp)


def _versions(user_id: int) -> str:
    return "".join(fragments.versions([_topic(user_id), "reference"]))


def user(user_id: int) -> User | None:
    """The person the session names (for the authentication backend), or None if there is none."""
    from portal.models import User

    def read() -> User | None:
        return User._default_manager.filter(pk=user_id).first()

    try:
        versions = _versions(user_id)
    except Exception:
        logger.warning("The identity versions are not reachable", exc_info=True)
        return read()
    key = f"identity-user:{fragments.RELEASE}:{user_id}:{versions}"
    store = caches["fragments"]
    found: User | None = store.get(key)
    if found is None:
        found = read()
        if found is None:
            return None
        store.set(key, found, IDENTITY_SECONDS)  # a copy: what a request attaches stays its own
    found._identity_versions = versions  # read once for the roles too
    return found


def of(user: User) -> Identity:
    """The person's roles and TOTP, once per request (kept on the user object)."""
    found: Identity | None = getattr(user, "_identity", None)
    if found is None:
        found = user._identity = kept(user, "roles", lambda: _read(user))
    return found


def kept(user: User, name: str, read: Callable[[], T]) -> T:
    """Something of the person's that a feature app reads on every request (their memberships),
    kept under their version like their roles. The app renews it with ``track``."""
    try:
        versions = getattr(user, "_identity_versions", None) or _versions(user.pk)
    except Exception:
        logger.warning("The identity versions are not reachable", exc_info=True)
        return read()
    key = f"identity-{name}:{fragments.RELEASE}:{user.pk}:{versions}"
    store = caches["fragments"]
    found = store.get(key, _MISSING)
    if found is _MISSING:
        found = read()
        store.set(key, found, IDENTITY_SECONDS)
    return found


def track(model: type[models.Model]) -> None:
    """Renew the person's kept values when a row of ``model`` naming them (``user_id``) is saved
    or deleted."""
    label = model._meta.label
    post_save.connect(_changed, sender=model, dispatch_uid=f"identity:{label}:save")
    post_delete.connect(_changed, sender=model, dispatch_uid=f"identity:{label}:delete")


def renew(user_id: int) -> None:
    fragments.bump(_topic(user_id))
    transaction.on_commit(lambda: fragments.bump(_topic(user_id)))


def _changed(instance: models.Model, **kwargs: object) -> None:
    user_id = getattr(instance, "user_id", None)
    if user_id is not None:
        renew(user_id)


def _user_changed(instance: models.Model, created: bool = False, **kwargs: object) -> None:
    renew(instance.pk)
    fields = kwargs.get("update_fields")
    if not created and (fields is None or "full_name" in fields):  # type: ignore[operator]
        transaction.on_commit(lambda: fragments.bump(NAMES))  # a new name, or none (deleted)


def connect() -> None:
    from portal.models import AreaRole, User

    for model in (AreaRole, Authenticator):
        track(model)
    # Any save (a login's last_login too): a password, an address or a deactivation shows at once.
    post_save.connect(_user_changed, sender=User, dispatch_uid="identity:user:save")
    post_delete.connect(_user_changed, sender=User, dispatch_uid="identity:user:delete")
