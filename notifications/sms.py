"""Pluggable SMS backends, chosen by the SMS_BACKEND setting.

`console` prints, `file` writes one file per message into SMS_FILE_PATH (a `To:` line, a
blank line, the text), `locmem` keeps messages in `outbox` for tests; a dotted path names
any class with `send(to, text) -> message_id`.
"""

from __future__ import annotations

import sys
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class SmsBackend(Protocol):
    def send(self, to: str, text: str) -> str: ...


@dataclass(frozen=True)
class SmsMessage:
    to: str
    text: str
    message_id: str


# The locmem backend's outbox, like django.core.mail.outbox.
outbox: list[SmsMessage] = []
_outbox_lock = threading.Lock()


class ConsoleBackend:
    def send(self, to: str, text: str) -> str:
        message_id = uuid.uuid4().hex
        sys.stdout.write(f"SMS to {to} [{message_id}]\n{text}\n{'-' * 40}\n")
        sys.stdout.flush()
        return message_id


class FileBackend:
    def __init__(self, path: str | None = None) -> None:
        self.path = Path(path or settings.SMS_FILE_PATH)

    def send(self, to: str, text: str) -> str:
        self.path.mkdir(parents=True, exist_ok=True)
        message_id = uuid.uuid4().hex
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        (self.path / f"{stamp}-{message_id}.sms").write_text(f"To: {to}\n\n{text}\n", encoding="utf-8")
        return message_id


class LocmemBackend:
    def send(self, to: str, text: str) -> str:
        message_id = uuid.uuid4().hex
        with _outbox_lock:
            outbox.append(SmsMessage(to=to, text=text, message_id=message_id))
        return message_id


BUILTIN_BACKENDS: dict[str, type] = {
    "console": ConsoleBackend,
    "file": FileBackend,
    "locmem": LocmemBackend,
}


def get_backend(name: str | None = None) -> SmsBackend:
    name = name or settings.SMS_BACKEND
    backend_class = BUILTIN_BACKENDS.get(name) or import_string(name)
    return backend_class()
