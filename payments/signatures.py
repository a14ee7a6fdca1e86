"""Gateway callback signatures: `X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>`.

The MAC covers `"<t>.<raw body>"` with PAYMENT_WEBHOOK_SECRET; a timestamp more than
300 s away from now is refused, so a captured callback cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings

from payments.exceptions import InvalidSignature

TOLERANCE_SECONDS = 300


def _digest(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(body: bytes, *, timestamp: int | None = None, secret: str | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={_digest(secret or settings.PAYMENT_WEBHOOK_SECRET, timestamp, body)}"


def signature_verify(body: bytes, header: str | None, *, now: float | None = None) -> None:
    """Raise InvalidSignature unless the header signs exactly this body, recently."""
    if not header:
        raise InvalidSignature()
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
        digests = [value for key, value in parts.items() if key == "v1"]
    except (KeyError, ValueError) as exc:
        raise InvalidSignature() from exc
    now = time.time() if now is None else now
    if abs(now - timestamp) > TOLERANCE_SECONDS:
        raise InvalidSignature()
    expected = _digest(settings.PAYMENT_WEBHOOK_SECRET, timestamp, body)
    if not any(hmac.compare_digest(expected, digest) for digest in digests):
        raise InvalidSignature()
