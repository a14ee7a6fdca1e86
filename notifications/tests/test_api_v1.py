"""Platform API v1, Notification: staff send and look up notifications."""

from __future__ import annotations

import pytest
from django.core import mail

from config.api import iso_utc
from notifications.models import Notification, NotificationStatus
from notifications.tests.factories import NotificationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("notifications.tests.urls")]

SEND = "/api/v1/notifications/send"
RESET = {
    "channel": "email",
    "to": "olena@example.com",
    "template": "password_reset",
    "variables": {"token": "abc-123"},
}


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["statusCode"] == status
    assert body["code"] == code
    assert body["error"]
    assert body["message"]
    return body


class TestAccess:
    def test_without_a_token_send_and_lookup_answer_401(self, api_client, db):
        row = NotificationFactory()

        assert_error(api_client.post(SEND, RESET, format="json"), 401, "auth.unauthorized")
        assert_error(api_client.get(f"/api/v1/notifications/{row.pk}"), 401, "auth.unauthorized")
        assert Notification.objects.count() == 1

    def test_a_customer_gets_403_and_nothing_is_written(self, customer_api):
        row = NotificationFactory()

        assert_error(customer_api.post(SEND, RESET, format="json"), 403, "forbidden")
        assert_error(customer_api.get(f"/api/v1/notifications/{row.pk}"), 403, "forbidden")
        assert Notification.objects.count() == 1


class TestSend:
    def test_staff_queue_an_email_and_get_202_with_its_id_and_it_is_sent_after_commit(
        self, staff_api, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = staff_api.post(SEND, RESET, format="json")

        assert response.status_code == 202
        row = Notification.objects.get()
        assert response.json() == {"notificationId": row.pk, "status": "queued"}
        assert (row.channel, row.to, row.event, row.language) == (
            "email",
            "olena@example.com",
            "password_reset",
            "uk",
        )
        row.refresh_from_db()
        assert row.status == NotificationStatus.SENT
        assert "http://localhost:8000/reset-password?token=abc-123" in mail.outbox[0].body

    def test_an_sms_number_is_stored_in_e164(self, staff_api):
        response = staff_api.post(
            SEND,
            {
                "channel": "sms",
                "to": "097 111 22 33",
                "template": "phone_verification",
                "variables": {"code": "482913"},
            },
            format="json",
        )

        assert response.status_code == 202
        assert Notification.objects.get().to == "+380971112233"

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"template": "birthday"}, "template"),
            ({"channel": "fax"}, "channel"),
            ({"to": "not-an-email"}, "to"),
            ({"channel": "sms", "to": "12345"}, "to"),
            ({"variables": "token=abc"}, "variables"),
            ({"language": "de"}, "language"),
        ],
    )
    def test_invalid_input_is_400_naming_the_field_and_nothing_is_written(self, staff_api, change, field):
        response = staff_api.post(SEND, {**RESET, **change}, format="json")

        body = assert_error(response, 400, "validation")
        assert field in body["fields"]
        assert isinstance(body["message"], list)
        assert not Notification.objects.exists()

    def test_missing_template_variables_are_400_and_nothing_is_written(self, staff_api):
        response = staff_api.post(
            SEND, {**RESET, "variables": {}}, format="json", headers={"accept-language": "en"}
        )

        body = assert_error(response, 400, "validation")
        assert body["message"] == ["variables.token is required for this template"]
        assert not Notification.objects.exists()

    def test_missing_fields_are_400(self, staff_api):
        body = assert_error(staff_api.post(SEND, {}, format="json"), 400, "validation")

        assert set(body["fields"]) == {"channel", "to", "template"}


class TestLookup:
    def test_staff_see_a_queued_notification_without_an_error_message(self, staff_api):
        row = NotificationFactory()

        response = staff_api.get(f"/api/v1/notifications/{row.pk}")

        assert response.status_code == 200
        assert response.json() == {
            "notificationId": row.pk,
            "status": "queued",
            "channel": "sms",
            "to": row.to,
            "template": "phone_verification",
            "createdAt": iso_utc(row.created_at),
        }
        assert response.json()["createdAt"].endswith("Z")

    def test_a_failed_notification_carries_its_error_message(self, staff_api):
        row = NotificationFactory(status=NotificationStatus.FAILED, error_message="TurboSMS HTTP 500")

        body = staff_api.get(f"/api/v1/notifications/{row.pk}").json()

        assert body["status"] == "failed"
        assert body["errorMessage"] == "TurboSMS HTTP 500"

    @pytest.mark.parametrize("notification_id", ["987654", "99999999999999999999999", "abc"])
    def test_an_unknown_id_is_a_json_404(self, staff_api, notification_id):
        response = staff_api.get(f"/api/v1/notifications/{notification_id}")

        assert_error(response, 404, "not_found")
