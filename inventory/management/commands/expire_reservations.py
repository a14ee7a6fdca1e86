"""`manage.py expire_reservations`: what the beat task does, by hand (cron, ops, debugging)."""

from django.core.management.base import BaseCommand

from inventory.services import EXPIRE_BATCH_SIZE, reservations_expire_due


class Command(BaseCommand):
    help = "Expire active stock reservations whose time is up, releasing their stock."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=EXPIRE_BATCH_SIZE)

    def handle(self, *args: object, batch_size: int, **options: object) -> None:
        count = reservations_expire_due(batch_size=batch_size)
        self.stdout.write(f"expired {count} reservation(s)")
