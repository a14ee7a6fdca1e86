"""A guest browses, filters, buys two products cash on delivery, then registers with the same
phone and finds the order in the order history."""

from __future__ import annotations

import re

import pytest

from e2e.conftest import new_page, screenshot
from e2e.helpers import add_product_with_shade, cart_count, fill_checkout, place_order
from orders.models import Order, OrderStatus

pytestmark = pytest.mark.browser


def test_guest_checkout_then_register_finds_the_order(browser, shop):
    context, page = new_page(browser)
    # Home page → catalog, filtered by a manufacturer with the plain GET form.
    page.goto(f"{shop}/")
    assert page.locator("h1").inner_text()
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(243, 246, 248)"
    screenshot(page, "home-1280")
    page.get_by_role("link", name="Go to the catalog").click()
    page.get_by_label("Медпласт").check()
    page.get_by_role("button", name="Show products").click()
    page.wait_for_url(re.compile(r"manufacturerId="))
    assert page.locator(".product-card").count() > 0
    assert all("Медпласт" in meta for meta in page.locator(".product-card__meta").all_inner_texts())
    screenshot(page, "catalog-filtered-1280")

    # Two products: one straight from the grid, one with a variant chosen on its page.
    card = page.locator(
        ".product-card", has=page.get_by_role("button", name=re.compile(r"^Add to cart"))
    ).first
    first_title = card.locator(".product-card__title").inner_text()
    card.get_by_role("button", name=re.compile(r"^Add to cart")).click()
    page.wait_for_load_state()
    assert "manufacturerId=" in page.url  # back to the filtered page it came from
    assert cart_count(page) == 1
    add_product_with_shade(page, shop)
    screenshot(page, "product-1280")
    assert cart_count(page) == 2

    page.locator(".site-header").get_by_role("link", name=re.compile(r"^Cart")).click()
    assert page.locator(".cart-line").count() == 2
    assert first_title in page.locator(".cart-table").inner_text()
    screenshot(page, "cart-1280")
    page.get_by_role("button", name="Check out").click()
    page.wait_for_url(f"{shop}/checkout")
    fill_checkout(page, phone="097 555 44 33")
    screenshot(page, "checkout-1280")
    order_id = place_order(page)

    assert page.url == f"{shop}/checkout/done/{order_id}"
    assert page.get_by_role("heading", name="Thank you for your order!").is_visible()
    assert f"№{order_id}" in page.locator(".done__number").inner_text()
    assert cart_count(page) == 0
    screenshot(page, "thank-you-1280")
    order = Order.objects.get(pk=order_id)
    assert (order.status, order.payment_method, order.customer_id) == (
        OrderStatus.RESERVED,
        "cash_on_delivery",
        None,
    )
    assert order.lines.count() == 2

    # Registering in the same browser with the same phone brings the order into the account.
    page.locator(".callout").get_by_role("link", name="Register").click()
    page.locator("#id_name").fill("Іван Петренко")
    page.locator("#id_phone").fill("+380975554433")
    page.locator("#id_email").fill("ivan.guest@example.com")
    page.locator("#id_password").fill("Sufficiently-long-9")
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(f"{shop}/profile")
    page.goto(f"{shop}/profile/orders")
    row = page.locator("tbody tr").first
    assert f"№{order_id}" in row.inner_text()
    assert "New" in row.inner_text()
    screenshot(page, "profile-orders-1280")
    row.get_by_role("link").click()
    assert page.get_by_role("heading", name=f"Order №{order_id}").is_visible()
    screenshot(page, "order-detail-1280")
    context.close()


def test_guest_looks_an_order_up_by_phone_and_number(browser, shop):
    context, page = new_page(browser)
    add_product_with_shade(page, shop)
    page.goto(f"{shop}/checkout")
    fill_checkout(page, phone="0671234567")
    order_id = place_order(page)

    other, lookup = new_page(browser)  # another browser altogether
    lookup.goto(f"{shop}/orders/lookup")
    lookup.locator("#id_number").fill(str(order_id))
    lookup.locator("#id_phone").fill("+38 067 123 45 67")
    lookup.get_by_role("button", name="Find the order").click()
    assert lookup.get_by_role("heading", name=f"Order №{order_id}").is_visible()
    screenshot(lookup, "order-lookup-1280")
    context.close()
    other.close()


def test_the_whole_purchase_works_with_javascript_off(browser, shop):
    context, page = new_page(browser, javascript=False)
    page.goto(f"{shop}/catalog/?sort=price")
    page.get_by_role("button", name=re.compile(r"^Add to cart")).first.click()
    page.goto(f"{shop}/cart")
    page.get_by_role("button", name="Check out").click()
    fill_checkout(page, phone="0509876543")
    page.get_by_label("Card online").check()
    order_id = place_order(page)
    assert page.url.endswith(f"/checkout/pay/{order_id}")
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()
    page.wait_for_url(f"{shop}/checkout/done/{order_id}")
    assert Order.objects.get(pk=order_id).status == OrderStatus.PAID
    context.close()
