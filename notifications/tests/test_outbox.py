"""Writing the outbox: same transaction as the event, channel policy, consent, validation."""

from __future__ import annotations

import logging

import pytest
from django.core import mail
from django.db import transaction

from notifications.exceptions import (
    InvalidNotification,
    InvalidRecipient,
    InvalidVariables,
    MarketingNotAllowed,
)
from notifications.models import (
    Notification,
    NotificationChannel,
    NotificationEvent,
    NotificationKind,
    NotificationStatus,
)
from notifications.services import notification_queue, notify_event
from notifications.tests.brokers import DEAD_BROKER_URL, broker
from notifications.tests.factories import OrderFactory, UserFactory

pytestmark = pytest.mark.django_db

CODE = {"code": "482913", "minutes": 10}


def queue_code(**overrides: object) -> Notification:
    arguments = {
        "event": NotificationEvent.PHONE_VERIFICATION,
        "channel": NotificationChannel.SMS,
        "to": "+380971112233",
        "variables": CODE,
    }
    arguments.update(overrides)
    return notification_queue(**arguments)


class TestSameTransaction:
    def test_a_rolled_back_event_leaves_no_notification_and_sends_nothing(
        self, sms_outbox, django_capture_on_commit_callbacks
    ):
        def place_an_order_that_fails_after_queueing_its_message() -> None:
            with transaction.atomic():
                queue_code()
                raise RuntimeError("the order placement failed after the message was queued")

        with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
            place_an_order_that_fails_after_queueing_its_message()

        assert not Notification.objects.exists()
        assert callbacks == []
        assert sms_outbox == []

    @pytest.mark.django_db(transaction=True)
    def test_the_message_leaves_only_after_the_event_commits(self, sms_outbox):
        with transaction.atomic():
            row = queue_code()
            assert Notification.objects.get().status == NotificationStatus.QUEUED
            assert sms_outbox == []

        row.refresh_from_db()
        assert row.status == NotificationStatus.SENT
        assert [message.to for message in sms_outbox] == ["+380971112233"]

    @pytest.mark.django_db(transaction=True)
    def test_a_broker_outage_at_commit_keeps_the_row_queued_and_does_not_fail_the_caller(
        self, sms_outbox, caplog
    ):
        with (
            broker(DEAD_BROKER_URL),
            caplog.at_level(logging.WARNING, logger="notifications"),
            transaction.atomic(),
        ):
            row = queue_code(variables={"code": "771204", "minutes": 10})

        row.refresh_from_db()
        assert row.status == NotificationStatus.QUEUED
        assert row.attempts == 0
        assert sms_outbox == []
        assert "broker unreachable" in caplog.text
        assert "771204" not in caplog.text


class TestChannelPolicy:
    def test_an_order_event_goes_by_email_and_by_sms_to_the_orders_phone(self):
        customer = UserFactory(email="olena@example.com", phone="+380501234567", language="en")
        order = OrderFactory(customer=customer, email="olena@example.com", phone="+380671234567")

        rows = notify_event(event=NotificationEvent.ORDER_PAID, order=order)

        assert sorted((row.channel, row.to) for row in rows) == [
            ("email", "olena@example.com"),
            ("sms", "+380671234567"),
        ]
        for row in rows:
            assert row.language == "en"
            assert row.user == customer
            assert row.order == order
            assert row.kind == NotificationKind.TRANSACTIONAL
            assert row.variables["order_id"] == order.pk
            assert row.variables["total"] == "1250.50"
            assert row.variables["currency"] == "UAH"

    def test_without_any_email_an_order_event_goes_by_sms_only(self):
        customer = UserFactory(email=None, phone="+380501234567")
        order = OrderFactory(customer=customer, email="")

        rows = notify_event(event=NotificationEvent.ORDER_CREATED, order=order)

        assert [(row.channel, row.to) for row in rows] == [("sms", order.phone)]

    def test_a_guests_order_uses_the_orders_email_and_language(self):
        order = OrderFactory(customer=None, email="guest@example.com", language="en")

        rows = notify_event(event=NotificationEvent.ORDER_CONFIRMED, order=order)

        assert {row.channel for row in rows} == {"email", "sms"}
        assert {row.language for row in rows} == {"en"}
        assert {row.user for row in rows} == {None}

    def test_an_unusable_phone_on_an_order_skips_the_sms_and_never_fails_the_order(self):
        order = OrderFactory(phone="not a phone")

        rows = notify_event(event=NotificationEvent.ORDER_CANCELLED, order=order)

        assert [row.channel for row in rows] == ["email"]

    def test_the_given_language_wins_and_unknown_languages_fall_back_to_ukrainian(self):
        user = UserFactory(language="en")

        given = notify_event(
            event=NotificationEvent.EMAIL_VERIFICATION,
            variables=CODE,
            user=user,
            email="a@b.ua",
            language="uk",
        )
        odd = notify_event(
            event=NotificationEvent.EMAIL_VERIFICATION, variables=CODE, email="a@b.ua", language="de"
        )

        assert given[0].language == "uk"
        assert odd[0].language == "uk"


