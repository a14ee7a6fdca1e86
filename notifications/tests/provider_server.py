"""A real HTTP server on 127.0.0.1 that replays recorded provider answers, for adapter tests.

The adapter under test talks to it over a real socket with its real HTTP client; nothing
in the adapter is replaced.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

RECORDINGS = Path(__file__).parent / "recordings"


@dataclass(frozen=True)
class Answer:
    status: int
    payload: bytes
    content_type: str = "application/json"
    # Hold the answer until the test releases it (or this many seconds pass): a slow provider.
    stall_seconds: float = 0.0

    @classmethod
    def recorded(cls, name: str) -> Answer:
        data = json.loads((RECORDINGS / name).read_text(encoding="utf-8"))
        if "raw" in data:
            return cls(status=data["status"], payload=data["raw"].encode(), content_type="text/html")
        return cls(status=data["status"], payload=json.dumps(data["body"]).encode())

    @classmethod
    def stalled(cls, seconds: float = 5.0) -> Answer:
        return cls(status=200, payload=b"{}", stall_seconds=seconds)


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


@dataclass
class ProviderServer:
    """Answers requests in order from `answers`; the last one repeats when they run out."""

    answers: list[Answer]
    received: list[Received] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    url: str = ""

    def answer_for(self, index: int) -> Answer:
        return self.answers[min(index, len(self.answers) - 1)]


def _handler_for(server_state: ProviderServer) -> type[BaseHTTPRequestHandler]:
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            with lock:
                server_state.received.append(
                    Received(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                answer = server_state.answer_for(len(server_state.received) - 1)
            if answer.stall_seconds:
                server_state.release.wait(answer.stall_seconds)
            try:
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(answer.payload)))
                self.end_headers()
                self.wfile.write(answer.payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (the timeout test)

        def log_message(self, format: str, *args: object) -> None:
            return

    return Handler


def serve(answers: list[Answer]) -> Iterator[ProviderServer]:
    """A generator for a pytest fixture: yields the running server, stops it afterwards."""
    state = ProviderServer(answers=answers)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(state))
    httpd.daemon_threads = True
    host, port = httpd.server_address[:2]
    state.url = f"http://{host}:{port}/message/send.json"
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="provider-server", daemon=True
    )
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)
