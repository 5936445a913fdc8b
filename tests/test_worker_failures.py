"""Jobs survive a worker that dies midway: after SIGKILL, the broker (Redis) hands the
unacknowledged job to the next worker, which finishes it exactly once."""

from __future__ import annotations

import datetime
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.urls import reverse

from familycentre.models import CooperationAgreement
from familycentre.tasks import render_agreement_pdf
from funding import reports
from funding.models import ContinuityReport
from funding.tasks import build_continuity_report
from portal.celery import app
from tests.factories import AgreementFactory, MembershipFactory
from tests.test_reports import scenario
from tests.workers import Worker, redis_broker, worker

# The job goes back to the queue this many seconds after its worker took it and died.
VISIBILITY_TIMEOUT = 3


@pytest.fixture
def broker_url() -> Iterator[str]:
    with redis_broker() as url:
        yield url


@pytest.fixture
def worker_env(broker_url: str, database_url: str, settings, tmp_path: Path) -> dict[str, str]:
    settings.MEDIA_ROOT = tmp_path
    return {
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "MEDIA_ROOT": str(tmp_path),
    }


def send(task, args: tuple[object, ...], queue: str, broker_url: str) -> None:
    with app.connection_for_write(broker_url) as connection:
        task.apply_async(args, queue=queue, connection=connection)


def wait_until(condition, running: Worker, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out; the worker printed:\n{running.output}"
        time.sleep(0.05)


def files_in(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.rglob("*") if path.is_file())


@pytest.mark.worker
def test_a_report_job_killed_while_rendering_completes_once_on_the_next_worker(
    reference_data, broker_url, worker_env, tmp_path
):
    report = scenario()
    queue = f"test-{uuid.uuid4().hex}"
    with worker(queue, worker_env) as first:
        send(build_continuity_report, (report.pk,), queue, broker_url)
        wait_until(lambda: ContinuityReport.objects.get(pk=report.pk).progress >= 60, first)  # rendering the PDF
        first.kill()
        killed_at = time.monotonic()
    report.refresh_from_db()
    assert report.state == ContinuityReport.State.RUNNING, first.output
    assert not report.pdf

    time.sleep(max(0, VISIBILITY_TIMEOUT + 0.5 - (time.monotonic() - killed_at)))
    with worker(queue, worker_env) as second:
        wait_until(lambda: ContinuityReport.objects.get(pk=report.pk).state in ("succeeded", "failed"), second)
        time.sleep(1)  # a second delivery, if there were one, would show by now
        report.refresh_from_db()
        assert report.state == ContinuityReport.State.SUCCEEDED, (report.error, second.output)
    assert ContinuityReport.objects.count() == 1
    assert [stage[0] for stage in report.history] == [10, 40, 60, 90, 100]  # this run's stages, once each
    stored = files_in(tmp_path / "funding" / "reports")
    assert sorted(Path(name).suffix for name in stored) == [".csv", ".html", ".pdf"]  # one of each, no leftovers
    assert Path(report.pdf.name).name in stored
    assert report.pdf.open("rb").read().startswith(b"%PDF")
    assert sum("succeeded" in line for line in second.lines) == 1, second.output


@pytest.mark.worker
def test_an_agreement_pdf_job_killed_midway_renders_one_pdf_on_the_next_worker(
    reference_data, broker_url, worker_env, tmp_path
):
    agreement = AgreementFactory.active_until(valid_to=datetime.date.today() + datetime.timedelta(days=200))
    assert not agreement.pdf_is_current
    queue = f"test-{uuid.uuid4().hex}"
    with worker(queue, worker_env) as first:
        send(render_agreement_pdf, (agreement.pk,), queue, broker_url)
        first.wait_for_output("] received")  # the solo pool runs it at once
        first.kill()
        killed_at = time.monotonic()
    agreement.refresh_from_db()
    assert not agreement.pdf, first.output

    time.sleep(max(0, VISIBILITY_TIMEOUT + 0.5 - (time.monotonic() - killed_at)))
    with worker(queue, worker_env) as second:
        wait_until(lambda: CooperationAgreement.objects.get(pk=agreement.pk).pdf_is_current, second)
        second.wait_for_output("succeeded")
        time.sleep(1)
    agreement.refresh_from_db()
    assert files_in(tmp_path / "familycentre" / "agreements") == [Path(agreement.pdf.name).name]
    assert agreement.pdf.open("rb").read().startswith(b"%PDF")
    assert sum("succeeded" in line for line in second.lines) == 1, second.output


@pytest.mark.django_db
def test_a_report_job_that_runs_out_of_time_ends_as_failed_with_a_message(monkeypatch):
    report = scenario()
    ContinuityReport.objects.filter(pk=report.pk).update(language="fi")  # the message in the report's language

    def too_slow(document: str) -> bytes:
        raise SoftTimeLimitExceeded  # what Celery raises in the job when its soft time limit passes

    monkeypatch.setattr(reports, "pdf_bytes", too_slow)
    build_continuity_report.delay(report.pk)
    report.refresh_from_db()
    assert report.state == ContinuityReport.State.FAILED
    assert report.error == "Raportin laatiminen kesti sallittua kauemmin ja keskeytettiin. Yritä myöhemmin uudelleen."
    assert not report.pdf


@pytest.mark.django_db
def test_an_agreement_pdf_job_that_runs_out_of_time_says_so_on_the_agreement_page(client, monkeypatch):
    import weasyprint

    class TooSlowHTML:
        def __init__(self, string: str) -> None:
            pass

        def write_pdf(self) -> bytes:
            raise SoftTimeLimitExceeded

    agreement = AgreementFactory.active_until(valid_to=datetime.date.today() + datetime.timedelta(days=200))
    admin = MembershipFactory.admin(organisation=agreement.organisation).user
    monkeypatch.setattr(weasyprint, "HTML", TooSlowHTML)
    render_agreement_pdf.delay(agreement.pk)
    agreement.refresh_from_db()
    assert agreement.pdf_failed_at is not None and not agreement.pdf
    client.force_login(admin)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("familycentre:agreement", args=[agreement.pk]))
    assert "The PDF could not be created in the time allowed." in page.content.decode()
