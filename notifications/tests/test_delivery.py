"""Delivering the outbox: once per row, retries with back-off, leases, the sweeper."""

from __future__ import annotations

import logging
import socket
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from notifications import services
from notifications.models import Notification, NotificationChannel, NotificationEvent, NotificationStatus
from notifications.services import (
    notification_deliver,
    notification_queue,
    notifications_requeue_stuck,
    notifications_resend_failed,
)
from notifications.tasks import requeue_stuck_notifications, send_notification
from notifications.tests.factories import NotificationFactory, OrderFactory
from notifications.tests.provider_server import Answer

pytestmark = pytest.mark.django_db


def queue_sms(**overrides: object) -> Notification:
    arguments = {
        "event": NotificationEvent.PHONE_VERIFICATION,
        "channel": NotificationChannel.SMS,
        "to": "+380971112233",
        "variables": {"code": "482913", "minutes": 10},
    }
    arguments.update(overrides)
    return notification_queue(**arguments)


class TestOncePerRow:
    def test_a_sent_row_is_never_sent_again_even_by_a_provider_that_keeps_duplicates(self, recorded_sms):
        row = NotificationFactory()

        first = notification_deliver(notification_id=row.pk)
        second = notification_deliver(notification_id=row.pk)
        send_notification.delay(row.pk)

        assert first.status == second.status == NotificationStatus.SENT
        assert len(recorded_sms) == 1
        assert second.attempts == 1
        assert second.provider_message_id == first.provider_message_id

    def test_a_row_leased_by_another_worker_is_left_alone(self, recorded_sms):
        row = NotificationFactory(attempts=1, locked_until=timezone.now() + timedelta(minutes=1))

        result = notification_deliver(notification_id=row.pk)

        assert result.status == NotificationStatus.QUEUED
        assert result.attempts == 1
        assert recorded_sms == []

    def test_the_provider_gets_a_stable_idempotency_key_and_the_provider_id_is_recorded(self, recorded_sms):
        row = NotificationFactory()

        sent = notification_deliver(notification_id=row.pk)

        assert recorded_sms[0].idempotency_key == row.idempotency_key
        assert row.idempotency_key.startswith(f"notification-{row.pk}-")
        assert sent.provider_message_id.startswith("rec-")
        assert sent.sent_at is not None
        assert sent.locked_until is None

    def test_an_email_is_sent_with_text_and_html_and_a_stable_message_id(self):
        order = OrderFactory(email="olena@example.com")
        row = notification_queue(
            event=NotificationEvent.ORDER_CREATED,
            channel=NotificationChannel.EMAIL,
            to="olena@example.com",
            variables={"order_id": order.pk, "total": "99.00", "currency": "UAH"},
            order=order,
        )

        sent = notification_deliver(notification_id=row.pk)

        [message] = mail.outbox
        assert message.to == ["olena@example.com"]
        assert message.alternatives[0].mimetype == "text/html"
        assert f"/profile/orders/{order.pk}" in message.body
        assert message.extra_headers["Message-ID"] == f"<{row.idempotency_key}@storefront.local>"
        assert sent.provider_message_id == f"{row.idempotency_key}@storefront.local"
        assert sent.status == NotificationStatus.SENT

    def test_an_esp_message_id_from_anymail_is_recorded_and_our_row_id_travels_as_metadata(self, settings):
        settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
        row = NotificationFactory(
            channel=NotificationChannel.EMAIL,
            to="olena@example.com",
            event=NotificationEvent.EMAIL_VERIFICATION,
        )

        sent = notification_deliver(notification_id=row.pk)

        [message] = mail.outbox
        assert message.anymail_test_params["metadata"] == {"notification_id": str(row.pk)}
        assert sent.provider_message_id == "0"  # the test ESP numbers messages from 0
        assert sent.status == NotificationStatus.SENT

    def test_a_row_that_no_longer_exists_is_a_no_op_for_the_task(self):
        assert send_notification.delay(987654).get() == "missing"


