"""The portal's settings with one extra URL: the bare view the benchmark compares pages with."""

from __future__ import annotations

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
