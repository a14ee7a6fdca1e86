"""A logged-in shopper pays by the sandbox card: success, then a declined card."""

from __future__ import annotations

import re

import pytest

from accounts.tests.factories import UserFactory
from e2e.conftest import screenshot
from e2e.helpers import add_product_with_shade, fill_checkout, log_in, place_order
from orders.models import Order, OrderStatus

pytestmark = pytest.mark.browser


def checkout_by_card(page, shop) -> int:
    add_product_with_shade(page, shop)
    page.goto(f"{shop}/checkout")
    fill_checkout(page, phone=None)
    page.get_by_label("Card online").check()
    order_id = place_order(page)
    assert page.url == f"{shop}/checkout/pay/{order_id}"
    return order_id


def test_pay_by_card_success_and_decline(page, shop):
    UserFactory(email="olena@example.com", phone="+380661112233", first_name="Олена")
    log_in(page, shop, "olena@example.com")

    # Success: the order is paid, its page says so.
    paid_id = checkout_by_card(page, shop)
    screenshot(page, "pay-1280")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    page.wait_for_url(f"{shop}/checkout/done/{paid_id}")
    assert page.locator(".done__status").get_by_text("Paid").is_visible()
    assert Order.objects.get(pk=paid_id).status == OrderStatus.PAID
    page.goto(f"{shop}/profile/orders/{paid_id}")
    assert "Processing" in page.locator(".page-head").inner_text()
    assert "Payment received" in page.locator(".timeline").inner_text()
    assert "Paid" in page.locator(".facts").inner_text()

    # Decline: the order is cancelled and its stock released.
    declined_id = checkout_by_card(page, shop)
    page.get_by_label(re.compile("declined")).check()
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    page.wait_for_url(f"{shop}/checkout/done/{declined_id}")
    assert page.get_by_role("heading", name=f"Order №{declined_id} is cancelled").is_visible()
    screenshot(page, "payment-declined-1280")
    order = Order.objects.get(pk=declined_id)
    assert (order.status, order.cancel_reason) == (OrderStatus.CANCELLED, "payment_failed")
    page.goto(f"{shop}/profile/orders")
    assert "Cancelled" in page.locator("tbody tr").first.inner_text()


def test_customer_cancels_an_order_from_its_page(page, shop):
    UserFactory(email="petro@example.com", phone="+380661112244")
    log_in(page, shop, "petro@example.com")
    add_product_with_shade(page, shop)
    page.goto(f"{shop}/checkout")
    fill_checkout(page, phone=None)
    order_id = place_order(page)

    page.goto(f"{shop}/profile/orders/{order_id}")
    page.get_by_role("button", name="Cancel the order").click()
    page.wait_for_load_state()
    assert "Cancelled" in page.locator(".page-head").inner_text()
    assert page.get_by_role("button", name="Cancel the order").count() == 0
    assert Order.objects.get(pk=order_id).status == OrderStatus.CANCELLED
