"""The built-in SMS backends, and TurboSMS against a real local HTTP server replaying its answers."""

from __future__ import annotations

import socket

import pytest

from notifications import sms
from notifications.exceptions import PermanentDeliveryError, TemporaryDeliveryError
from notifications.tests.backends import sms_files
from notifications.tests.provider_server import Answer


class TestFileBackend:
    def test_writes_one_file_per_message_with_a_to_line_a_blank_line_and_the_text(self, tmp_path):
        backend = sms.FileBackend(str(tmp_path))

        first = backend.send("+380971112233", "Ваш код: 482913")
        second = backend.send("+380971112233", "Another")

        files = sms_files(tmp_path)
        assert len(files) == 2
        assert first != second
        texts = sorted(path.read_text(encoding="utf-8") for path in files)
        assert texts == ["To: +380971112233\n\nAnother\n", "To: +380971112233\n\nВаш код: 482913\n"]

    def test_a_repeated_idempotency_key_writes_nothing_and_returns_the_first_message_id(self, tmp_path):
        backend = sms.FileBackend(str(tmp_path))

        first = backend.send("+380971112233", "Код 482913", idempotency_key="notification-7-20260301")
        again = sms.FileBackend(str(tmp_path)).send(
            "+380971112233", "Код 482913", idempotency_key="notification-7-20260301"
        )

        [only] = sms_files(tmp_path)
        assert again == first
        assert first in only.name
        assert only.name.endswith("--notification-7-20260301.sms")

    def test_is_chosen_by_name_with_the_configured_folder(self, settings, tmp_path):
        settings.SMS_BACKEND = "file"
        settings.SMS_FILE_PATH = str(tmp_path / "sms")

        sms.get_backend().send("+380971112233", "Hi")

        assert len(sms_files(tmp_path / "sms")) == 1


class TestLocmemBackend:
    def test_keeps_messages_in_the_outbox_and_drops_a_repeated_key(self, sms_outbox):
        backend = sms.get_backend()

        first = backend.send("+380971112233", "One", idempotency_key="k1")
        repeated = backend.send("+380971112233", "One", idempotency_key="k1")
        other = backend.send("+380971112233", "Two")

        assert repeated == first
        assert [(message.text, message.message_id) for message in sms_outbox] == [
            ("One", first),
            ("Two", other),
        ]


class TestTurboSms:
    def test_an_accepted_message_returns_turbosms_message_id(self, turbosms):
        server = turbosms(Answer.recorded("turbosms/accepted.json"))

        message_id = sms.get_backend().send("+380971112233", "Ваш код: 482913", idempotency_key="k")

        assert message_id == "f83f8868-5e46-c6cf-e4fb-615e5a293754"
        [request] = server.received
        assert request.method == "POST"
        assert request.path == "/message/send.json"
        assert request.headers["authorization"] == "Bearer test-token"
        assert request.headers["content-type"].startswith("application/json")
        assert request.json() == {
            "recipients": ["380971112233"],
            "sms": {"sender": "Storefront", "text": "Ваш код: 482913"},
        }

    def test_a_refused_recipient_is_a_permanent_error_naming_the_reason(self, turbosms):
        turbosms(Answer.recorded("turbosms/recipient_refused.json"))

        with pytest.raises(PermanentDeliveryError, match="406 NOT_ALLOWED_RECIPIENT_COUNTRY"):
            sms.get_backend().send("+380971112233", "Hi")

    def test_a_request_turbosms_rejects_is_a_permanent_error(self, turbosms):
        turbosms(Answer.recorded("turbosms/token_missing.json"))

        with pytest.raises(PermanentDeliveryError, match="HTTP 400: 103 REQUIRED_TOKEN"):
            sms.get_backend().send("+380971112233", "Hi")

    def test_http_500_is_temporary_and_nothing_was_delivered(self, turbosms):
        turbosms(Answer.recorded("turbosms/server_error.json"))

        with pytest.raises(TemporaryDeliveryError, match="HTTP 500") as raised:
            sms.get_backend().send("+380971112233", "Hi")

        assert raised.value.maybe_delivered is False

    def test_no_answer_within_the_timeout_is_temporary_and_maybe_delivered(self, turbosms):
        server = turbosms(Answer.stalled(seconds=5), timeout=0.3)

        with pytest.raises(TemporaryDeliveryError, match="did not answer") as raised:
            sms.get_backend().send("+380971112233", "Hi")

        assert raised.value.maybe_delivered is True
        assert len(server.received) == 1

    def test_a_refused_connection_is_temporary_and_nothing_was_delivered(self, settings):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]  # closed again: nothing listens there
        settings.SMS_BACKEND = "turbosms"
        settings.TURBOSMS_API_URL = f"http://127.0.0.1:{port}/message/send.json"
        settings.TURBOSMS_TOKEN, settings.TURBOSMS_SENDER, settings.SMS_TIMEOUT = "t", "Storefront", 1

        with pytest.raises(TemporaryDeliveryError, match="unreachable") as raised:
            sms.get_backend().send("+380971112233", "Hi")

        assert raised.value.maybe_delivered is False

    def test_without_credentials_nothing_is_sent_and_the_error_says_what_to_set(self, turbosms, settings):
        server = turbosms(Answer.recorded("turbosms/accepted.json"))
        settings.TURBOSMS_TOKEN = ""

        with pytest.raises(PermanentDeliveryError, match="TURBOSMS_TOKEN"):
            sms.get_backend().send("+380971112233", "Hi")

        assert server.received == []

    def test_turbosms_is_not_trusted_to_drop_duplicates(self):
        assert sms.TurboSmsBackend.dedupes_by_idempotency_key is False
        assert sms.FileBackend.dedupes_by_idempotency_key is True
