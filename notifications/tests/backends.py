"""SMS backends for tests: stand-ins for providers, never for the code under test."""

from __future__ import annotations

import os
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from notifications.sms import FileBackend


@dataclass(frozen=True)
class Call:
    to: str
    text: str
    idempotency_key: str | None


class RecordingBackend:
    """Records every call and, like most SMS providers, drops no duplicates."""

    dedupes_by_idempotency_key = False
    calls: list[Call] = []
    _lock = threading.Lock()

    def send(self, to: str, text: str, *, idempotency_key: str | None = None) -> str:
        with self._lock:
            self.calls.append(Call(to=to, text=text, idempotency_key=idempotency_key))
        return f"rec-{uuid.uuid4().hex}"


class DedupingRecordingBackend(RecordingBackend):
    """Records every call; a provider that drops a repeated idempotency key."""

    dedupes_by_idempotency_key = True


class GatedFileBackend(FileBackend):
    """The file backend, but it stops before writing until a gate file exists.

    Used by the real-worker test: the worker announces it is mid-send by creating
    `<SMS_FILE_PATH>/reached-<key>`, then waits for `<SMS_FILE_PATH>/gate` — so the test can
    kill it at exactly that point. Once the gate exists, it sends like the file backend
    (which drops a repeated idempotency key).
    """

    GATE_TIMEOUT_SECONDS = 60

    def send(self, to: str, text: str, *, idempotency_key: str | None = None) -> str:
        self.path.mkdir(parents=True, exist_ok=True)
        (self.path / f"reached-{idempotency_key}").touch()
        gate = Path(self.path) / "gate"
        deadline = time.monotonic() + self.GATE_TIMEOUT_SECONDS
        while not gate.exists():
            if time.monotonic() > deadline:
                raise TimeoutError("the test never opened the gate")
            time.sleep(0.05)
        return super().send(to, text, idempotency_key=idempotency_key)


def sms_files(path: str | os.PathLike) -> list[Path]:
    return sorted(Path(path).glob("*.sms"))


class ExplodingBackend:
    """A provider SDK with a bug: raises an unexpected error that quotes the message text."""

    dedupes_by_idempotency_key = False

    def send(self, to: str, text: str, *, idempotency_key: str | None = None) -> str:
        raise RuntimeError(f"could not encode {text!r}")
