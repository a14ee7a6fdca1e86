"""The outbox in the admin: filters, search, masked secrets, the resend action."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from notifications.models import Notification, NotificationChannel, NotificationEvent, NotificationStatus
from notifications.tests.factories import NotificationFactory, OrderFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/notifications/notification/"


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser(email="admin@example.com", password="Admin-password-1"))
    return client


def test_the_list_filters_by_status_channel_and_event(admin_client):
    NotificationFactory(to="+380671111111", status=NotificationStatus.FAILED)
    NotificationFactory(to="+380672222222", status=NotificationStatus.SENT)
    NotificationFactory(
        to="olena@example.com", channel=NotificationChannel.EMAIL, event=NotificationEvent.EMAIL_VERIFICATION
    )

    failed = admin_client.get(CHANGELIST, {"status__exact": "failed"})
    emails = admin_client.get(CHANGELIST, {"channel__exact": "email", "event__exact": "email_verification"})

    assert failed.status_code == emails.status_code == 200
    assert "+380671111111" in failed.text
    assert "+380672222222" not in failed.text
    assert "olena@example.com" in emails.text
    assert "+380671111111" not in emails.text


def test_search_finds_by_recipient_and_by_order_id(admin_client):
    order = OrderFactory()
    NotificationFactory(to="+380671111111", order=order)
    NotificationFactory(to="+380672222222")

    by_order = admin_client.get(CHANGELIST, {"q": str(order.pk)})
    by_phone = admin_client.get(CHANGELIST, {"q": "380672222222"})
    by_word = admin_client.get(CHANGELIST, {"q": "nothing-like-this"})

    assert "+380671111111" in by_order.text
    assert "+380672222222" not in by_order.text
    assert "+380672222222" in by_phone.text
    assert by_word.status_code == 200


def test_the_list_costs_the_same_queries_for_2_rows_as_for_20(admin_client):
    def queries_for_list() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(CHANGELIST).status_code == 200
        return len(captured)

    for _ in range(2):
        NotificationFactory(order=OrderFactory(), user=UserFactory())
    few = queries_for_list()
    for _ in range(18):
        NotificationFactory(order=OrderFactory(), user=UserFactory())

    assert queries_for_list() == few


def test_the_detail_page_masks_codes_and_tokens_and_offers_no_editing(admin_client):
    row = NotificationFactory(variables={"code": "482913", "minutes": 10})
    reset = NotificationFactory(
        channel=NotificationChannel.EMAIL,
        to="a@example.com",
        event=NotificationEvent.PASSWORD_RESET,
        variables={"token": "Sup3r-Secret_Token", "minutes": 30},
    )

    page = admin_client.get(f"{CHANGELIST}{row.pk}/change/")
    reset_page = admin_client.get(f"{CHANGELIST}{reset.pk}/change/")
    edit = admin_client.post(f"{CHANGELIST}{row.pk}/change/", {"to": "+380500000000"})

    assert page.status_code == reset_page.status_code == 200
    assert "482913" not in page.text
    assert "Sup3r-Secret_Token" not in reset_page.text
    assert "••••••" in page.text
    assert "minutes" in page.text
    assert edit.status_code == 403
    row.refresh_from_db()
    assert row.to != "+380500000000"


def test_the_resend_action_queues_failed_rows_sends_them_and_skips_sent_ones(
    admin_client, sms_outbox, django_capture_on_commit_callbacks
):
    failed = NotificationFactory(
        status=NotificationStatus.FAILED, attempts=6, error_message="TurboSMS HTTP 500"
    )
    sent = NotificationFactory(status=NotificationStatus.SENT, attempts=1)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            CHANGELIST,
            {"action": "resend_failed", "_selected_action": [failed.pk, sent.pk]},
            follow=True,
            headers={"accept-language": "en"},
        )

    assert response.status_code == 200
    assert "1 failed notification was queued again." in response.text
    assert "1 notification was skipped" in response.text
    failed.refresh_from_db()
    assert failed.status == NotificationStatus.SENT
    assert [message.idempotency_key for message in sms_outbox] == [failed.idempotency_key]
    assert Notification.objects.get(pk=sent.pk).attempts == 1


def test_staff_without_the_change_permission_see_no_resend_action(client):
    from django.contrib.auth.models import Permission

    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_notification"))
    client.force_login(viewer)
    NotificationFactory(status=NotificationStatus.FAILED)

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    assert "resend_failed" not in response.text
