"""Real Celery worker processes for tests: started on a queue of their own, read line by line,
stopped politely or killed with SIGKILL."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(__file__).resolve().parent.parent


class Worker:
    """``celery worker --pool=solo``: the job runs in the worker's own process, so killing the
    process kills the job midway, as a machine that loses power would."""

    def __init__(self, queue: str, env: dict[str, str]) -> None:
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool=solo", "--queues", queue,
             "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=INFO"],
            cwd=BASE_DIR, env=os.environ | {"DJANGO_DEBUG": "true"} | env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)[-4000:]

    def wait_for_output(self, text: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.lines):
            assert time.monotonic() < deadline, f"the worker never printed {text!r}:\n{self.output}"
            assert self.process.poll() is None, f"the worker exited:\n{self.output}"
            time.sleep(0.02)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self._reader.join(timeout=5)


@contextmanager
def worker(queue: str, env: dict[str, str]) -> Iterator[Worker]:
    running = Worker(queue, env)
    try:
        yield running
    finally:
        running.stop()


@contextmanager
def redis_broker() -> Iterator[str]:
    """The configured Redis broker (CI), or else a private redis-server for the test's duration."""
    if settings.CELERY_BROKER_URL.startswith("redis://"):
        yield settings.CELERY_BROKER_URL
        return
    server = shutil.which("redis-server")
    assert server, "redis-server is missing: make install installs it"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [server, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the private redis-server did not start"
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)
