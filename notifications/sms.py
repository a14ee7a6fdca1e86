"""Pluggable SMS backends, chosen by the SMS_BACKEND setting.

`console` prints, `file` writes one file per message into SMS_FILE_PATH (a `To:` line, a
blank line, the text), `locmem` keeps messages in `outbox` for tests, `turbosms` sends
through TurboSMS's HTTP API; a dotted path names any class with this shape:

    class MyBackend:
        dedupes_by_idempotency_key: bool   # a second send with the same key sends nothing
        def send(self, to: str, text: str, *, idempotency_key: str | None = None) -> str:
            ...  # returns the provider's message id

A backend raises `TemporaryDeliveryError` (try again later; `maybe_delivered=True` when the
request went out but no answer came back) or `PermanentDeliveryError` (trying again cannot
help). `dedupes_by_idempotency_key` decides whether a send whose outcome is unknown (the
worker died mid-send, a read timeout) may be repeated: at-least-once delivery is fine only
where the receiving end drops the duplicate.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import sys
import threading
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from notifications.exceptions import (
    PermanentDeliveryError,
    TemporaryDeliveryError,
    delivery_error_for_http_status,
)

DEFAULT_SMS_TIMEOUT = 10.0
TURBOSMS_DEFAULT_API_URL = "https://api.turbosms.ua/message/send.json"


class SmsBackend(Protocol):
    dedupes_by_idempotency_key: bool

    def send(self, to: str, text: str, *, idempotency_key: str | None = None) -> str: ...


@dataclass(frozen=True)
class SmsMessage:
    to: str
    text: str
    message_id: str
    idempotency_key: str | None = None


# The locmem backend's outbox, like django.core.mail.outbox.
outbox: list[SmsMessage] = []
_outbox_lock = threading.Lock()


class ConsoleBackend:
    # Development only: a repeated print is harmless, but it is not deduplication.
    dedupes_by_idempotency_key = False

    def send(self, to: str, text: str, *, idempotency_key: str | None = None) -> str:
        message_id = uuid.uuid4().hex
        sys.stdout.write(f"SMS to {to} [{message_id}]\n{text}\n{'-' * 40}\n")
        sys.stdout.flush()
        return message_id


_SAFE_KEY = re.compile(r"[^A-Za-z0-9_.-]")


class FileBackend:
    """One file per message: `<time>-<message id>[--<idempotency key>].sms`.

    With a key, a message already written under that key is not written again; its message
    id is returned instead (the way a provider with idempotency keys behaves). One worker
    sends a given notification at a time (the lease), so a check-then-write is enough here.
    """

    dedupes_by_idempotency_key = True

    def __init__(self, path: str | None = None) -> None:
        self.path = Path(path or settings.SMS_FILE_PATH)

    def send(self, to: str, text: str, *, idempotency_key: str | None = None) -> str:
        self.path.mkdir(parents=True, exist_ok=True)
        suffix = ""
        if idempotency_key:
            suffix = f"--{_SAFE_KEY.sub('_', idempotency_key)}"
            earlier = sorted(self.path.glob(f"*{suffix}.sms"))
            if earlier:
                return earlier[0].name.split("-", 2)[2].removesuffix(f"{suffix}.sms")
        message_id = uuid.uuid4().hex
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        final = self.path / f"{stamp}-{message_id}{suffix}.sms"
        # Write then rename: a reader (or a crash) never sees half a message under the name.
        partial = self.path / f".{message_id}.partial"
        partial.write_text(f"To: {to}\n\n{text}\n", encoding="utf-8")
        os.replace(partial, final)
        return message_id


class LocmemBackend:
    dedupes_by_idempotency_key = True

    def send(self, to: str, text: str, *, idempotency_key: str | None = None) -> str:
        with _outbox_lock:
            if idempotency_key:
                for message in outbox:
                    if message.idempotency_key == idempotency_key:
                        return message.message_id
            message_id = uuid.uuid4().hex
            outbox.append(
                SmsMessage(to=to, text=text, message_id=message_id, idempotency_key=idempotency_key)
            )
        return message_id


class TurboSmsBackend:
    """TurboSMS (turbosms.ua), a Ukrainian SMS provider: `POST message/send.json`, JSON, Bearer token.

    Settings: TURBOSMS_TOKEN, TURBOSMS_SENDER (a registered alpha name), TURBOSMS_API_URL,
    SMS_TIMEOUT (seconds, for the connection and for each read).

    TurboSMS documents no idempotency key, so `dedupes_by_idempotency_key` is False: a send
    whose answer never came back is not repeated automatically (see notifications.services).
    """

    dedupes_by_idempotency_key = False
    name = "TurboSMS"
    # Answers that mean "accepted"; the per-recipient result must then carry a message id.
    ACCEPTED = frozenset(
        {
            "OK",
            "SUCCESS_MESSAGE_ACCEPTED",
            "SUCCESS_MESSAGE_SENT",
            "SUCCESS_MESSAGE_PARTIAL_ACCEPTED",
            "SUCCESS_MESSAGE_PARTIAL_SENT",
        }
    )

    def __init__(
        self,
        *,
        api_url: str | None = None,
        token: str | None = None,
        sender: str | None = None,
        timeout: float | None = None,
    ) -> None:
        self.api_url = api_url or getattr(settings, "TURBOSMS_API_URL", TURBOSMS_DEFAULT_API_URL)
        self.token = token if token is not None else getattr(settings, "TURBOSMS_TOKEN", "")
        self.sender = sender if sender is not None else getattr(settings, "TURBOSMS_SENDER", "")
        self.timeout = timeout or float(getattr(settings, "SMS_TIMEOUT", DEFAULT_SMS_TIMEOUT))

    def send(self, to: str, text: str, *, idempotency_key: str | None = None) -> str:
        if not self.token or not self.sender:
            raise PermanentDeliveryError("TurboSMS is not configured: set TURBOSMS_TOKEN and TURBOSMS_SENDER")
        body = json.dumps(
            {"recipients": [to.removeprefix("+")], "sms": {"sender": self.sender, "text": text}},
            ensure_ascii=False,
        ).encode("utf-8")
        request = urllib.request.Request(  # noqa: S310 - the URL is our setting, https in production
            self.api_url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Accept": "application/json",
                "Authorization": f"Bearer {self.token}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                status, payload = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, payload = exc.code, _read_quietly(exc)
        except urllib.error.URLError as exc:
            # urllib wraps errors raised while connecting and sending: nothing reached TurboSMS.
            raise TemporaryDeliveryError(f"{self.name} unreachable: {exc.reason}") from exc
        except (TimeoutError, OSError, http.client.HTTPException) as exc:
            # The request went out and the answer did not come back: it may have been accepted.
            raise TemporaryDeliveryError(
                f"{self.name} did not answer: {type(exc).__name__}", maybe_delivered=True
            ) from exc
        return self._message_id_from(status, payload)

    def _message_id_from(self, status: int, payload: bytes) -> str:
        if status == 429 or status >= 500:
            raise delivery_error_for_http_status(self.name, status)
        try:
            answer: Any = json.loads(payload.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            answer = None
        if not isinstance(answer, dict):
            if 200 <= status < 300:
                # Accepted or not, we cannot tell.
                raise TemporaryDeliveryError(
                    f"{self.name} HTTP {status}: unreadable answer", maybe_delivered=True
                )
            raise delivery_error_for_http_status(self.name, status)
        code = answer.get("response_code")
        answer_status = str(answer.get("response_status") or "")
        if answer_status not in self.ACCEPTED:
            error = f"{self.name} HTTP {status}: {code} {answer_status}".strip()
            if answer_status == "FATAL_ERROR" or answer_status.startswith("FAILED_"):
                raise TemporaryDeliveryError(error)
            raise PermanentDeliveryError(error)
        results = answer.get("response_result") or []
        first = results[0] if isinstance(results, list) and results and isinstance(results[0], dict) else {}
        message_id = first.get("message_id")
        if first.get("response_code") not in (0, None) or not message_id:
            raise PermanentDeliveryError(
                f"{self.name} refused the recipient: {first.get('response_code')} {first.get('response_status')}"
            )
        return str(message_id)


def _read_quietly(response: urllib.error.HTTPError) -> bytes:
    try:
        return response.read()
    except (OSError, http.client.HTTPException):
        return b""


BUILTIN_BACKENDS: dict[str, type] = {
    "console": ConsoleBackend,
    "file": FileBackend,
    "locmem": LocmemBackend,
    "turbosms": TurboSmsBackend,
}


def get_backend_class(name: str | None = None) -> type:
    name = name or settings.SMS_BACKEND
    return BUILTIN_BACKENDS.get(name) or import_string(name)


def get_backend(name: str | None = None) -> SmsBackend:
    return get_backend_class(name)()
