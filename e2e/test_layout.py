"""Layout checks in a real browser: nothing overflows a 360 px phone, labels, heading order,
visible focus, styles and scripts served by the shop itself (nothing from other hosts)."""

from __future__ import annotations

import pytest

from accounts.tests.factories import UserFactory
from e2e.conftest import new_page, screenshot
from e2e.helpers import add_product_with_shade, fill_checkout, log_in, place_order

pytestmark = pytest.mark.browser

AUDIT = """() => {
  const problems = [];
  for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
    const byFor = el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`);
    if (!(byFor || el.closest('label') || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby'))) {
      problems.push('unlabelled ' + (el.name || el.outerHTML.slice(0, 60)));
    }
  }
  let last = 0;
  for (const heading of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
    const level = Number(heading.tagName[1]);
    if (level > last + 1) problems.push('heading skips to ' + heading.tagName + ': ' + heading.textContent.trim().slice(0, 40));
    last = level;
  }
  if (document.querySelectorAll('main h1').length !== 1) problems.push('main needs exactly one h1');
  for (const link of document.querySelectorAll('a:not([href])')) problems.push('a link without href');
  for (const button of document.querySelectorAll('button')) {
    if (!button.textContent.trim() && !button.getAttribute('aria-label')) problems.push('a button without a name');
  }
  return problems;
}"""


def page_urls(shop: str, order_id: int) -> dict[str, str]:
    return {
        "home": f"{shop}/",
        "catalog": f"{shop}/catalog/?category=terapiia",
        "product": f"{shop}/catalog/kompozyt-filtek-z250-shpryts-4-h/",
        "cart": f"{shop}/cart",
        "checkout": f"{shop}/checkout",
        "thank-you": f"{shop}/checkout/done/{order_id}",
        "lookup": f"{shop}/orders/lookup",
        "profile": f"{shop}/profile",
        "orders": f"{shop}/profile/orders",
        "order": f"{shop}/profile/orders/{order_id}",
        "addresses": f"{shop}/profile/addresses",
        "favorites": f"{shop}/profile/favorites",
        "not-found": f"{shop}/no-such-page",
    }


def test_main_pages_fit_a_360px_phone_and_pass_the_basic_audit(browser, shop):
    UserFactory(email="phone@example.com", phone="+380931112233")
    context, page = new_page(browser, width=360, height=780)
    requested_hosts: set[str] = set()
    page.on("request", lambda request: requested_hosts.add(request.url.split("/")[2]))
    log_in(page, shop, "phone@example.com")
    add_product_with_shade(page, shop)
    page.goto(f"{shop}/checkout")
    fill_checkout(page, phone=None)
    order_id = place_order(page)
    add_product_with_shade(page, shop)  # something in the cart for the cart and checkout pages

    problems: dict[str, list[str]] = {}
    for name, url in page_urls(shop, order_id).items():
        page.goto(url)
        overflow = page.evaluate("document.documentElement.scrollWidth")
        found = page.evaluate(AUDIT)
        if overflow > 360:
            found.append(f"page is {overflow}px wide")
        if found:
            problems[name] = found
        screenshot(page, f"{name}-360")

    assert problems == {}
    assert requested_hosts == {shop.split("/")[2]}
    context.close()


def test_public_pages_pass_the_audit_at_desktop_width(page, shop):
    for path in ("/", "/catalog/", "/login", "/register", "/forgot-password", "/reset-password?token=x",
                 "/cart", "/orders/lookup"):  # fmt: skip
        page.goto(f"{shop}{path}")
        assert page.evaluate(AUDIT) == [], path


def test_keyboard_focus_is_visible_and_styles_load(page, shop):
    page.goto(f"{shop}/")
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.site-header')).borderBottomStyle") == "solid"
    )
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"


def test_ukrainian_is_the_default_and_english_is_a_switch_away(browser, shop):
    context, page = new_page(browser, locale="uk-UA")
    page.goto(f"{shop}/")
    assert page.evaluate("document.documentElement.lang") == "uk"
    page.locator(".lang-switch button[value=en]").click()
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.lang") == "en"
    page.goto(f"{shop}/catalog/")
    assert page.evaluate("document.documentElement.lang") == "en"
    context.close()
