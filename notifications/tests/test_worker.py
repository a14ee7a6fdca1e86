"""The outbox with a real Celery worker on Redis and PostgreSQL (`@pytest.mark.worker`).

The worker is a separate `celery -A config worker` process on the pytest test database;
tests commit for real (`transaction=True`) so it sees the rows. Waiting on the other
process is polling with a deadline, never a fixed sleep.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from config.celery import app as celery_app
from notifications.models import Notification, NotificationChannel, NotificationEvent, NotificationStatus
from notifications.services import notification_queue, notifications_requeue_stuck, notify_event
from notifications.tasks import send_notification
from notifications.tests.backends import sms_files
from notifications.tests.brokers import DEAD_BROKER_URL, broker
from notifications.tests.factories import OrderFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

CELERY = Path(sys.executable).with_name("celery")  # .venv/bin/celery
# One process, one task at a time, from the default queue; no cluster chatter to wait for.
WORKER_COMMAND = [
    str(CELERY), "-A", "config", "worker", "--pool", "solo", "-Q", "celery", "--loglevel", "INFO",
    "--without-gossip", "--without-mingle", "--without-heartbeat",
]  # fmt: skip
DEADLINE_SECONDS = 45


def worker_database_url() -> str:
    """The URL of the database pytest is using right now (the `test_...` one)."""
    db = settings.DATABASES["default"]
    credentials = quote(db["USER"] or "")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"])
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@dataclass
class Worker:
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def kill(self) -> None:
        """SIGKILL: no warm shutdown, no ack, no cleanup — a crashed machine."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_until(condition: Callable[[], bool], *, what: str, workers: list[Worker]) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            logs = "\n".join(worker.output()[-4000:] for worker in workers)
            raise AssertionError(f"timed out waiting for {what}\n--- worker log ---\n{logs}")
        time.sleep(0.1)


@pytest.fixture
def outbox_dirs(tmp_path: Path) -> tuple[Path, Path]:
    sms_dir, email_dir = tmp_path / "sms", tmp_path / "email"
    sms_dir.mkdir()
    email_dir.mkdir()
    return sms_dir, email_dir


@pytest.fixture
def live_broker() -> Iterator[str]:
    """This process publishes to the real Redis broker (not eagerly), with an empty queue."""
    url = celery_app.conf.broker_url
    with broker(url, eager=False):
        celery_app.control.purge()  # leftovers of earlier tests would reach our worker
        yield url


@pytest.fixture
def start_worker(tmp_path, outbox_dirs, live_broker) -> Iterator[Callable[..., Worker]]:
    sms_dir, email_dir = outbox_dirs
    workers: list[Worker] = []

    def start(
        *, sms_backend: str = "file", settings_module: str = "notifications.tests.worker_settings"
    ) -> Worker:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": settings_module,
            "DATABASE_URL": worker_database_url(),
            "REDIS_URL": os.environ["REDIS_URL"],
            "CELERY_BROKER_URL": live_broker,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "SMS_BACKEND": sms_backend,
            "SMS_FILE_PATH": str(sms_dir),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(email_dir),
        }
        log = tmp_path / f"worker-{len(workers)}.log"
        with log.open("wb") as log_file:
            process = subprocess.Popen(  # noqa: S603 - our own venv's celery, fixed arguments
                [*WORKER_COMMAND, "-n", f"notifications-{uuid.uuid4().hex[:8]}@%h"],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )
        worker = Worker(process=process, log=log)
        workers.append(worker)
        wait_until(
            lambda: " ready." in worker.output() or process.poll() is not None,
            what="the worker to start",
            workers=[worker],
        )
        assert process.poll() is None, worker.output()
        return worker

    yield start
    for worker in workers:
        worker.stop()


def status_of(row: Notification) -> str:
    row.refresh_from_db()
    return row.status