class TestRetries:
    def test_a_flaky_provider_is_retried_until_it_accepts(
        self, turbosms, retries_run_inline, django_capture_on_commit_callbacks
    ):
        server = turbosms(
            Answer.recorded("turbosms/server_error.json"),
            Answer.recorded("turbosms/server_error.json"),
            Answer.recorded("turbosms/accepted.json"),
        )

        with django_capture_on_commit_callbacks(execute=True):
            row = queue_sms()

        row.refresh_from_db()
        assert len(server.received) == 3
        assert row.status == NotificationStatus.SENT
        assert row.attempts == 3
        assert row.provider_message_id == "f83f8868-5e46-c6cf-e4fb-615e5a293754"
        assert row.error_message == ""

    def test_after_the_last_retry_the_row_is_failed_with_the_error(
        self, turbosms, retries_run_inline, django_capture_on_commit_callbacks
    ):
        server = turbosms(Answer.recorded("turbosms/server_error.json"))

        with django_capture_on_commit_callbacks(execute=True):
            row = queue_sms()

        row.refresh_from_db()
        assert len(server.received) == services.DEFAULT_MAX_ATTEMPTS == 6
        assert row.status == NotificationStatus.FAILED
        assert row.attempts == 6
        assert row.error_message == "TurboSMS HTTP 500"

    def test_a_refused_recipient_fails_at_once_without_retries(
        self, turbosms, retries_run_inline, django_capture_on_commit_callbacks
    ):
        server = turbosms(Answer.recorded("turbosms/recipient_refused.json"))

        with django_capture_on_commit_callbacks(execute=True):
            row = queue_sms()

        row.refresh_from_db()
        assert len(server.received) == 1
        assert row.status == NotificationStatus.FAILED
        assert "NOT_ALLOWED_RECIPIENT_COUNTRY" in row.error_message

    def test_a_provider_that_took_the_request_and_never_answered_is_not_asked_twice(
        self, turbosms, retries_run_inline, django_capture_on_commit_callbacks
    ):
        # TurboSMS has no idempotency key: sending again could deliver the SMS twice.
        server = turbosms(Answer.stalled(), timeout=0.3)

        with django_capture_on_commit_callbacks(execute=True):
            row = queue_sms()

        row.refresh_from_db()
        assert len(server.received) == 1
        assert row.status == NotificationStatus.FAILED
        assert row.error_message.startswith("Delivery outcome unknown")

    def test_an_unreachable_smtp_server_is_retried_then_the_row_fails(
        self, settings, retries_run_inline, django_capture_on_commit_callbacks
    ):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]  # closed again: nothing listens there
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port

        with django_capture_on_commit_callbacks(execute=True):
            row = notification_queue(
                event=NotificationEvent.EMAIL_VERIFICATION,
                channel=NotificationChannel.EMAIL,
                to="olena@example.com",
                variables={"code": "482913"},
            )

        row.refresh_from_db()
        assert row.status == NotificationStatus.FAILED
        assert row.attempts == 6
        assert row.error_message == "Email server unreachable: ConnectionRefusedError"

    def test_an_unexpected_backend_error_is_retried_and_logged_without_the_message_text(
        self, settings, retries_run_inline, django_capture_on_commit_callbacks, caplog
    ):
        settings.SMS_BACKEND = "notifications.tests.backends.ExplodingBackend"

        with caplog.at_level(logging.DEBUG), django_capture_on_commit_callbacks(execute=True):
            row = queue_sms(variables={"code": "905113", "minutes": 10})

        row.refresh_from_db()
        assert row.status == NotificationStatus.FAILED
        assert row.attempts == 6
        assert row.error_message == "Unexpected error: RuntimeError"
        assert "unexpected RuntimeError at" in caplog.text
        assert "905113" not in caplog.text

    def test_a_failed_attempt_schedules_the_next_one_within_the_back_off(self, turbosms):
        turbosms(Answer.recorded("turbosms/server_error.json"))
        row = NotificationFactory()

        with pytest.raises(services.TemporaryDeliveryError):
            notification_deliver(notification_id=row.pk)

        row.refresh_from_db()
        assert row.status == NotificationStatus.QUEUED
        assert row.attempts == 1
        assert row.locked_until is None
        assert row.error_message == "TurboSMS HTTP 500"
        wait = (row.next_attempt_at - row.updated_at).total_seconds()
        assert 9 <= wait <= services.retry_delay_ceiling(attempts=1) == 10


class TestDeadWorkers:
    def test_an_expired_lease_is_sent_again_through_a_provider_that_drops_duplicates(self, sms_outbox):
        row = NotificationFactory(attempts=1, locked_until=timezone.now() - timedelta(seconds=1))

        sent = notification_deliver(notification_id=row.pk)

        assert sent.status == NotificationStatus.SENT
        assert sent.attempts == 2
        assert [message.idempotency_key for message in sms_outbox] == [row.idempotency_key]

    def test_an_expired_lease_is_not_sent_again_through_a_provider_that_keeps_duplicates(self, recorded_sms):
        row = NotificationFactory(attempts=1, locked_until=timezone.now() - timedelta(seconds=1))

        result = notification_deliver(notification_id=row.pk)

        assert result.status == NotificationStatus.FAILED
        assert result.error_message.startswith("Delivery outcome unknown")
        assert recorded_sms == []


