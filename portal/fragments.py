"""Cached fragments of public pages, kept until what they show changes.

A public list (the directory, an area's published decisions, its activities for families) is read
far more often than its data changes, and rendering it is most of the page's time. Its rendered
results are kept under the current versions of the data it shows ("topics"); saving or deleting a
model of a topic gives the topic a new version at once and again once the transaction commits (a
reader in between may have kept what was not yet committed), so the next reader renders afresh.
Nothing else is invalidated: a saved draft or a login leaves the directory's fragments in place.

The versions are a few keys in the shared cache (Redis), so every process sees a change at once;
the fragments are kept in each process's own memory (the ``fragments`` cache, a bounded number of
entries), so that a flood of distinct queries cannot fill the shared cache that holds the rate
limits. Only choices from fixed lists select a fragment; a free-text search is rendered and not
kept.

Only what is the same for every visitor is kept: no form with a CSRF token, nothing about the
signed-in person. One signed-in page keeps more: the application page (grants/pages.py) keeps its
content per set of permissions, under its organisation's topic, with a placeholder for the CSRF
token that each request fills. The view itself still runs every time (its 404s, its access checks,
the layout with the person's own navigation). When the shared cache is unreachable the fragment is rendered
as if nothing were kept; a version renewal lost that way lasts at most ``FRAGMENT_SECONDS``.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import QueryDict
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

FRAGMENT_SECONDS = 300
# Fragments rendered by other code (templates change with a release) are never shown.
RELEASE = settings.PORTAL_RELEASE or uuid.uuid4().hex
_MISSING = object()  # what the cache answers for a key it does not hold (a kept value may be None)
T = TypeVar("T")


def version_key(topic: str) -> str:
    return f"fragment-version:{topic}"


def bump(*topics: str) -> None:
    """New versions for ``topics``: every fragment that shows them is rendered afresh."""
    try:
        caches["fragment-versions"].set_many({version_key(topic): uuid.uuid4().hex for topic in topics}, timeout=None)
    except Exception:
        logger.warning("Could not renew the fragment versions of %s", topics, exc_info=True)


# The topics each tracked model belongs to, for changes that send no signal (QuerySet.update()).
_TOPICS: dict[type[models.Model], set[str]] = {}


def changed(model: type[models.Model]) -> None:
    """Rows of ``model`` were changed by ``QuerySet.update()``, which sends no signal: renew its
    topics once the transaction commits, as a save would."""
    topics = _TOPICS.get(model)
    if topics:
        transaction.on_commit(lambda: bump(*topics))


def track(model: type[models.Model], *topics: str, when: Callable[[models.Model], bool] | None = None) -> None:
    """Renew ``topics`` at every save or deletion of ``model`` or of its many-to-many links, and
    again when it commits; only of the rows for which ``when`` holds, if given (the rows the
    fragments show). Code that changes rows with ``QuerySet.update()`` calls ``changed(model)``."""
    _TOPICS.setdefault(model, set()).update(topics)

    def topics_of(instance: models.Model) -> Iterable[str]:
        return topics if when is None or not isinstance(instance, model) or when(instance) else ()

    _connect(model, topics_of, f"fragments:{model._meta.label}:{','.join(topics)}")


def track_each(model: type[models.Model], topics_of: Callable[[models.Model], Iterable[str]]) -> None:
    """Renew the topics of each saved or deleted row of ``model`` (``topics_of(row)``, say its
    organisation's) at once and again when the transaction commits. ``QuerySet.update()`` sends no
    signal: code that changes such rows that way bumps their topics itself; so does a link changed
    from the other side of a many-to-many relation (no row of ``model`` to ask)."""

    def of_a_row(instance: models.Model) -> Iterable[str]:
        return topics_of(instance) if isinstance(instance, model) else ()

    _connect(model, of_a_row, f"fragments-each:{model._meta.label}:{topics_of.__module__}.{topics_of.__qualname__}")


def _connect(model: type[models.Model], topics_of: Callable[[models.Model], Iterable[str]], uid: str) -> None:
    def changed(instance: models.Model, **kwargs: object) -> None:
        topics = list(topics_of(instance))
        if topics:
            bump(*topics)  # and again on commit: a reader in between may have kept the uncommitted
            transaction.on_commit(lambda: bump(*topics))

    post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"{uid}:save")
    post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"{uid}:delete")
    for field in model._meta.many_to_many:
        m2m_changed.connect(changed, sender=field.remote_field.through, weak=False, dispatch_uid=f"{uid}:{field.name}")


# Versions read for the fragments of one page at once (``read_together``), in this thread.
_together = threading.local()


@contextmanager
def read_together(topics: Iterable[str]) -> Iterator[None]:
    """Within the block, the versions of ``topics`` come from one lookup instead of one per
    fragment (a page of several fragments). Blocks nest: an inner one reads only what the outer
    did not."""
    topics = list(topics)
    outer: dict[str, str] = getattr(_together, "versions", None) or {}
    missing = [topic for topic in topics if topic not in outer]
    try:
        _together.versions = outer | dict(zip(missing, versions(missing), strict=True)) if missing else outer
    except Exception:
        logger.warning("The fragment versions are not reachable", exc_info=True)
    try:
        yield
    finally:
        _together.versions = outer


def versions(topics: Iterable[str]) -> list[str]:
    """The current version of each topic (a new one for a topic never seen)."""
    topics = list(topics)
    known: dict[str, str] = getattr(_together, "versions", None) or {}
    if known and all(topic in known for topic in topics):
        return [known[topic] for topic in topics]
    keys = [version_key(topic) for topic in topics]
    store = caches["fragment-versions"]
    found = store.get_many(keys)
    missing = {key: uuid.uuid4().hex for key in keys if key not in found}
    if missing:
        store.set_many(missing, timeout=None)
    return [found.get(key) or missing[key] for key in keys]


def kept_value(name: str, identity: str, topics: Iterable[str], read: Callable[[], T]) -> T:
    """The value ``name`` that ``identity`` selects, from the cache while the ``topics`` it comes
    from are unchanged; otherwise ``read()``, kept. The process's cache pickles what it keeps, so
    each caller gets a copy of its own."""
    cache = caches["fragments"]
    try:
        current = "".join(versions(topics))
        digest = hashlib.sha256(f"{identity}|{current}".encode()).hexdigest()[:40]
        key = f"fragment:{RELEASE}:{name}:{digest}"
        found = cache.get(key, _MISSING)
    except Exception:
        logger.warning("The fragment cache is not reachable", exc_info=True)
        return read()
    if found is _MISSING:
        found = read()
        try:
            cache.set(key, found, FRAGMENT_SECONDS)
        except Exception:
            logger.warning("Could not keep the fragment %s", name, exc_info=True)
    return found


def kept(name: str, identity: str, topics: Iterable[str], render: Callable[[], str]) -> SafeString:
    """The fragment ``name`` that ``identity`` selects, in the active language, from the cache while
    the ``topics`` it shows are unchanged; otherwise ``render()`` (a template with autoescape), kept."""
    html = kept_value(f"{name}:{get_language()}", identity, topics, render)
    return mark_safe(html)  # noqa: S308 - rendered by a template with autoescape


def cached(
    name: str,
    query: QueryDict,
    topics: Iterable[str],
    render: Callable[[], str],
    vary_on: Collection[str] = (),
) -> SafeString:
    """The fragment ``name`` for this query string (as ``kept``). Only the parameters in
    ``vary_on`` (filters with a fixed set of values, the page) select a fragment: a request with
    any other (a free-text search) is rendered and not kept."""
    if any(value for key, values in query.lists() if key not in vary_on for value in values):
        return mark_safe(render())  # noqa: S308 - rendered by a template with autoescape
    identity = "&".join(sorted(f"{key}={value}" for key, values in query.lists() for value in values))
    return kept(name, identity, topics, render)
