"""`manage.py resend_notifications`: put failed notifications back in the queue.

manage.py resend_notifications                       # every failed one
manage.py resend_notifications --event order_paid --channel sms --since 2026-03-01
manage.py resend_notifications --id 41 --id 42 --dry-run
"""

from __future__ import annotations

from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from notifications.models import NotificationChannel, NotificationEvent
from notifications.selectors import notification_list_failed
from notifications.services import notifications_resend_failed


def _since(value: str) -> datetime:
    """`2026-03-01` (midnight, shop time) or an ISO date-time (naive = shop time)."""
    moment = parse_datetime(value)
    if moment is None:
        day = parse_date(value)
        if day is None:
            raise CommandError(f"--since: expected a date or an ISO date-time, got {value!r}")
        moment = datetime.combine(day, time.min)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = "Queue failed notifications again (sent ones are never re-sent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--event", choices=NotificationEvent.values)
        parser.add_argument("--channel", choices=NotificationChannel.values)
        parser.add_argument("--since", type=_since, help="only those written at or after this date/time")
        parser.add_argument(
            "--id", dest="ids", type=int, action="append", help="a notification id; repeatable"
        )
        parser.add_argument("--dry-run", action="store_true", help="count, change nothing")

    def handle(self, *args: object, **options: object) -> None:
        filters = {
            "since": options["since"],
            "event": options["event"],
            "channel": options["channel"],
            "ids": options["ids"],
        }
        if options["dry_run"]:
            count = notification_list_failed(**filters).count()
            self.stdout.write(f"{count} failed notification(s) would be re-sent (dry run)")
            return
        count = notifications_resend_failed(**filters)
        self.stdout.write(self.style.SUCCESS(f"{count} failed notification(s) queued again"))
