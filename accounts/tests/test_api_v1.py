"""Platform API v1, Identity: `/api/v1/auth/*`, `/api/v1/users/me[/addresses]`."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

from accounts.models import Address, User, VerificationCode
from accounts.tests.factories import PASSWORD, AddressFactory, UserFactory
from accounts.tests.test_api_storefront import assert_error

pytestmark = pytest.mark.django_db

USER_KEYS = {"id", "firstName", "lastName", "email", "phone", "emailVerified", "phoneVerified"}
TOKEN_KEYS = {
    "accessToken",
    "accessTokenExpiresInSec",
    "tokenType",
    "refreshToken",
    "refreshTokenExpiresInSec",
}


def code_from(text: str) -> str:
    return re.search(r"\b(\d{6})\b", text).group(1)


class TestRegisterAndLogin:
    def test_register_by_email_returns_201_user_and_tokens(self, api_client):
        response = api_client.post(
            "/api/v1/auth/register/email",
            {"firstName": "Іван", "lastName": "Петренко", "email": "Ivan@Example.com", "password": PASSWORD},
        )

        assert response.status_code == 201
        body = response.json()
        assert set(body["user"]) == USER_KEYS
        assert set(body["tokens"]) == TOKEN_KEYS
        assert body["user"]["email"] == "ivan@example.com"
        assert body["user"]["phone"] is None
        assert body["user"]["id"] == User.objects.get().pk

    def test_register_by_phone_normalizes_to_e164(self, api_client):
        response = api_client.post(
            "/api/v1/auth/register/phone",
            {"firstName": "Іван", "lastName": "", "phone": "+38 (097) 111-22-33", "password": PASSWORD},
        )

        assert response.status_code == 201
        assert response.json()["user"]["phone"] == "+380971112233"
        assert User.objects.get().email is None

    def test_register_with_taken_email_or_phone_returns_409(self, api_client):
        UserFactory(email="ivan@example.com", phone="+380971112233")

        email = api_client.post(
            "/api/v1/auth/register/email", {"email": "ivan@example.com", "password": PASSWORD}
        )
        phone = api_client.post("/api/v1/auth/register/phone", {"phone": "0971112233", "password": PASSWORD})

        assert_error(email, 409, "auth.emailTaken")
        assert_error(phone, 409, "auth.phoneTaken")
        assert User.objects.count() == 1

    def test_register_with_weak_password_returns_400(self, api_client):
        response = api_client.post(
            "/api/v1/auth/register/email", {"email": "a@example.com", "password": "123"}
        )

        assert_error(response, 400, "auth.passwordWeak")
        assert not User.objects.exists()

    def test_login_by_email_and_by_phone_return_200(self, api_client):
        UserFactory(email="ivan@example.com", phone="+380971112233")

        by_email = api_client.post(
            "/api/v1/auth/login/email", {"email": "ivan@example.com", "password": PASSWORD}
        )
        by_phone = api_client.post("/api/v1/auth/login/phone", {"phone": "0971112233", "password": PASSWORD})

        assert by_email.status_code == by_phone.status_code == 200
        assert set(by_email.json()) == {"user", "tokens"}

    @pytest.mark.parametrize(
        ("path", "payload"),
        [
            ("/api/v1/auth/login/email", {"email": "ivan@example.com", "password": "Wrong-password-1"}),
            ("/api/v1/auth/login/email", {"email": "nobody@example.com", "password": PASSWORD}),
            ("/api/v1/auth/login/phone", {"phone": "0971112233", "password": "Wrong-password-1"}),
            ("/api/v1/auth/login/phone", {"phone": "0670000000", "password": PASSWORD}),
            ("/api/v1/auth/login/phone", {"phone": "garbage", "password": PASSWORD}),
        ],
    )
    def test_login_failures_are_one_generic_401(self, api_client, path, payload):
        UserFactory(email="ivan@example.com", phone="+380971112233")

        body = assert_error(api_client.post(path, payload), 401, "auth.invalidCredentials")

        assert body["message"] == "Невірний логін або пароль"

    def test_refresh_answers_200_and_logout_204(self, api_client):
        UserFactory(email="ivan@example.com")
        tokens = api_client.post(
            "/api/v1/auth/login/email", {"email": "ivan@example.com", "password": PASSWORD}
        ).json()["tokens"]

        refreshed = api_client.post("/api/v1/auth/refresh", {"refreshToken": tokens["refreshToken"]})
        logout = api_client.post("/api/v1/auth/logout", {"refreshToken": refreshed.json()["refreshToken"]})
        again = api_client.post("/api/v1/auth/logout", {"refreshToken": refreshed.json()["refreshToken"]})

        assert refreshed.status_code == 200
        assert set(refreshed.json()) == TOKEN_KEYS
        assert logout.status_code == again.status_code == 204
        assert_error(
            api_client.post("/api/v1/auth/refresh", {"refreshToken": refreshed.json()["refreshToken"]}),
            401,
            "auth.tokenInvalid",
        )


class TestVerification:
    def test_email_code_is_sent_and_confirms_the_email(
        self, api_client, user, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            sent = api_client.post("/api/v1/auth/verify/email/send", {"email": user.email})
        code = code_from(mail.outbox[-1].body)

        confirmed = api_client.post("/api/v1/auth/verify/email/confirm", {"email": user.email, "code": code})

        assert sent.status_code == 202
        assert confirmed.status_code == 200
        assert confirmed.json() == {"emailVerified": True}
        user.refresh_from_db()
        assert user.is_email_verified is True
        assert code not in VerificationCode.objects.get().code_hash

    def test_phone_code_is_sent_by_sms_and_confirms_the_phone(
        self, api_client, user, sms_outbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            sent = api_client.post("/api/v1/auth/verify/phone/send", {"phone": user.phone})
        assert sms_outbox[-1].to == user.phone
        code = code_from(sms_outbox[-1].text)

        confirmed = api_client.post("/api/v1/auth/verify/phone/confirm", {"phone": user.phone, "code": code})

        assert sent.status_code == 202
        assert confirmed.json() == {"phoneVerified": True}
        user.refresh_from_db()
        assert user.is_phone_verified is True

    def test_send_to_an_unknown_address_answers_202_and_sends_nothing(
        self, api_client, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = api_client.post("/api/v1/auth/verify/email/send", {"email": "nobody@example.com"})

        assert response.status_code == 202
        assert mail.outbox == []
        assert not VerificationCode.objects.exists()

    def test_wrong_code_is_400_and_five_wrong_attempts_burn_the_code(
        self, api_client, user, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            api_client.post("/api/v1/auth/verify/email/send", {"email": user.email})
        code = code_from(mail.outbox[-1].body)
        wrong = "000000" if code != "000000" else "111111"

        for _ in range(5):
            assert_error(
                api_client.post("/api/v1/auth/verify/email/confirm", {"email": user.email, "code": wrong}),
                400,
                "auth.codeInvalid",
            )
        late = api_client.post("/api/v1/auth/verify/email/confirm", {"email": user.email, "code": code})

        assert_error(late, 400, "auth.codeInvalid")
        assert VerificationCode.objects.get().attempts == 5
        user.refresh_from_db()
        assert user.is_email_verified is False

    def test_code_expires_after_ten_minutes(
        self, api_client, django_capture_on_commit_callbacks, time_machine
    ):
        time_machine.move_to("2026-03-01 10:00:00+00:00", tick=False)
        user = UserFactory()
        with django_capture_on_commit_callbacks(execute=True):
            api_client.post("/api/v1/auth/verify/email/send", {"email": user.email})
        code = code_from(mail.outbox[-1].body)

        time_machine.move_to("2026-03-01 10:10:01+00:00", tick=False)
        response = api_client.post("/api/v1/auth/verify/email/confirm", {"email": user.email, "code": code})

        assert_error(response, 400, "auth.codeInvalid")

    @pytest.mark.parametrize("code", ["12345", "1234567", "abcdef", ""])
    def test_malformed_code_is_a_validation_error(self, api_client, user, code):
        response = api_client.post("/api/v1/auth/verify/email/confirm", {"email": user.email, "code": code})

        assert_error(response, 400, "validation")


class TestPasswords:
    def test_change_password_revokes_other_sessions_and_returns_fresh_tokens(self, api_client, user):
        old = api_client.post("/api/v1/auth/login/email", {"email": user.email, "password": PASSWORD}).json()
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {old['tokens']['accessToken']}")

        response = api_client.post(
            "/api/v1/auth/password/change",
            {"currentPassword": PASSWORD, "newPassword": "Brand-new-secret-7"},
        )

        assert response.status_code == 200
        fresh = response.json()["tokens"]
        assert_error(
            APIClient().post("/api/v1/auth/refresh", {"refreshToken": old["tokens"]["refreshToken"]}),
            401,
            "auth.tokenInvalid",
        )
        assert (
            APIClient().post("/api/v1/auth/refresh", {"refreshToken": fresh["refreshToken"]}).status_code
            == 200
        )
        user.refresh_from_db()
        assert user.check_password("Brand-new-secret-7")

    def test_change_password_with_wrong_current_password_returns_400_and_changes_nothing(
        self, auth_client, user
    ):
        response = auth_client.post(
            "/api/v1/auth/password/change",
            {"currentPassword": "Not-the-password-1", "newPassword": "Brand-new-secret-7"},
        )

        assert_error(response, 400, "auth.wrongPassword")
        user.refresh_from_db()
        assert user.check_password(PASSWORD)

    def test_change_password_needs_authentication(self, api_client):
        response = api_client.post(
            "/api/v1/auth/password/change", {"currentPassword": PASSWORD, "newPassword": "Brand-new-secret-7"}
        )

        assert_error(response, 401, "auth.unauthorized")

    def test_reset_by_phone_sends_an_sms_and_the_token_resets(
        self, api_client, user, sms_outbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            requested = api_client.post("/api/v1/auth/password/reset/request", {"phone": user.phone})
        token = re.search(r"token=([\w\-]+)", sms_outbox[-1].text).group(1)

        confirmed = api_client.post(
            "/api/v1/auth/password/reset/confirm", {"resetToken": token, "newPassword": "Brand-new-secret-7"}
        )
        reused = api_client.post(
            "/api/v1/auth/password/reset/confirm", {"resetToken": token, "newPassword": "Another-secret-8"}
        )

        assert requested.status_code == 202
        assert confirmed.status_code == 200
        assert_error(reused, 400, "auth.tokenInvalid")

    def test_reset_request_answers_the_same_for_unknown_accounts(self, api_client, user):
        known = api_client.post("/api/v1/auth/password/reset/request", {"email": user.email})
        unknown = api_client.post("/api/v1/auth/password/reset/request", {"email": "nobody@example.com"})

        assert known.status_code == unknown.status_code == 202
        assert known.json() == unknown.json()

    def test_reset_request_without_email_or_phone_is_400(self, api_client):
        assert_error(api_client.post("/api/v1/auth/password/reset/request", {}), 400, "validation")


class TestUsersMe:
    def test_get_and_patch_profile(self, auth_client, user):
        got = auth_client.get("/api/v1/users/me")
        patched = auth_client.patch("/api/v1/users/me", {"firstName": "Олена", "lastName": "Коваль"})

        assert got.json() == {
            "id": user.pk,
            "firstName": "Іван",
            "lastName": "Петренко",
            "email": user.email,
            "phone": user.phone,
            "emailVerified": False,
            "phoneVerified": False,
        }
        assert patched.status_code == 200
        assert (patched.json()["firstName"], patched.json()["lastName"]) == ("Олена", "Коваль")

    def test_patch_with_too_long_name_is_400_and_changes_nothing(self, auth_client, user):
        assert_error(auth_client.patch("/api/v1/users/me", {"firstName": "x" * 121}), 400, "validation")
        user.refresh_from_db()
        assert user.first_name == "Іван"

    def test_users_me_needs_a_token(self, api_client):
        assert_error(api_client.get("/api/v1/users/me"), 401, "auth.unauthorized")


ADDRESS = {
    "name": "Іван Петренко",
    "phone": "0971112233",
    "country": "ua",
    "region": "Київська",
    "city": "Київ",
    "street": "Хрещатик",
    "building": "22",
    "apartment": "5",
    "postalCode": "01001",
}


class TestAddresses:
    def test_first_address_becomes_default_and_is_listed_paginated(self, auth_client, user):
        created = auth_client.post("/api/v1/users/me/addresses", ADDRESS)
        listed = auth_client.get("/api/v1/users/me/addresses")

        assert created.status_code == 201
        address = created.json()
        assert address["country"] == "UA"
        assert address["phone"] == "+380971112233"
        assert address["isDefault"] is True
        assert listed.json()["total"] == 1
        assert listed.json()["page"] == 1
        assert listed.json()["limit"] == 20
        assert listed.json()["items"][0]["id"] == address["id"]

    def test_setting_a_new_default_clears_the_old_one(self, auth_client, user):
        first = auth_client.post("/api/v1/users/me/addresses", ADDRESS).json()
        second = auth_client.post(
            "/api/v1/users/me/addresses", {**ADDRESS, "city": "Львів", "isDefault": True}
        ).json()

        assert second["isDefault"] is True
        assert Address.objects.get(pk=first["id"]).is_default is False
        assert Address.objects.filter(user=user, is_default=True).count() == 1

    def test_patch_and_delete_an_address(self, auth_client, user):
        address = auth_client.post("/api/v1/users/me/addresses", ADDRESS).json()

        patched = auth_client.patch(f"/api/v1/users/me/addresses/{address['id']}", {"city": "Одеса"})
        deleted = auth_client.delete(f"/api/v1/users/me/addresses/{address['id']}")

        assert patched.status_code == 200
        assert patched.json()["city"] == "Одеса"
        assert deleted.status_code == 204
        assert not Address.objects.exists()

    def test_deleting_the_default_promotes_the_oldest_remaining(self, auth_client, user):
        first = auth_client.post("/api/v1/users/me/addresses", ADDRESS).json()
        second = auth_client.post("/api/v1/users/me/addresses", {**ADDRESS, "city": "Львів"}).json()

        auth_client.delete(f"/api/v1/users/me/addresses/{first['id']}")

        assert Address.objects.get(pk=second["id"]).is_default is True

    def test_another_customers_address_is_404(self, auth_client):
        foreign = AddressFactory()

        assert_error(auth_client.get(f"/api/v1/users/me/addresses/{foreign.pk}"), 404, "not_found")
        assert_error(
            auth_client.patch(f"/api/v1/users/me/addresses/{foreign.pk}", {"city": "X"}), 404, "not_found"
        )
        assert_error(auth_client.delete(f"/api/v1/users/me/addresses/{foreign.pk}"), 404, "not_found")
        foreign.refresh_from_db()
        assert foreign.city == "Київ"

    @pytest.mark.parametrize(
        ("field", "value"),
        [("country", "ZZ"), ("country", "UKR"), ("phone", "12345"), ("city", ""), ("name", "")],
    )
    def test_invalid_address_is_400_and_creates_nothing(self, auth_client, field, value):
        response = auth_client.post("/api/v1/users/me/addresses", {**ADDRESS, field: value})

        assert_error(response, 400, "validation")
        assert not Address.objects.exists()

    @pytest.mark.parametrize("query", ["limit=0", "limit=101", "page=0", "limit=abc"])
    def test_bad_paging_is_400(self, auth_client, query):
        assert_error(auth_client.get(f"/api/v1/users/me/addresses?{query}"), 400, "validation")


def test_deleted_user_tokens_stop_working(api_client):
    from accounts.services import tokens_issue, user_soft_delete

    user = UserFactory()
    pair = tokens_issue(user=user)
    user_soft_delete(user=user)

    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair.access_token}")
    assert_error(api_client.get("/api/v1/users/me"), 401, "auth.unauthorized")
    assert_error(
        APIClient().post("/api/v1/auth/refresh", {"refreshToken": pair.refresh_token}),
        401,
        "auth.tokenInvalid",
    )
    assert not OutstandingToken.objects.filter(user=user, blacklistedtoken__isnull=True).exists()
