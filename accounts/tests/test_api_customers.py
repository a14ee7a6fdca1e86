"""Customers session API `/api/customers/*`: session cookie, CSRF on every unsafe call."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from accounts.models import Address, User
from accounts.tests.factories import PASSWORD, AddressFactory, UserFactory
from accounts.tests.test_api_storefront import assert_error, reset_token_from_mail

pytestmark = pytest.mark.django_db

ADDRESS = {"name": "Іван", "phone": "0971112233", "country": "UA", "city": "Київ", "street": "Хрещатик"}


class SessionClient:
    """A browser: keeps cookies, sends the CSRF token the way the front end does."""

    def __init__(self) -> None:
        self.client = Client(enforce_csrf_checks=True)
        self.client.get("/api/customers/me")  # sets the csrftoken cookie

    @property
    def csrf(self) -> str:
        return self.client.cookies["csrftoken"].value

    @property
    def session_key(self) -> str | None:
        cookie = self.client.cookies.get("sessionid")
        return cookie.value if cookie else None

    def send(self, method: str, path: str, data: dict | None = None, *, csrf: bool = True):
        headers = {"X-CSRFToken": self.csrf} if csrf else {}
        return getattr(self.client, method)(
            path, data or {}, content_type="application/json", headers=headers
        )

    def get(self, path: str):
        return self.client.get(path)


@pytest.fixture
def browser() -> SessionClient:
    return SessionClient()


def logged_in_browser(user: User) -> SessionClient:
    browser = SessionClient()
    assert (
        browser.send("post", "/api/customers/login", {"email": user.email, "password": PASSWORD}).status_code
        == 200
    )
    return browser


def test_me_is_null_for_a_guest_and_sets_the_csrf_cookie():
    client = Client()
    response = client.get("/api/customers/me")

    assert response.status_code == 200
    assert response.json() is None
    assert "csrftoken" in response.cookies


def test_register_returns_201_customer_and_logs_in(browser):
    response = browser.send(
        "post",
        "/api/customers/register",
        {
            "email": "Olena@Example.com",
            "password": PASSWORD,
            "name": "Олена Коваль",
            "acceptsMarketing": True,
        },
    )

    assert response.status_code == 201
    user = User.objects.get()
    assert response.json() == {
        "id": str(user.pk),
        "email": "olena@example.com",
        "name": "Олена Коваль",
        "acceptsMarketing": True,
        "createdAt": response.json()["createdAt"],
    }
    assert browser.get("/api/customers/me").json()["id"] == str(user.pk)


def test_register_with_taken_email_is_409(browser):
    UserFactory(email="olena@example.com")

    response = browser.send(
        "post", "/api/customers/register", {"email": "olena@example.com", "password": PASSWORD, "name": "X"}
    )

    assert_error(response, 409, "auth.emailTaken")


def test_register_with_weak_password_is_400_password_weak(browser):
    response = browser.send(
        "post", "/api/customers/register", {"email": "o@example.com", "password": "short", "name": "X"}
    )

    assert_error(response, 400, "auth.passwordWeak")
    assert not User.objects.exists()


def test_unsafe_requests_without_csrf_token_are_403_and_change_nothing(browser):
    register = browser.send(
        "post",
        "/api/customers/register",
        {"email": "o@example.com", "password": PASSWORD, "name": "X"},
        csrf=False,
    )
    UserFactory(email="ivan@example.com")
    login = browser.send(
        "post", "/api/customers/login", {"email": "ivan@example.com", "password": PASSWORD}, csrf=False
    )

    assert_error(register, 403, "forbidden")
    assert_error(login, 403, "forbidden")
    assert User.objects.count() == 1
    assert browser.get("/api/customers/me").json() is None


def test_login_rotates_the_session_key_and_keeps_session_data(browser):
    user = UserFactory(email="ivan@example.com")
    session = browser.client.session
    session["cart"] = {"42": 2}
    session.save()
    browser.client.cookies["sessionid"] = session.session_key
    guest_key = session.session_key

    response = browser.send(
        "post", "/api/customers/login", {"email": "ivan@example.com", "password": PASSWORD}
    )

    assert response.status_code == 200
    assert response.json()["id"] == str(user.pk)
    assert browser.session_key != guest_key
    assert browser.client.session["cart"] == {"42": 2}


def test_login_accepts_a_phone_in_the_email_field(browser):
    UserFactory(email="ivan@example.com", phone="+380971112233")

    response = browser.send("post", "/api/customers/login", {"email": "0971112233", "password": PASSWORD})

    assert response.status_code == 200


def test_bad_credentials_get_one_generic_401(browser):
    UserFactory(email="ivan@example.com")

    wrong = browser.send(
        "post", "/api/customers/login", {"email": "ivan@example.com", "password": "Wrong-pass-1"}
    )
    unknown = browser.send(
        "post", "/api/customers/login", {"email": "nobody@example.com", "password": "Wrong-pass-1"}
    )

    assert wrong.json() == unknown.json()
    assert_error(wrong, 401, "auth.invalidCredentials")


def test_logout_rotates_the_session_and_clears_the_cart():
    user = UserFactory()
    browser = logged_in_browser(user)
    session = browser.client.session
    session["cart"] = {"1": 1}
    session.save()
    key_before = browser.session_key

    response = browser.send("post", "/api/customers/logout")

    assert response.status_code == 200
    assert response.json() == {}
    assert browser.session_key != key_before
    assert "cart" not in browser.client.session
    assert browser.get("/api/customers/me").json() is None


def test_patch_me_changes_name_marketing_and_default_address():
    user = UserFactory()
    first = AddressFactory(user=user, is_default=True)
    second = AddressFactory(user=user)
    browser = logged_in_browser(user)

    response = browser.send(
        "patch",
        "/api/customers/me",
        {"name": "Нове Ім'я", "acceptsMarketing": True, "defaultAddressId": second.pk},
    )

    assert response.status_code == 200
    assert response.json()["name"] == "Нове Ім'я"
    assert response.json()["acceptsMarketing"] is True
    assert response.json()["defaultAddressId"] == str(second.pk)
    first.refresh_from_db()
    assert first.is_default is False


def test_patch_me_as_guest_is_401(browser):
    assert_error(browser.send("patch", "/api/customers/me", {"name": "X"}), 401, "auth.unauthorized")


def test_address_book_answers_the_whole_list_after_each_change():
    user = UserFactory()
    browser = logged_in_browser(user)

    created = browser.send("post", "/api/customers/me/addresses", ADDRESS)
    address_id = created.json()[0]["id"]
    second = browser.send(
        "post", "/api/customers/me/addresses", {**ADDRESS, "city": "Львів", "isDefault": True}
    )
    patched = browser.send("patch", f"/api/customers/me/addresses/{address_id}", {"street": "Басейна"})
    deleted = browser.send("delete", f"/api/customers/me/addresses/{address_id}")

    assert created.status_code == 201
    assert created.json() == [
        {
            "id": address_id,
            "name": "Іван",
            "phone": "+380971112233",
            "country": "UA",
            "region": "",
            "city": "Київ",
            "street": "Хрещатик",
            "building": "",
            "apartment": "",
            "postalCode": "",
            "isDefault": True,
        }
    ]
    assert [a["isDefault"] for a in second.json()] == [True, False]
    assert patched.status_code == 200
    assert next(a for a in patched.json() if a["id"] == address_id)["street"] == "Басейна"
    assert deleted.status_code == 200
    assert [a["city"] for a in deleted.json()] == ["Львів"]
    assert browser.get("/api/customers/me").json()["defaultAddressId"] == deleted.json()[0]["id"]


def test_addresses_need_a_logged_in_session(browser):
    assert_error(browser.get("/api/customers/me/addresses"), 401, "auth.unauthorized")
    assert_error(browser.send("post", "/api/customers/me/addresses", ADDRESS), 401, "auth.unauthorized")
    assert not Address.objects.exists()


def test_someone_elses_address_is_404():
    foreign = AddressFactory()
    browser = logged_in_browser(UserFactory())

    assert_error(browser.send("delete", f"/api/customers/me/addresses/{foreign.pk}"), 404, "not_found")
    assert Address.objects.filter(pk=foreign.pk).exists()


def test_password_reset_and_confirm(browser, django_capture_on_commit_callbacks):
    user = UserFactory(email="ivan@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        known = browser.send("post", "/api/customers/password/reset", {"email": "ivan@example.com"})
        unknown = browser.send("post", "/api/customers/password/reset", {"email": "nobody@example.com"})
    token = reset_token_from_mail()

    confirmed = browser.send(
        "post", "/api/customers/password/confirm", {"token": token, "password": "Brand-new-secret-7"}
    )
    reused = browser.send(
        "post", "/api/customers/password/confirm", {"token": token, "password": "Another-secret-8"}
    )

    assert known.status_code == unknown.status_code == 200
    assert known.json() == unknown.json() == {}
    assert len(mail.outbox) == 1
    assert confirmed.status_code == 200
    assert confirmed.json() == {}
    assert_error(reused, 400, "auth.tokenInvalid")
    user.refresh_from_db()
    assert user.check_password("Brand-new-secret-7")