class TestConsentAndValidation:
    def test_marketing_without_opt_in_is_refused_and_nothing_is_written(self):
        user = UserFactory(marketing_opt_in=False)

        with pytest.raises(MarketingNotAllowed):
            queue_code(kind=NotificationKind.MARKETING, user=user)
        with pytest.raises(MarketingNotAllowed):
            queue_code(kind=NotificationKind.MARKETING, user=None)

        assert not Notification.objects.exists()

    def test_marketing_with_opt_in_is_queued(self):
        user = UserFactory(marketing_opt_in=True)

        row = queue_code(kind=NotificationKind.MARKETING, user=user)

        assert row.kind == NotificationKind.MARKETING
        assert row.status == NotificationStatus.QUEUED

    def test_transactional_messages_need_no_opt_in(self):
        row = queue_code(user=UserFactory(marketing_opt_in=False))

        assert row.kind == NotificationKind.TRANSACTIONAL

    @pytest.mark.parametrize(
        ("overrides", "error"),
        [
            ({"event": "birthday"}, InvalidNotification),
            ({"channel": "fax"}, InvalidNotification),
            ({"to": "12"}, InvalidRecipient),
            ({"channel": "email", "to": "not-an-email"}, InvalidRecipient),
            ({"variables": {"minutes": 10}}, InvalidVariables),
            ({"variables": {"code": {"nested": True}}}, InvalidVariables),
        ],
    )
    def test_invalid_requests_are_refused_and_nothing_is_written(self, overrides, error):
        with pytest.raises(error):
            queue_code(**overrides)

        assert not Notification.objects.exists()

    def test_a_phone_is_stored_in_e164(self):
        row = queue_code(to="097 111 22 33")

        assert row.to == "+380971112233"


class TestIdentityMessages:
    def test_a_password_reset_writes_one_email_row_in_the_users_language(
        self, django_capture_on_commit_callbacks
    ):
        from accounts.services import password_reset_request

        user = UserFactory(email="ivan@example.com", language="en")

        with django_capture_on_commit_callbacks(execute=True):
            password_reset_request(email="ivan@example.com")

        row = Notification.objects.get()
        assert (row.event, row.channel, row.to, row.language) == ("password_reset", "email", user.email, "en")
        assert row.status == NotificationStatus.SENT
        assert mail.outbox[0].subject == "Password reset"

    def test_the_reset_token_is_scrubbed_once_sent_and_never_logged(
        self, django_capture_on_commit_callbacks, caplog
    ):
        from accounts.services import password_reset_request

        UserFactory(email="ivan@example.com")

        with caplog.at_level(logging.DEBUG), django_capture_on_commit_callbacks(execute=True):
            password_reset_request(email="ivan@example.com")

        link = next(line for line in mail.outbox[0].body.splitlines() if "token=" in line)
        token = link.split("token=")[1]
        row = Notification.objects.get()
        assert row.variables["token"] == "[scrubbed]"
        assert token not in str(row.variables)
        assert token not in caplog.text
