"""The portal's URLs plus ``/bench/bare/``: a Django view returning a fixed string, the ceiling
that the benchmark measures pages against. Served only by the benchmark's own settings."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from jarjestoportaali.urls import urlpatterns as portal_urlpatterns
from portal import views as portal_views


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


handler500 = portal_views.server_error
urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *portal_urlpatterns]