def test_a_notification_queued_while_the_broker_is_down_is_delivered_after_the_sweeper_runs(
    start_worker, outbox_dirs
):
    sms_dir, _ = outbox_dirs
    worker = start_worker()

    with broker(DEAD_BROKER_URL), transaction.atomic():
        row = notification_queue(
            event=NotificationEvent.PHONE_VERIFICATION,
            channel=NotificationChannel.SMS,
            to="+380971112233",
            variables={"code": "482913", "minutes": 10},
        )
    # The caller's transaction committed; the publish failed quietly; the row waits.
    assert status_of(row) == NotificationStatus.QUEUED
    assert sms_files(sms_dir) == []

    # The broker is back: beat's sweeper publishes the row again.
    assert notifications_requeue_stuck(older_than_seconds=0) == 1
    wait_until(lambda: status_of(row) == NotificationStatus.SENT, what="the row to be sent", workers=[worker])

    [message] = sms_files(sms_dir)
    assert (
        message.read_text(encoding="utf-8")
        == "To: +380971112233\n\nВаш код Storefront: 482913. Дійсний 10 хвилин.\n"
    )
    assert row.attempts == 1
    assert row.provider_message_id in message.name
    assert row.variables["code"] == "[scrubbed]"


def test_an_order_event_reaches_the_worker_on_commit_by_email_and_by_sms(start_worker, outbox_dirs):
    sms_dir, email_dir = outbox_dirs
    worker = start_worker()
    order = OrderFactory(email="olena@example.com", phone="+380671234567")

    with transaction.atomic():
        rows = notify_event(event=NotificationEvent.ORDER_PAID, order=order)

    wait_until(
        lambda: all(status_of(row) == NotificationStatus.SENT for row in rows),
        what="both messages to be sent",
        workers=[worker],
    )
    [sms] = sms_files(sms_dir)
    assert sms.read_text(encoding="utf-8").startswith("To: +380671234567\n\n")
    [email] = list(email_dir.iterdir())
    raw = email.read_text(encoding="utf-8")
    assert "To: olena@example.com" in raw
    assert "text/html" in raw


def test_a_worker_killed_mid_send_leaves_the_row_to_the_sweeper_and_it_is_delivered_exactly_once(
    start_worker, outbox_dirs
):
    sms_dir, _ = outbox_dirs
    gated = "notifications.tests.backends.GatedFileBackend"
    first = start_worker(sms_backend=gated)

    with transaction.atomic():
        row = notification_queue(
            event=NotificationEvent.PHONE_VERIFICATION,
            channel=NotificationChannel.SMS,
            to="+380971112233",
            variables={"code": "482913", "minutes": 10},
        )
    key = row.idempotency_key
    wait_until(
        lambda: (sms_dir / f"reached-{key}").exists(), what="the worker to be mid-send", workers=[first]
    )
    first.kill()

    row.refresh_from_db()
    assert (row.status, row.attempts) == (NotificationStatus.QUEUED, 1)
    assert row.locked_until is not None
    assert sms_files(sms_dir) == []
    # While the dead worker's lease runs, nobody may take the row.
    assert notifications_requeue_stuck(older_than_seconds=0) == 0

    (sms_dir / "gate").touch()
    second = start_worker(sms_backend=gated)
    lease_end = row.locked_until
    wait_until(lambda: timezone.now() > lease_end, what="the lease to expire", workers=[second])
    assert notifications_requeue_stuck(older_than_seconds=0) == 1
    wait_until(lambda: status_of(row) == NotificationStatus.SENT, what="the row to be sent", workers=[second])

    # A stray duplicate of the task (a broker redelivery) changes nothing: the row is sent.
    send_notification.delay(row.pk)
    with transaction.atomic():
        marker = notification_queue(
            event=NotificationEvent.PHONE_VERIFICATION,
            channel=NotificationChannel.SMS,
            to="+380501234567",
            variables={"code": "111111", "minutes": 10},
        )
    # One solo worker takes messages in order: once the marker is out, the duplicate was handled.
    wait_until(lambda: status_of(marker) == NotificationStatus.SENT, what="the marker", workers=[second])

    delivered = [path for path in sms_files(sms_dir) if path.name.endswith(f"--{key}.sms")]
    assert len(delivered) == 1
    assert row.attempts == 2
    assert row.provider_message_id in delivered[0].name
    assert Notification.objects.get(pk=row.pk).status == NotificationStatus.SENT
