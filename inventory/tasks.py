"""Celery tasks: thin, each calls one service."""

from celery import shared_task

from inventory.services import reservations_expire_due


@shared_task(name="inventory.tasks.expire_reservations", ignore_result=True)
def expire_reservations() -> int:
    """Beat runs this every minute: release the stock of online-payment orders left unpaid."""
    return reservations_expire_due()
