"""Steps the browser tests share (English UI: the contexts ask for `en`)."""

from __future__ import annotations

import re
from typing import Any

from accounts.tests.factories import PASSWORD

CHECKOUT_ADDRESS = {"#id_city": "Київ", "#id_street": "Хрещатик", "#id_building": "22"}


def add_simple_product_from_catalog(page: Any, base: str) -> str:
    """From the catalog, add the first product that needs no options; returns its title."""
    page.goto(f"{base}/catalog/")
    card = page.locator(
        ".product-card", has=page.get_by_role("button", name=re.compile(r"^Add to cart"))
    ).first
    title = card.locator(".product-card__title").inner_text()
    card.get_by_role("button", name=re.compile(r"^Add to cart")).click()
    page.wait_for_load_state()
    return title


def add_product_with_shade(page: Any, base: str, *, search: str = "Filtek Z250", shade: str = "A2") -> None:
    page.goto(f"{base}/")
    page.get_by_label("Search products").fill(search)
    page.get_by_label("Search products").press("Enter")
    page.wait_for_url(re.compile(r"/catalog/\?q="))
    page.locator(".product-card__title a").first.click()
    page.locator(".field--swatches").get_by_label(shade, exact=True).check()
    page.locator("form.buy-form").get_by_role("button", name="Add to cart").click()
    page.wait_for_load_state()


def cart_count(page: Any) -> int:
    return int(re.match(r"\d+", page.locator("[data-cart-count]").text_content().strip()).group())


def fill_checkout(page: Any, *, name: str = "Іван Петренко", phone: str | None = "097 555 44 33") -> None:
    page.locator("#id_name").fill(name)
    if phone is not None:
        page.locator("#id_phone").fill(phone)
    for selector, value in CHECKOUT_ADDRESS.items():
        if page.locator(selector).is_visible():
            page.locator(selector).fill(value)


def place_order(page: Any) -> int:
    page.get_by_role("button", name="Place the order").click()
    page.wait_for_url(re.compile(r"/checkout/(done|pay)/\d+$"))
    return int(page.url.rsplit("/", 1)[1])


def log_in(page: Any, base: str, login: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login")
    page.locator("#id_login").fill(login)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/profile")
