"""Payments: sandbox outcomes drive the order and stock; signed callbacks; refunds."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import bearer
from inventory.models import Reservation, ReservationStatus, Stock
from notifications.tests.brokers import DEAD_BROKER_URL, broker
from orders import services as orders
from orders.models import CancelReason, Order, OrderStatus, PaymentMethod
from orders.tests.factories import stocked_product
from payments import services
from payments.gateways import get_gateway
from payments.models import Payment, PaymentCallback, PaymentStatus, Refund, RefundStatus
from payments.signatures import signature_header

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run after-commit work (Celery tasks, eager) as a real commit would."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def place(customer=None, *, method=PaymentMethod.CARD, on_hand=5, quantity=2, price="150.00") -> Order:
    product = stocked_product(on_hand=on_hand, price=price)
    return orders.order_place(
        items=[orders.OrderItemInput(product_id=product.pk, quantity=quantity)],
        phone="+380971112233",
        client_id="c1",
        customer=customer,
        payment_method=method,
    ).order


def _gateway_down(self, **kwargs):
    raise ConnectionError("the gateway did not answer")


def reserved_units(order: Order) -> int:
    return Stock.objects.get(product_id=order.lines.get().product_id).reserved


def signed_post(client, url: str, payload: dict, *, timestamp: int | None = None, secret: str | None = None):
    body = json.dumps(payload).encode()
    return client.generic(
        "POST",
        url,
        body,
        content_type="application/json",
        HTTP_X_SIGNATURE=signature_header(body, timestamp=timestamp, secret=secret),
    )


class TestSandboxCards:
    def test_sandbox_ok_pays_the_order_and_stops_the_expiry(self, customer, customer_client):
        order = place(customer)

        response = customer_client.post(f"/api/v1/orders/{order.pk}/pay", {"card": "sandbox_ok"})

        assert response.status_code == 201
        payment = Payment.objects.get()
        assert response.json() == {"paymentId": payment.pk, "status": "succeeded"}
        assert (payment.amount, payment.card_last4, payment.gateway) == (Decimal("300.00"), "4242", "sandbox")
        order.refresh_from_db()
        assert order.status == OrderStatus.PAID
        assert Reservation.objects.get(order=order).expires_at is None
        assert reserved_units(order) == 2

    @pytest.mark.parametrize(
        ("token", "code"),
        [
            ("sandbox_declined", "card_declined"),
            ("sandbox_insufficient", "insufficient_funds"),
            ("4111111111111111", "invalid_card_token"),
        ],
    )
    def test_a_failed_card_cancels_the_order_and_releases_stock(self, customer, customer_client, token, code):
        order = place(customer)

        response = customer_client.post(f"/api/v1/orders/{order.pk}/pay", {"card": token})

        assert response.status_code == 201
        assert response.json()["status"] == "failed"
        assert response.json()["failureCode"] == code
        order.refresh_from_db()
        assert (order.status, order.cancel_reason) == (OrderStatus.CANCELLED, CancelReason.PAYMENT_FAILED)
        assert Reservation.objects.get(order=order).status == ReservationStatus.RELEASED
        assert reserved_units(order) == 0

    def test_sandbox_pending_waits_for_a_callback(self, customer, customer_client):
        order = place(customer)

        response = customer_client.post(f"/api/v1/orders/{order.pk}/pay", {"card": "sandbox_pending"})

        assert response.json()["status"] == "pending"
        assert Order.objects.get(pk=order.pk).status == OrderStatus.RESERVED

    def test_paying_twice_returns_the_pending_payment_instead_of_charging_again(
        self, customer, customer_client
    ):
        order = place(customer)

        first = customer_client.post(f"/api/v1/orders/{order.pk}/pay", {"card": "sandbox_pending"})
        second = customer_client.post(f"/api/v1/orders/{order.pk}/pay", {"card": "sandbox_ok"})

        assert first.json()["paymentId"] == second.json()["paymentId"]
        assert Payment.objects.count() == 1

    def test_a_paid_or_cash_order_cannot_be_paid(self, customer, customer_client):
        cash = place(customer, method=PaymentMethod.CASH_ON_DELIVERY)
        paid = place(customer)
        customer_client.post(f"/api/v1/orders/{paid.pk}/pay", {"card": "sandbox_ok"})

        for order in (cash, paid):
            response = customer_client.post(f"/api/v1/orders/{order.pk}/pay", {"card": "sandbox_ok"})
            assert response.status_code == 409
            assert response.json()["code"] == "payment.notAllowed"
        assert Payment.objects.count() == 1

    def test_someone_elses_order_is_404(self, customer):
        from accounts.tests.factories import UserFactory

        order = place(customer)

        response = bearer(UserFactory()).post(f"/api/v1/orders/{order.pk}/pay", {"card": "sandbox_ok"})

        assert response.status_code == 404
        assert not Payment.objects.exists()


class TestSandboxPhone:
    def test_a_phone_payment_is_completed_by_the_sandboxs_signed_callback(
        self, customer, customer_client, run_on_commit
    ):
        order = place(customer, method=PaymentMethod.PHONE)

        response = run_on_commit(customer_client.post, f"/api/v1/orders/{order.pk}/pay", {})

        assert response.json()["status"] == "pending"
        payment = Payment.objects.get()
        assert payment.status == PaymentStatus.SUCCEEDED
        assert payment.phone == "+380971112233"
        assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID
        assert PaymentCallback.objects.get().applied is True

    def test_with_the_broker_down_a_phone_payment_starts_and_stays_pending(
        self, customer, customer_client, run_on_commit
    ):
        order = place(customer, method=PaymentMethod.PHONE)

        with broker(DEAD_BROKER_URL):
            response = run_on_commit(customer_client.post, f"/api/v1/orders/{order.pk}/pay", {})

        assert response.status_code == 201
        assert response.json()["status"] == "pending"
        assert Payment.objects.get().status == PaymentStatus.PENDING
        assert Order.objects.get(pk=order.pk).status == OrderStatus.RESERVED

    def test_a_phone_ending_in_0000_is_rejected(self, customer, customer_client):
        order = place(customer, method=PaymentMethod.PHONE)

        response = customer_client.post(f"/api/v1/orders/{order.pk}/pay", {"phone": "+380670000000"})

        assert response.json()["failureCode"] == "phone_payment_rejected"
        assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED


class TestPaymentsEndpoint:
    def test_amount_must_equal_what_the_order_owes(self, customer, customer_client):
        order = place(customer)
        body = {
            "orderId": order.pk,
            "amount": "299.99",
            "currency": "UAH",
            "method": "card",
            "cardToken": "sandbox_ok",
        }

        wrong = customer_client.post("/api/v1/payments", body)
        right = customer_client.post("/api/v1/payments", {**body, "amount": "300.00"})

        assert wrong.status_code == 400
        assert wrong.json()["code"] == "payment.amountMismatch"
        assert right.status_code == 201
        assert Payment.objects.count() == 1

    def test_get_payment_for_owner_and_404_for_others(self, customer, customer_client):
        from accounts.tests.factories import UserFactory

        order = place(customer)
        payment_id = customer_client.post(f"/api/v1/orders/{order.pk}/pay", {"card": "sandbox_ok"}).json()[
            "paymentId"
        ]

        mine = customer_client.get(f"/api/v1/payments/{payment_id}")
        theirs = bearer(UserFactory()).get(f"/api/v1/payments/{payment_id}")

        assert mine.json() == {
            "paymentId": payment_id,
            "orderId": order.pk,
            "status": "succeeded",
            "amount": 300,
            "currency": "UAH",
            "method": "card",
        }
        assert theirs.status_code == 404


class TestCallbacks:
    def _pending(self, customer, customer_client) -> tuple[Order, Payment]:
        order = place(customer)
        customer_client.post(f"/api/v1/orders/{order.pk}/pay", {"card": "sandbox_pending"})
        return order, Payment.objects.get()

    def test_a_signed_success_pays_the_order(self, api_client, customer, customer_client):
        order, payment = self._pending(customer, customer_client)

        response = signed_post(api_client, f"/api/v1/payments/{payment.pk}/notify", {"status": "succeeded"})

        assert response.status_code == 200
        assert response.json() == {"paymentId": payment.pk, "status": "succeeded"}
        assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID

    def test_the_order_callback_path_with_payment_id(self, api_client, customer, customer_client):
        order, payment = self._pending(customer, customer_client)

        response = signed_post(
            api_client,
            f"/api/v1/orders/{order.pk}/payment-status",
            {
                "paymentId": payment.pk,
                "status": "failed",
                "failureCode": "card_declined",
                "failureMessage": "Declined",
            },
        )

        assert response.status_code == 200
        payment.refresh_from_db()
        assert (payment.status, payment.failure_code) == ("failed", "card_declined")
        assert Order.objects.get(pk=order.pk).cancel_reason == CancelReason.PAYMENT_FAILED

    def test_the_order_callback_for_another_orders_payment_is_404(
        self, api_client, customer, customer_client
    ):
        _order, payment = self._pending(customer, customer_client)
        other = place(customer)

        response = signed_post(
            api_client,
            f"/api/v1/orders/{other.pk}/payment-status",
            {"paymentId": payment.pk, "status": "succeeded"},
        )

        assert response.status_code == 404
        assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PENDING

    @pytest.mark.parametrize(
        "tamper", ["wrong secret", "stale", "future", "missing", "garbage", "body changed"]
    )
    def test_a_bad_signature_is_401_and_changes_nothing(self, api_client, customer, customer_client, tamper):
        order, payment = self._pending(customer, customer_client)
        url = f"/api/v1/payments/{payment.pk}/notify"
        body = json.dumps({"status": "succeeded"}).encode()
        headers = {"HTTP_X_SIGNATURE": signature_header(body)}
        if tamper == "wrong secret":
            headers["HTTP_X_SIGNATURE"] = signature_header(body, secret="not-the-secret")
        elif tamper == "stale":
            headers["HTTP_X_SIGNATURE"] = signature_header(body, timestamp=int(time.time()) - 305)
        elif tamper == "future":
            headers["HTTP_X_SIGNATURE"] = signature_header(body, timestamp=int(time.time()) + 305)
        elif tamper == "missing":
            headers = {}
        elif tamper == "garbage":
            headers["HTTP_X_SIGNATURE"] = "t=abc,v1=zzz"
        else:
            body = json.dumps({"status": "succeeded", "extra": 1}).encode()

        response = api_client.generic("POST", url, body, content_type="application/json", **headers)

        assert response.status_code == 401
        assert response.json()["code"] == "payment.invalidSignature"
        assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PENDING
        assert Order.objects.get(pk=order.pk).status == OrderStatus.RESERVED
        assert not PaymentCallback.objects.exists()

    def test_a_replayed_callback_changes_nothing_the_second_time(self, api_client, customer, customer_client):
        order, payment = self._pending(customer, customer_client)
        url = f"/api/v1/payments/{payment.pk}/notify"

        first = signed_post(api_client, url, {"status": "succeeded"})
        second = signed_post(api_client, url, {"status": "succeeded"})

        assert first.status_code == second.status_code == 200
        assert [c.applied for c in PaymentCallback.objects.all()] == [True, False]
        assert order.events.filter(to_status=OrderStatus.PAID).count() == 1

    def test_a_failure_arriving_after_success_is_ignored(self, api_client, customer, customer_client):
        order, payment = self._pending(customer, customer_client)
        url = f"/api/v1/payments/{payment.pk}/notify"

        signed_post(api_client, url, {"status": "succeeded"})
        late = signed_post(api_client, url, {"status": "failed", "failureCode": "card_declined"})

        assert late.json()["status"] == "succeeded"
        assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID

    def test_a_late_success_for_a_cancelled_order_is_recorded_and_refunded(
        self, api_client, customer, customer_client, run_on_commit
    ):
        order, payment = self._pending(customer, customer_client)
        orders.order_cancel(order_id=order.pk, reason=CancelReason.CUSTOMER)

        response = run_on_commit(
            signed_post, api_client, f"/api/v1/payments/{payment.pk}/notify", {"status": "succeeded"}
        )

        assert response.status_code == 200
        payment.refresh_from_db()
        assert payment.status == PaymentStatus.REFUNDED
        assert Refund.objects.get().amount == payment.amount
        assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED

    def test_a_malformed_signed_body_is_400(self, api_client, customer, customer_client):
        _, payment = self._pending(customer, customer_client)

        response = signed_post(api_client, f"/api/v1/payments/{payment.pk}/notify", {"status": "maybe"})

        assert response.status_code == 400
        assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PENDING


class TestRefunds:
    def _paid(self, customer, customer_client) -> Payment:
        order = place(customer)
        customer_client.post(f"/api/v1/orders/{order.pk}/pay", {"card": "sandbox_ok"})
        return Payment.objects.get()

    def test_cancelling_a_paid_order_refunds_it_in_full_and_returns_stock(
        self, customer, customer_client, run_on_commit
    ):
        payment = self._paid(customer, customer_client)

        response = run_on_commit(
            customer_client.post, f"/api/v1/orders/{payment.order_id}/cancel", {"reason": "не треба"}
        )

        assert response.status_code == 200
        payment.refresh_from_db()
        assert payment.status == PaymentStatus.REFUNDED
        assert payment.refunded_amount == payment.amount
        assert Refund.objects.get().status == RefundStatus.SUCCEEDED
        assert reserved_units(payment.order) == 0

    def test_with_the_broker_down_a_paid_cancel_succeeds_and_the_sweeper_refunds_it_later(
        self, customer, customer_client, run_on_commit, time_machine
    ):
        time_machine.move_to(timezone.now(), tick=False)
        payment = self._paid(customer, customer_client)

        with broker(DEAD_BROKER_URL):
            response = run_on_commit(
                customer_client.post, f"/api/v1/orders/{payment.order_id}/cancel", {"reason": "не треба"}
            )

        assert response.status_code == 200
        assert Order.objects.get(pk=payment.order_id).status == OrderStatus.CANCELLED
        assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.SUCCEEDED  # still owed
        assert services.refunds_retry_owed() == 0  # within the grace period: its own task's turn

        time_machine.shift(services.OWED_REFUND_GRACE + timedelta(seconds=1))
        assert services.refunds_retry_owed() == 1
        assert services.refunds_retry_owed() == 0  # nothing owed any more

        payment.refresh_from_db()
        assert (payment.status, payment.refunded_amount) == (PaymentStatus.REFUNDED, payment.amount)
        assert Refund.objects.get().status == RefundStatus.SUCCEEDED

    def test_the_sweeper_retries_a_refund_the_gateway_refused_and_then_leaves_it_to_staff(
        self, customer, customer_client, run_on_commit, time_machine, monkeypatch
    ):
        time_machine.move_to(timezone.now(), tick=False)
        payment = self._paid(customer, customer_client)
        # The gateway is the boundary being simulated: every refund call fails.
        monkeypatch.setattr(type(get_gateway(payment.gateway)), "refund", _gateway_down)
        run_on_commit(customer_client.post, f"/api/v1/orders/{payment.order_id}/cancel", {"reason": "x"})
        time_machine.shift(services.OWED_REFUND_GRACE + timedelta(seconds=1))

        tries = [services.refunds_retry_owed() for _ in range(services.MAX_FAILED_REFUNDS + 1)]

        # The cancel's own task failed once; the sweeper tries until the limit, then stops.
        assert tries == [1] * (services.MAX_FAILED_REFUNDS - 1) + [0, 0]
        assert Refund.objects.filter(status=RefundStatus.FAILED).count() == services.MAX_FAILED_REFUNDS
        payment.refresh_from_db()
        assert (payment.status, payment.refunded_amount) == (PaymentStatus.SUCCEEDED, Decimal("0"))

    def test_staff_partial_refunds_never_exceed_what_was_paid(self, customer, customer_client, staff_client):
        payment = self._paid(customer, customer_client)
        url = "/api/v1/refunds"
        body = {"orderId": payment.order_id, "paymentId": payment.pk}

        first = staff_client.post(url, {**body, "amount": "100.00"})
        too_much = staff_client.post(url, {**body, "amount": "200.01"})
        rest = staff_client.post(url, {**body, "amount": "200.00"})

        assert first.status_code == 201
        assert first.json()["status"] == "succeeded"
        assert too_much.status_code == 400
        assert too_much.json()["code"] == "payment.refundTooLarge"
        assert rest.status_code == 201
        payment.refresh_from_db()
        assert payment.status == PaymentStatus.REFUNDED
        assert Refund.objects.count() == 2

    def test_a_partial_refund_marks_the_payment_partially_refunded(
        self, customer, customer_client, staff_client
    ):
        payment = self._paid(customer, customer_client)

        response = staff_client.post(
            "/api/v1/refunds", {"orderId": payment.order_id, "paymentId": payment.pk, "amount": "50"}
        )
        detail = staff_client.get(f"/api/v1/refunds/{response.json()['refundId']}")

        assert Payment.objects.get(pk=payment.pk).status == PaymentStatus.PARTIALLY_REFUNDED
        assert detail.json() == {
            "refundId": response.json()["refundId"],
            "paymentId": payment.pk,
            "orderId": payment.order_id,
            "status": "succeeded",
            "amount": 50,
            "currency": "UAH",
        }

    def test_refunds_are_staff_only(self, customer, customer_client):
        payment = self._paid(customer, customer_client)

        response = customer_client.post(
            "/api/v1/refunds", {"orderId": payment.order_id, "paymentId": payment.pk, "amount": "10"}
        )

        assert response.status_code == 403
        assert not Refund.objects.exists()

    def test_refund_with_a_mismatched_order_is_400(self, customer, customer_client, staff_client):
        payment = self._paid(customer, customer_client)

        response = staff_client.post(
            "/api/v1/refunds", {"orderId": 999, "paymentId": payment.pk, "amount": "10"}
        )

        assert response.status_code == 400
        assert not Refund.objects.exists()

    def test_a_failed_payment_cannot_be_refunded(self, customer, customer_client):
        order = place(customer)
        customer_client.post(f"/api/v1/orders/{order.pk}/pay", {"card": "sandbox_declined"})

        with pytest.raises(services.RefundNotAllowed):
            services.refund_create(payment_id=Payment.objects.get().pk)
