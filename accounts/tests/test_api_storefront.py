"""Storefront API `/auth/*` and `/me`: exact shapes, every error case, and nothing changed on bad input."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.core import mail
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.models import PasswordResetToken, User
from accounts.services import tokens_issue
from accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
REGISTER = {
    "phone": "097 111 22 33",
    "email": "Ivan@Example.com",
    "password": "Sufficiently-long-9",
    "name": "Іван Петренко",
    "clientId": "3f1c5a4e-1111-4a4a-9999-000000000001",
    "marketingOptIn": True,
}


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["statusCode"] == status
    assert body["code"] == code
    assert isinstance(body["error"], str)
    assert body["error"]
    return body


def reset_token_from_mail() -> str:
    link = next(line for line in mail.outbox[-1].body.splitlines() if "reset-password?token=" in line)
    return parse_qs(urlparse(link.strip()).query)["token"][0]


class TestRegister:
    def test_register_returns_201_customer_and_tokens_with_normalized_contacts(self, api_client):
        response = api_client.post("/auth/register", REGISTER)

        assert response.status_code == 201
        body = response.json()
        customer = body["customer"]
        user = User.objects.get()
        assert customer == {
            "id": str(user.pk),
            "phone": "+380971112233",
            "email": "ivan@example.com",
            "name": "Іван Петренко",
            "isPhoneVerified": False,
            "createdAt": customer["createdAt"],
            "updatedAt": customer["updatedAt"],
            "lastLoginAt": customer["lastLoginAt"],
        }
        for stamp in ("createdAt", "updatedAt", "lastLoginAt"):
            assert ISO_Z.match(customer[stamp])
        tokens = body["tokens"]
        assert tokens["tokenType"] == "bearer"
        assert tokens["accessTokenExpiresInSec"] == 900
        assert tokens["refreshTokenExpiresInSec"] == 2592000
        assert tokens["accessToken"].count(".") == 2
        assert tokens["refreshToken"].count(".") == 2
        assert (user.first_name, user.last_name) == ("Іван", "Петренко")
        assert user.marketing_opt_in is True
        assert user.password.startswith("argon2$argon2id$")

    def test_access_token_from_register_opens_me(self, api_client):
        tokens = api_client.post("/auth/register", REGISTER).json()["tokens"]

        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['accessToken']}")
        response = api_client.get("/me")

        assert response.status_code == 200
        assert response.json()["email"] == "ivan@example.com"

    def test_register_with_taken_email_in_other_case_returns_409_in_ukrainian(self, api_client):
        UserFactory(email="ivan@example.com")

        response = api_client.post("/auth/register", REGISTER)

        body = assert_error(response, 409, "auth.emailTaken")
        assert body["message"] == "Email вже зайнятий"
        assert body["error"] == "Conflict"
        assert User.objects.count() == 1

    def test_register_with_taken_phone_in_another_format_returns_409(self, api_client):
        UserFactory(phone="+380971112233")

        response = api_client.post("/auth/register", REGISTER)

        assert_error(response, 409, "auth.phoneTaken")
        assert User.objects.count() == 1

    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("phone", "12"),
            ("phone", "not a phone at all"),
            ("email", "not-an-email"),
            ("password", "x" * 129),
            ("clientId", "c" * 65),
            ("name", "n" * 121),
        ],
    )
    def test_register_with_invalid_field_returns_400_array_and_creates_nothing(
        self, api_client, field, value
    ):
        response = api_client.post("/auth/register", {**REGISTER, field: value})

        body = assert_error(response, 400, "validation")
        assert isinstance(body["message"], list)
        assert body["message"]
        assert all(isinstance(message, str) for message in body["message"])
        assert User.objects.count() == 0

    @pytest.mark.parametrize("password", ["short-9", "password123", "1234567890123"])
    def test_register_with_weak_password_returns_400_password_weak(self, api_client, password):
        response = api_client.post("/auth/register", {**REGISTER, "password": password})

        body = assert_error(response, 400, "auth.passwordWeak")
        assert isinstance(body["message"], list)
        assert body["fields"]["password"]
        assert User.objects.count() == 0

    def test_register_without_required_fields_lists_each_problem(self, api_client):
        response = api_client.post("/auth/register", {})

        body = assert_error(response, 400, "validation")
        assert set(body["fields"]) == {"phone", "email", "password"}
        assert len(body["message"]) == 3

    def test_register_with_malformed_json_returns_400(self, api_client):
        response = api_client.generic("POST", "/auth/register", '{"email": ', content_type="application/json")

        assert_error(response, 400, "validation")
        assert User.objects.count() == 0

    def test_register_in_english_when_asked(self, api_client):
        UserFactory(email="ivan@example.com")

        response = api_client.post("/auth/register?lang=en", REGISTER)

        assert assert_error(response, 409, "auth.emailTaken")["message"] == "Email is already taken"


class TestLogin:
    @pytest.mark.parametrize("login", ["ivan@example.com", "IVAN@example.com", "+380971112233", "0971112233"])
    def test_login_by_email_or_phone_returns_201_and_updates_last_login(self, api_client, login):
        user = UserFactory(email="ivan@example.com", phone="+380971112233")
        assert user.last_login is None

        response = api_client.post("/auth/login", {"login": login, "password": PASSWORD})

        assert response.status_code == 201
        body = response.json()
        assert body["customer"]["id"] == str(user.pk)
        assert set(body["tokens"]) == {
            "accessToken",
            "accessTokenExpiresInSec",
            "tokenType",
            "refreshToken",
            "refreshTokenExpiresInSec",
        }
        user.refresh_from_db()
        assert user.last_login is not None
        assert body["customer"]["lastLoginAt"] is not None

    def test_wrong_password_and_unknown_login_get_the_same_401(self, api_client):
        UserFactory(email="ivan@example.com")

        wrong = api_client.post("/auth/login", {"login": "ivan@example.com", "password": "Wrong-password-1"})
        unknown = api_client.post(
            "/auth/login", {"login": "nobody@example.com", "password": "Wrong-password-1"}
        )

        assert wrong.json() == unknown.json()
        body = assert_error(wrong, 401, "auth.invalidCredentials")
        assert body["message"] == "Невірний логін або пароль"

    def test_soft_deleted_customer_cannot_log_in(self, api_client):
        UserFactory(email="gone@example.com", is_deleted=True, is_active=False)

        response = api_client.post("/auth/login", {"login": "gone@example.com", "password": PASSWORD})

        assert_error(response, 401, "auth.invalidCredentials")

    def test_login_does_not_enforce_the_length_policy(self, api_client):
        UserFactory(email="ivan@example.com")

        response = api_client.post("/auth/login", {"login": "ivan@example.com", "password": "x"})

        assert_error(response, 401, "auth.invalidCredentials")

    @pytest.mark.parametrize(
        "payload",
        [
            {"login": "ab", "password": "x"},
            {"login": "ivan@example.com", "password": ""},
            {"login": "ivan@example.com"},
            {"password": "x"},
            {"login": "a" * 121, "password": "x"},
        ],
    )
    def test_login_with_invalid_input_returns_400(self, api_client, payload):
        assert_error(api_client.post("/auth/login", payload), 400, "validation")


class TestRefreshAndLogout:
    def _login(self, api_client) -> dict:
        UserFactory(email="ivan@example.com")
        return api_client.post("/auth/login", {"login": "ivan@example.com", "password": PASSWORD}).json()[
            "tokens"
        ]

    def test_refresh_returns_201_new_pair_and_spends_the_old_token(self, api_client):
        tokens = self._login(api_client)

        response = api_client.post("/auth/refresh", {"refreshToken": tokens["refreshToken"]})

        assert response.status_code == 201
        fresh = response.json()
        assert fresh["tokenType"] == "bearer"
        assert fresh["refreshToken"] != tokens["refreshToken"]
        assert fresh["accessTokenExpiresInSec"] == 900
        assert BlacklistedToken.objects.count() == 1

    def test_reusing_a_spent_refresh_token_returns_401_and_revokes_the_newer_one(self, api_client):
        tokens = self._login(api_client)
        fresh = api_client.post("/auth/refresh", {"refreshToken": tokens["refreshToken"]}).json()

        reuse = api_client.post("/auth/refresh", {"refreshToken": tokens["refreshToken"]})
        after = api_client.post("/auth/refresh", {"refreshToken": fresh["refreshToken"]})

        assert_error(reuse, 401, "auth.tokenInvalid")
        assert_error(after, 401, "auth.tokenInvalid")
        assert not OutstandingToken.objects.filter(blacklistedtoken__isnull=True).exists()

    @pytest.mark.parametrize("token", ["garbage", "a.b.c", ""])
    def test_refresh_with_garbage_is_rejected(self, api_client, token):
        response = api_client.post("/auth/refresh", {"refreshToken": token})

        assert response.status_code in (400, 401)
        assert response.json()["code"] in ("validation", "auth.tokenInvalid")

    def test_refresh_with_an_access_token_returns_401(self, api_client):
        tokens = self._login(api_client)

        response = api_client.post("/auth/refresh", {"refreshToken": tokens["accessToken"]})

        assert_error(response, 401, "auth.tokenInvalid")

    def test_logout_revokes_the_refresh_token_and_is_idempotent(self, api_client):
        tokens = self._login(api_client)

        first = api_client.post("/auth/logout", {"refreshToken": tokens["refreshToken"]})
        second = api_client.post("/auth/logout", {"refreshToken": tokens["refreshToken"]})
        refresh = api_client.post("/auth/refresh", {"refreshToken": tokens["refreshToken"]})

        assert first.status_code == 201
        assert second.status_code == 201
        assert isinstance(first.json()["message"], str)
        assert_error(refresh, 401, "auth.tokenInvalid")


class TestPasswordReset:
    def test_forgot_password_answers_the_same_for_known_and_unknown_email(
        self, api_client, django_capture_on_commit_callbacks
    ):
        UserFactory(email="ivan@example.com")

        with django_capture_on_commit_callbacks(execute=True):
            known = api_client.post("/auth/forgot-password", {"email": "ivan@example.com"})
            unknown = api_client.post("/auth/forgot-password", {"email": "nobody@example.com"})

        assert known.status_code == unknown.status_code == 201
        assert (
            known.json()
            == unknown.json()
            == {"message": "Якщо email існує, лист з інструкціями буде надіслано"}
        )
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == ["ivan@example.com"]
        assert "http://localhost:8000/reset-password?token=" in mail.outbox[0].body
        assert PasswordResetToken.objects.count() == 1

    def test_reset_password_with_the_emailed_token_changes_it_and_revokes_refresh_tokens(
        self, api_client, django_capture_on_commit_callbacks
    ):
        user = UserFactory(email="ivan@example.com")
        tokens = api_client.post("/auth/login", {"login": "ivan@example.com", "password": PASSWORD}).json()[
            "tokens"
        ]
        with django_capture_on_commit_callbacks(execute=True):
            api_client.post("/auth/forgot-password", {"email": "ivan@example.com"})
        token = reset_token_from_mail()

        response = api_client.post(
            "/auth/reset-password", {"token": token, "newPassword": "Brand-new-secret-7"}
        )

        assert response.status_code == 201
        assert response.json() == {"message": "Пароль успішно змінено"}
        user.refresh_from_db()
        assert user.check_password("Brand-new-secret-7")
        assert_error(
            api_client.post("/auth/refresh", {"refreshToken": tokens["refreshToken"]}),
            401,
            "auth.tokenInvalid",
        )
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['accessToken']}")
        assert api_client.get("/me").status_code == 401
        assert PasswordResetToken.objects.get().token_hash != token

    def test_reset_token_is_single_use(self, api_client, django_capture_on_commit_callbacks):
        UserFactory(email="ivan@example.com")
        with django_capture_on_commit_callbacks(execute=True):
            api_client.post("/auth/forgot-password", {"email": "ivan@example.com"})
        token = reset_token_from_mail()
        api_client.post("/auth/reset-password", {"token": token, "newPassword": "Brand-new-secret-7"})

        again = api_client.post("/auth/reset-password", {"token": token, "newPassword": "Another-secret-8"})

        assert_error(again, 400, "auth.tokenInvalid")
        assert User.objects.get().check_password("Brand-new-secret-7")

    def test_reset_token_expires_after_thirty_minutes(
        self, api_client, django_capture_on_commit_callbacks, time_machine
    ):
        time_machine.move_to("2026-03-01 10:00:00+00:00", tick=False)
        UserFactory(email="ivan@example.com")
        with django_capture_on_commit_callbacks(execute=True):
            api_client.post("/auth/forgot-password", {"email": "ivan@example.com"})
        token = reset_token_from_mail()

        time_machine.move_to("2026-03-01 10:30:01+00:00", tick=False)
        response = api_client.post(
            "/auth/reset-password", {"token": token, "newPassword": "Brand-new-secret-7"}
        )

        assert_error(response, 400, "auth.tokenInvalid")
        assert User.objects.get().check_password(PASSWORD)

    def test_reset_token_still_works_just_before_thirty_minutes(
        self, api_client, django_capture_on_commit_callbacks, time_machine
    ):
        time_machine.move_to("2026-03-01 10:00:00+00:00", tick=False)
        UserFactory(email="ivan@example.com")
        with django_capture_on_commit_callbacks(execute=True):
            api_client.post("/auth/forgot-password", {"email": "ivan@example.com"})
        token = reset_token_from_mail()

        time_machine.move_to("2026-03-01 10:29:59+00:00", tick=False)
        response = api_client.post(
            "/auth/reset-password", {"token": token, "newPassword": "Brand-new-secret-7"}
        )

        assert response.status_code == 201

    def test_reset_token_dies_after_any_later_password_change(
        self, api_client, django_capture_on_commit_callbacks, time_machine
    ):
        time_machine.move_to("2026-03-01 10:00:00+00:00", tick=False)
        user = UserFactory(email="ivan@example.com")
        with django_capture_on_commit_callbacks(execute=True):
            api_client.post("/auth/forgot-password", {"email": "ivan@example.com"})
        token = reset_token_from_mail()
        time_machine.shift(60)
        user.set_password("Changed-elsewhere-5")
        user.save()

        response = api_client.post(
            "/auth/reset-password", {"token": token, "newPassword": "Brand-new-secret-7"}
        )

        assert_error(response, 400, "auth.tokenInvalid")

    def test_reset_for_a_deleted_customer_returns_404(self, api_client, django_capture_on_commit_callbacks):
        user = UserFactory(email="ivan@example.com")
        with django_capture_on_commit_callbacks(execute=True):
            api_client.post("/auth/forgot-password", {"email": "ivan@example.com"})
        token = reset_token_from_mail()
        User.objects.filter(pk=user.pk).update(is_deleted=True, is_active=False)

        response = api_client.post(
            "/auth/reset-password", {"token": token, "newPassword": "Brand-new-secret-7"}
        )

        assert_error(response, 404, "not_found")

    def test_reset_with_unknown_token_returns_400(self, api_client):
        response = api_client.post(
            "/auth/reset-password", {"token": "nope", "newPassword": "Brand-new-secret-7"}
        )

        assert_error(response, 400, "auth.tokenInvalid")

    def test_reset_with_weak_password_keeps_token_usable(
        self, api_client, django_capture_on_commit_callbacks
    ):
        UserFactory(email="ivan@example.com")
        with django_capture_on_commit_callbacks(execute=True):
            api_client.post("/auth/forgot-password", {"email": "ivan@example.com"})
        token = reset_token_from_mail()

        weak = api_client.post("/auth/reset-password", {"token": token, "newPassword": "short"})
        strong = api_client.post(
            "/auth/reset-password", {"token": token, "newPassword": "Brand-new-secret-7"}
        )

        assert_error(weak, 400, "auth.passwordWeak")
        assert strong.status_code == 201

    def test_the_reset_token_is_never_logged(self, api_client, django_capture_on_commit_callbacks, caplog):
        UserFactory(email="ivan@example.com")
        caplog.set_level("DEBUG")
        with django_capture_on_commit_callbacks(execute=True):
            api_client.post("/auth/forgot-password", {"email": "ivan@example.com"})
        token = reset_token_from_mail()
        api_client.post("/auth/reset-password", {"token": token, "newPassword": "short"})
        api_client.post("/auth/reset-password", {"token": token, "newPassword": "Brand-new-secret-7"})

        assert token not in caplog.text


class TestMe:
    def test_me_returns_the_customer(self, auth_client, user):
        response = auth_client.get("/me")

        assert response.status_code == 200
        assert response.json()["id"] == str(user.pk)
        assert response.json()["phone"] == user.phone

    @pytest.mark.parametrize("header", [None, "Bearer", "Bearer garbage", "Token abc"])
    def test_me_without_a_valid_token_returns_401(self, api_client, header):
        if header:
            api_client.credentials(HTTP_AUTHORIZATION=header)

        assert_error(api_client.get("/me"), 401, "auth.unauthorized")

    def test_access_token_works_for_fifteen_minutes_then_returns_401(self, api_client, user, time_machine):
        time_machine.move_to("2026-03-01 10:00:00+00:00", tick=False)
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens_issue(user=user).access_token}")

        time_machine.move_to("2026-03-01 10:14:59+00:00", tick=False)
        assert api_client.get("/me").status_code == 200
        time_machine.move_to("2026-03-01 10:15:01+00:00", tick=False)
        assert_error(api_client.get("/me"), 401, "auth.unauthorized")

    def test_patch_me_splits_name_and_changes_email(self, auth_client, user):
        response = auth_client.patch("/me", {"name": "Олена Коваль-Шевченко", "email": "New@Example.com"})

        assert response.status_code == 200
        assert response.json()["name"] == "Олена Коваль-Шевченко"
        assert response.json()["email"] == "new@example.com"
        user.refresh_from_db()
        assert (user.first_name, user.last_name, user.email) == (
            "Олена",
            "Коваль-Шевченко",
            "new@example.com",
        )

    def test_patch_me_with_another_accounts_email_returns_409_and_changes_nothing(self, auth_client, user):
        UserFactory(email="taken@example.com")

        response = auth_client.patch("/me", {"email": "TAKEN@example.com", "name": "Новe Ім'я"})

        assert_error(response, 409, "auth.emailTaken")
        user.refresh_from_db()
        assert user.first_name == "Іван"

    def test_patch_me_with_invalid_email_returns_400(self, auth_client, user):
        assert_error(auth_client.patch("/me", {"email": "nope"}), 400, "validation")
        user.refresh_from_db()
        assert user.email.endswith("@example.com")

    def test_patch_me_unauthenticated_returns_401(self, api_client):
        assert_error(api_client.patch("/me", {"name": "x"}), 401, "auth.unauthorized")
