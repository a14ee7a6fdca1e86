"""Password reset through the emailed link; favorites from a product page."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from accounts.tests.factories import UserFactory
from e2e.conftest import screenshot
from e2e.helpers import log_in

pytestmark = pytest.mark.browser


def test_reset_password_through_the_emailed_link(page, shop):
    UserFactory(email="marta@example.com")
    page.goto(f"{shop}/login")
    page.get_by_role("link", name="Forgot your password?").click()
    page.locator("#id_email").fill("marta@example.com")
    page.get_by_role("button", name="Send the link").click()
    page.wait_for_url(f"{shop}/forgot-password?sent=1")
    assert page.locator(".alert--success").is_visible()

    link = re.search(r"\S+/reset-password\?token=\S+", mail.outbox[-1].body).group()
    assert link.startswith(f"{shop}/reset-password?token=")
    page.goto(link)
    page.locator("#id_new_password").fill("Brand-new-secret-7")
    page.locator("#id_new_password_confirm").fill("Brand-new-secret-7")
    screenshot(page, "reset-password-1280")
    page.get_by_role("button", name="Save the password").click()
    page.wait_for_url(f"{shop}/login")
    assert page.locator(".flash--success").is_visible()

    log_in(page, shop, "marta@example.com", "Brand-new-secret-7")
    assert page.get_by_role("heading", name="My profile").is_visible()
    screenshot(page, "profile-1280")


def test_errors_show_beside_their_fields(page, shop):
    UserFactory(email="taken@example.com")
    page.goto(f"{shop}/register")
    page.locator("#id_phone").fill("12")
    page.locator("#id_email").fill("taken@example.com")
    page.locator("#id_password").fill("short")
    page.get_by_role("button", name="Register").click()

    assert page.locator("#id_phone").get_attribute("aria-invalid") == "true"
    assert page.locator("#id_phone_error").is_visible()
    assert page.locator("#id_password_error").is_visible()
    screenshot(page, "register-errors-1280")


def test_favorite_toggle_and_list(page, shop):
    UserFactory(email="fav@example.com")
    log_in(page, shop, "fav@example.com")
    page.goto(f"{shop}/catalog/")
    page.locator(".product-card__title a").first.click()
    title = page.locator("h1").inner_text()
    page.get_by_role("button", name="Add to favorites").click()
    assert page.get_by_role("button", name="In favorites").is_visible()

    page.goto(f"{shop}/profile/favorites")
    assert title in page.locator(".product-grid").inner_text()
    screenshot(page, "favorites-1280")
    page.get_by_role("button", name=re.compile("^Remove from favorites")).click()
    assert page.locator(".product-grid").count() == 0
