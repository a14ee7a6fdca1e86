from celery import shared_task

from notifications.services import email_send, sms_send


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def deliver_email(*, to: str, subject: str, text: str) -> None:
    email_send(to=to, subject=subject, text=text)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def deliver_sms(*, to: str, text: str) -> str:
    return sms_send(to=to, text=text)
