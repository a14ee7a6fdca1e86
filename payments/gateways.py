"""The payment-gateway interface and the built-in sandbox gateway (PAYMENT_GATEWAY=sandbox).

A gateway is called outside database transactions (it is slow and remote); what it answers
is then applied by the services under row locks.

Sandbox outcomes (documented for testers; order-lifecycle.md):

    card token            → result
    sandbox_ok            → succeeded
    sandbox_declined      → failed (card_declined)
    sandbox_insufficient  → failed (insufficient_funds)
    sandbox_pending       → pending, until a signed callback arrives
    anything else         → failed (invalid_card_token)

    phone ending in 0000  → failed (phone_payment_rejected)
    any other phone       → pending; the sandbox then posts a signed `succeeded` callback
                            through the worker (payments.tasks.sandbox_send_callback)
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class ChargeResult:
    status: str  # "succeeded" | "failed" | "pending"
    reference: str
    failure_code: str = ""
    failure_message: str = ""
    card_last4: str = ""
    # The gateway will confirm asynchronously through a signed callback.
    callback_expected: bool = False


@dataclass(frozen=True)
class RefundResult:
    succeeded: bool
    reference: str
    failure_message: str = ""


class PaymentGateway(Protocol):
    name: str

    def charge(
        self,
        *,
        payment_id: int,
        amount: Decimal,
        currency: str,
        method: str,
        card_token: str | None = None,
        phone: str | None = None,
    ) -> ChargeResult: ...

    def refund(
        self, *, payment_reference: str, refund_id: int, amount: Decimal, currency: str
    ) -> RefundResult: ...


SANDBOX_CARD_OUTCOMES: dict[str, tuple[str, str, str]] = {
    "sandbox_ok": ("succeeded", "", ""),
    "sandbox_declined": ("failed", "card_declined", "The card was declined"),
    "sandbox_insufficient": ("failed", "insufficient_funds", "Insufficient funds"),
    "sandbox_pending": ("pending", "", ""),
}


class SandboxGateway:
    """Deterministic outcomes for development and tests; never touches the network."""

    name = "sandbox"

    def charge(
        self,
        *,
        payment_id: int,
        amount: Decimal,
        currency: str,
        method: str,
        card_token: str | None = None,
        phone: str | None = None,
    ) -> ChargeResult:
        reference = f"sbx_{uuid.uuid4().hex[:20]}"
        if method == "phone":
            if (phone or "").endswith("0000"):
                return ChargeResult(
                    "failed", reference, "phone_payment_rejected", "The phone payment was rejected"
                )
            return ChargeResult("pending", reference, callback_expected=True)
        status, code, message = SANDBOX_CARD_OUTCOMES.get(
            card_token or "", ("failed", "invalid_card_token", "Unknown card token")
        )
        return ChargeResult(status, reference, code, message, card_last4="4242")

    def refund(
        self, *, payment_reference: str, refund_id: int, amount: Decimal, currency: str
    ) -> RefundResult:
        return RefundResult(True, f"sbx_rf_{uuid.uuid4().hex[:16]}")


GATEWAYS: dict[str, str] = {"sandbox": "payments.gateways.SandboxGateway"}


def get_gateway(name: str | None = None) -> PaymentGateway:
    """The configured gateway: a known name or a dotted path to a class."""
    name = name or settings.PAYMENT_GATEWAY
    return import_string(GATEWAYS.get(name, name))()
