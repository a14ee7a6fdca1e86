"""Thin Celery tasks: load ids, call a service."""

from __future__ import annotations

import json
import urllib.request

from celery import shared_task
from django.conf import settings

from payments import services
from payments.signatures import signature_header

SANDBOX_CALLBACK_TIMEOUT = 10


@shared_task(autoretry_for=(Exception,), retry_backoff=True, retry_jitter=True, max_retries=8, acks_late=True)
def refund_payment(payment_id: int) -> int | None:
    """Refund what is left of a payment of a cancelled order (safe to run twice)."""
    refund = services.refund_remaining(payment_id=payment_id, reason="order cancelled")
    return refund.pk if refund else None


@shared_task(name="payments.tasks.refund_owed_payments", ignore_result=True)
def refund_owed_payments() -> int:
    """Beat runs this every 5 minutes: refunds still owed on cancelled orders."""
    return services.refunds_retry_owed()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5, acks_late=True)
def sandbox_send_callback(payment_id: int) -> None:
    """The sandbox gateway's asynchronous answer to a phone payment: a signed `succeeded`.

    With PAYMENT_SANDBOX_CALLBACK_URL set (make run sets it to the local site) it is POSTed
    to `/api/v1/payments/{id}/notify` like a real gateway's; otherwise applied in-process.
    """
    base_url = settings.PAYMENT_SANDBOX_CALLBACK_URL
    if not base_url:
        services.payment_callback_apply(payment_id=payment_id, status="succeeded")
        return
    body = json.dumps({"status": "succeeded"}).encode()
    request = urllib.request.Request(  # noqa: S310 (a configured http(s) URL of this shop)
        f"{base_url.rstrip('/')}/api/v1/payments/{payment_id}/notify",
        data=body,
        headers={"Content-Type": "application/json", "X-Signature": signature_header(body)},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=SANDBOX_CALLBACK_TIMEOUT) as response:  # noqa: S310
        response.read()
