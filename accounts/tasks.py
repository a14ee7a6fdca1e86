"""Account tasks: thin, they load ids and call a service."""

from celery import shared_task

from accounts import importing


@shared_task(name="accounts.tasks.import_customers")
def import_customers(*, run_id: str) -> str:
    """Run a queued customer import (the run's id is this task's id); returns its final status."""
    return importing.import_run_execute(run_id=run_id).status
