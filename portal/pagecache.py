"""A shared cache of the busiest pages, kept correct by a generation number.

Every INSERT, UPDATE or DELETE any process commits (web, worker, command) raises the generation,
and a page is cached under the generation it was rendered in, so a page is never served from
before the last write. A page is cached per person and language, and only after the MFA rule
and the view's access checks let that person see it; whatever could change that verdict (a role,
a membership, an authenticator) is a write, which starts a new generation. Clocks change pages
without writes (a call's deadline passing, a role's last day ending), so entries also expire
after PORTAL_PAGE_CACHE_SECONDS.

Views opt in with ``@cached_page``; pages carrying a one-off message are never stored.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse

GENERATION_KEY = "pagecache:generation"
# The headers of a view's own answer that a cached copy keeps; the middleware adds the rest.
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Access-Control-Allow-Origin", "Content-Language")
# Large non-HTML answers (open data) are also kept compressed; HTML never is (BREACH).
COMPRESS_OVER_BYTES = 32 * 1024
# Saving a session changes no page.
UNTRACKED_TABLES = ("django_session",)
# While one request renders a missing page, others with the same key wait this long for it.
RENDER_LOCK_SECONDS = 30
WAIT_SECONDS = 10.0
# The large answers (open data, megabytes) are also kept in each process's memory, a few at most,
# so that a hit does not move them from Redis every time; the key still carries the generation.
LARGE_ENTRIES = 4
_LARGE: OrderedDict[str, tuple[float, dict[str, Any]]] = OrderedDict()
_LARGE_LOCK = threading.Lock()

View = Callable[..., HttpResponse]


def cached_page(view: View) -> View:
    view.cached_page = True  # type: ignore[attr-defined]
    return view


# --- The generation -------------------------------------------------------------------------------


def generation() -> int:
    return cache.get(GENERATION_KEY) or 0


def bump() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not there yet (or evicted): any new value invalidates what was stored
        cache.add(GENERATION_KEY, 1, timeout=None)
        cache.incr(GENERATION_KEY)


def watch_writes(connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """Raise the generation on every write through this connection: at once, and again at
    commit, so that a page read between the two is not kept under the new generation."""

    if getattr(connection, "_pagecache_watched", False):  # pooled connections reconnect the same wrapper
        return
    connection._pagecache_watched = True  # type: ignore[attr-defined]

    def watcher(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        result = execute(sql, params, many, context)
        statement = sql.lstrip()[:6].upper()
        if statement in ("INSERT", "UPDATE", "DELETE") and not any(t in sql[:80] for t in UNTRACKED_TABLES):
            bump()
            # One bump at commit however many writes the transaction makes (a rollback drops it).
            pending = (callback for _savepoints, callback, _robust in connection.run_on_commit)
            if connection.in_atomic_block and bump not in pending:
                transaction.on_commit(bump, using=connection.alias)
        return result

    connection.execute_wrappers.append(watcher)


# --- The middleware -------------------------------------------------------------------------------


class PageCacheMiddleware:
    """Serve ``@cached_page`` views from the cache, after sign-in and before the MFA check."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        key = getattr(request, "_page_cache_key", None)
        if key:
            if _storable(request, response):
                cache.set(key, _freeze(response), settings.PORTAL_PAGE_CACHE_SECONDS)
            cache.delete(f"{key}:rendering")
        return response

    def process_view(self, request: HttpRequest, view: View, args: Any, kwargs: Any) -> HttpResponse | None:
        if not (getattr(view, "cached_page", False) and settings.PORTAL_PAGE_CACHE_SECONDS > 0):
            return None
        if request.method != "GET" or _has_messages(request):
            return None
        key = _key(request)
        frozen = _get(key)
        if frozen is None and not cache.add(f"{key}:rendering", 1, RENDER_LOCK_SECONDS):
            frozen = _wait_for(key)  # after a write, one request renders a page; the rest wait for it
        if frozen is None:
            request._page_cache_key = key  # type: ignore[attr-defined]
            return None
        return _thaw(frozen, request)


def _key(request: HttpRequest) -> str:
    parts = [
        str(generation()),
        request.get_full_path(),
        request.LANGUAGE_CODE,
        str(request.user.pk or 0),
        # A form on the page carries a CSRF token made for this browser's cookie.
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
        "htmx" if request.headers.get("HX-Request") else "",
    ]
    return "pagecache:page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _get(key: str) -> dict[str, Any] | None:
    """The page, from this process's memory when it is one of the large ones it served lately."""
    with _LARGE_LOCK:
        remembered = _LARGE.get(key)
    if remembered is not None and remembered[0] > time.monotonic():
        return remembered[1]
    frozen = cache.get(key)
    if frozen is not None and "gzip" in frozen:
        with _LARGE_LOCK:
            _LARGE[key] = (time.monotonic() + settings.PORTAL_PAGE_CACHE_SECONDS, frozen)
            _LARGE.move_to_end(key)
            while len(_LARGE) > LARGE_ENTRIES:
                _LARGE.popitem(last=False)
    return frozen


def _wait_for(key: str) -> dict[str, Any] | None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.02)
        frozen = cache.get(key)
        if frozen is not None:
            return frozen
        if cache.get(f"{key}:rendering") is None:  # the renderer could not keep it
            return None
    return None


def _has_messages(request: HttpRequest) -> bool:
    storage = getattr(request, "_messages", None)
    return storage is not None and (storage.used or len(storage) > 0)


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies  # a cookie set for one browser must not reach another
        # A form's token fits this browser's CSRF cookie: keep the page only if the browser has it already.
        and request.META.get("CSRF_COOKIE", "") in ("", request.COOKIES.get(settings.CSRF_COOKIE_NAME))
        and not _has_messages(request)
    )


def _freeze(response: HttpResponse) -> dict[str, Any]:
    frozen: dict[str, Any] = {
        "headers": {name: response[name] for name in KEPT_HEADERS if response.has_header(name)},
    }
    if len(response.content) > COMPRESS_OVER_BYTES and not response["Content-Type"].startswith("text/html"):
        frozen["gzip"] = gzip.compress(response.content, compresslevel=9)  # once per generation
    else:
        frozen["content"] = response.content
    return frozen


def _thaw(frozen: dict[str, Any], request: HttpRequest) -> HttpResponse:
    if "gzip" in frozen and "gzip" in request.headers.get("Accept-Encoding", ""):
        response = HttpResponse(frozen["gzip"])
        response["Content-Encoding"] = "gzip"
    elif "gzip" in frozen:
        response = HttpResponse(gzip.decompress(frozen["gzip"]))
    else:
        response = HttpResponse(frozen["content"])
    for name, value in frozen["headers"].items():
        response[name] = value
    if "gzip" in frozen:
        response["Vary"] = "Accept-Encoding"
    return response