class TestSweeper:
    def test_the_sweeper_publishes_overdue_and_orphaned_rows_only(
        self, sms_outbox, django_capture_on_commit_callbacks
    ):
        long_ago = timezone.now() - timedelta(minutes=10)
        never_published = NotificationFactory(next_attempt_at=long_ago)
        worker_died = NotificationFactory(
            next_attempt_at=long_ago, attempts=1, locked_until=timezone.now() - timedelta(seconds=5)
        )
        being_sent = NotificationFactory(
            next_attempt_at=long_ago, attempts=1, locked_until=timezone.now() + timedelta(minutes=1)
        )
        just_queued = NotificationFactory()
        waiting_for_retry = NotificationFactory(
            attempts=1, next_attempt_at=timezone.now() + timedelta(seconds=40)
        )
        already_sent = NotificationFactory(next_attempt_at=long_ago, status=NotificationStatus.SENT)
        failed = NotificationFactory(next_attempt_at=long_ago, status=NotificationStatus.FAILED)

        with django_capture_on_commit_callbacks(execute=True):
            published = notifications_requeue_stuck(older_than_seconds=120)

        assert published == 2
        status = dict(Notification.objects.values_list("pk", "status"))
        assert status[never_published.pk] == status[worker_died.pk] == NotificationStatus.SENT
        for untouched in (being_sent, just_queued, waiting_for_retry):
            assert status[untouched.pk] == NotificationStatus.QUEUED
        assert status[already_sent.pk] == NotificationStatus.SENT
        assert status[failed.pk] == NotificationStatus.FAILED
        assert sorted(message.idempotency_key for message in sms_outbox) == sorted(
            [never_published.idempotency_key, worker_died.idempotency_key]
        )

    def test_a_row_the_sweeper_just_published_waits_a_full_period_before_the_next_sweep(
        self, django_capture_on_commit_callbacks
    ):
        NotificationFactory(next_attempt_at=timezone.now() - timedelta(minutes=10))

        first = notifications_requeue_stuck(older_than_seconds=120)  # publish not run: commit never came
        second = notifications_requeue_stuck(older_than_seconds=120)

        assert (first, second) == (1, 0)

    def test_the_beat_task_runs_the_sweeper_with_the_configured_delay(
        self, settings, sms_outbox, django_capture_on_commit_callbacks
    ):
        settings.NOTIFICATION_STUCK_AFTER_SECONDS = 30
        NotificationFactory(next_attempt_at=timezone.now() - timedelta(seconds=31))
        NotificationFactory(next_attempt_at=timezone.now() - timedelta(seconds=20))

        with django_capture_on_commit_callbacks(execute=True):
            assert requeue_stuck_notifications.delay().get() == 1

        assert len(sms_outbox) == 1


class TestResend:
    def test_resend_queues_failed_rows_with_fresh_attempts_and_never_touches_sent_ones(
        self, sms_outbox, django_capture_on_commit_callbacks
    ):
        failed = NotificationFactory(
            status=NotificationStatus.FAILED, attempts=6, error_message="TurboSMS HTTP 500"
        )
        sent = NotificationFactory(status=NotificationStatus.SENT, attempts=1)

        with django_capture_on_commit_callbacks(execute=True):
            count = notifications_resend_failed(ids=[failed.pk, sent.pk])

        failed.refresh_from_db()
        sent.refresh_from_db()
        assert count == 1
        assert failed.status == NotificationStatus.SENT
        assert failed.attempts == 1
        assert sent.attempts == 1
        assert [message.idempotency_key for message in sms_outbox] == [failed.idempotency_key]

    def test_resend_filters_by_event_channel_and_time(self):
        old = NotificationFactory(
            status=NotificationStatus.FAILED, created_at=timezone.now() - timedelta(days=3)
        )
        email = NotificationFactory(
            status=NotificationStatus.FAILED,
            channel=NotificationChannel.EMAIL,
            to="a@example.com",
            event=NotificationEvent.EMAIL_VERIFICATION,
        )
        sms = NotificationFactory(status=NotificationStatus.FAILED)

        count = notifications_resend_failed(
            since=timezone.now() - timedelta(days=1),
            event=NotificationEvent.PHONE_VERIFICATION,
            channel=NotificationChannel.SMS,
        )

        status = dict(Notification.objects.values_list("pk", "status"))
        assert count == 1
        assert status == {old.pk: "failed", email.pk: "failed", sms.pk: "queued"}
