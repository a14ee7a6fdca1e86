"""`manage.py resend_notifications`: filters, dry run, and never a sent row."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from notifications.models import Notification, NotificationChannel, NotificationEvent, NotificationStatus
from notifications.tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("resend_notifications", *args, stdout=out)
    return out.getvalue()


def statuses() -> dict[int, str]:
    return dict(Notification.objects.values_list("pk", "status"))


def test_resends_every_failed_notification_and_says_how_many(sms_outbox, django_capture_on_commit_callbacks):
    failed = [NotificationFactory(status=NotificationStatus.FAILED) for _ in range(2)]
    sent = NotificationFactory(status=NotificationStatus.SENT)

    with django_capture_on_commit_callbacks(execute=True):
        output = run()

    assert "2 failed notification(s) queued again" in output
    assert statuses() == {failed[0].pk: "sent", failed[1].pk: "sent", sent.pk: "sent"}
    assert len(sms_outbox) == 2


def test_dry_run_counts_and_changes_nothing(django_capture_on_commit_callbacks):
    row = NotificationFactory(status=NotificationStatus.FAILED, attempts=6)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        output = run("--dry-run")

    assert "1 failed notification(s) would be re-sent (dry run)" in output
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 6)
    assert callbacks == []


def test_filters_by_event_channel_since_and_repeated_ids():
    recent = timezone.now() - timedelta(hours=1)
    old = timezone.now() - timedelta(days=10)
    wanted = NotificationFactory(status=NotificationStatus.FAILED, created_at=recent)
    also_wanted = NotificationFactory(status=NotificationStatus.FAILED, created_at=recent)
    too_old = NotificationFactory(status=NotificationStatus.FAILED, created_at=old)
    other_event = NotificationFactory(
        status=NotificationStatus.FAILED,
        channel=NotificationChannel.EMAIL,
        to="a@example.com",
        event=NotificationEvent.EMAIL_VERIFICATION,
        created_at=recent,
    )
    not_listed = NotificationFactory(status=NotificationStatus.FAILED, created_at=recent)
    since = (timezone.now() - timedelta(days=2)).date().isoformat()

    output = run(
        "--event", "phone_verification", "--channel", "sms", "--since", since,
        "--id", str(wanted.pk), "--id", str(also_wanted.pk), "--id", str(too_old.pk), "--id", str(other_event.pk),
    )  # fmt: skip

    assert "2 failed notification(s) queued again" in output
    assert statuses() == {
        wanted.pk: "queued",
        also_wanted.pk: "queued",
        too_old.pk: "failed",
        other_event.pk: "failed",
        not_listed.pk: "failed",
    }


def test_a_bad_since_is_a_command_error():
    with pytest.raises(CommandError, match="--since"):
        run("--since", "last tuesday")
