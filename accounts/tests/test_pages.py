"""Account pages through Django's client: every form error, sessions, CSRF, private pages."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.core import mail
from django.test import Client

from accounts.models import Address, User
from accounts.tests.factories import PASSWORD, AddressFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Brand-new-secret-7"
REGISTER = {
    "name": "Іван Петренко",
    "phone": "097 111 22 33",
    "email": "Ivan@Example.com",
    "password": "Sufficiently-long-9",
    "marketing_opt_in": "on",
}


def form_errors(response, form: str = "form") -> dict:
    return response.context[form].errors


def reset_token_from_mail() -> str:
    link = next(line for line in mail.outbox[-1].body.splitlines() if "reset-password?token=" in line)
    return parse_qs(urlparse(link.strip()).query)["token"][0]


@pytest.fixture
def user(db) -> User:
    return UserFactory(email="ivan@example.com", phone="+380971112233")


@pytest.fixture
def logged_in(client, user) -> Client:
    client.force_login(user)
    return client


# --- every page answers ----------------------------------------------------------------------

PUBLIC_PAGES = ["/", "/catalog/", "/cart", "/register", "/login", "/logout", "/forgot-password",
                "/reset-password", "/reset-password?token=abc", "/orders/lookup"]  # fmt: skip
PRIVATE_PAGES = ["/profile", "/profile/edit", "/profile/password", "/profile/addresses",
                 "/profile/orders", "/profile/favorites", "/profile/verify/email", "/profile/verify/phone"]  # fmt: skip


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_answer_html(client, path):
    response = client.get(path)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("path", PRIVATE_PAGES)
def test_private_pages_redirect_to_login_with_next(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/login?next={path}"


@pytest.mark.parametrize("path", PRIVATE_PAGES)
def test_private_pages_answer_when_logged_in(logged_in, path):
    assert logged_in.get(path).status_code == 200


def test_checkout_with_an_empty_cart_redirects_to_the_cart(client):
    assert client.get("/checkout")["Location"] == "/cart"


def test_pages_are_ukrainian_by_default_and_english_on_request(client):
    default = client.get("/login")
    english = client.get("/login?lang=en")

    assert '<html lang="uk">' in default.content.decode()
    assert '<html lang="en">' in english.content.decode()
    assert "Forgot your password?" in english.content.decode()


def test_the_language_switch_remembers_the_choice(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login"})

    assert response["Location"] == "/login"
    assert '<html lang="en">' in client.get("/login").content.decode()


def test_an_unknown_page_is_the_shops_404(client):
    response = client.get("/no-such-page")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert 'class="error-page"' in response.content.decode()


def test_the_500_page_renders_without_the_database(rf):
    from config.errors import handler500

    request = rf.get("/catalog/")
    response = handler500(request)

    assert response.status_code == 500
    assert 'class="error-page"' in response.content.decode()


def test_forms_without_a_csrf_token_are_refused_with_the_shops_403(user):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/login", {"login": "ivan@example.com", "password": PASSWORD})

    assert response.status_code == 403
    assert 'class="error-page"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_every_form_carries_a_csrf_token(client):
    for path in ("/login", "/register", "/forgot-password", "/reset-password?token=x"):
        assert 'name="csrfmiddlewaretoken"' in client.get(path).content.decode()


# --- register ---------------------------------------------------------------------------------


class TestRegister:
    def test_register_creates_the_account_logs_in_and_opens_the_profile(self, client):
        response = client.post("/register", REGISTER)

        user = User.objects.get()
        assert response.status_code == 302
        assert response["Location"] == "/profile"
        assert (user.email, user.phone, user.first_name, user.last_name) == (
            "ivan@example.com",
            "+380971112233",
            "Іван",
            "Петренко",
        )
        assert user.marketing_opt_in is True
        assert client.session["_auth_user_id"] == str(user.pk)

    def test_next_is_followed_after_registering(self, client):
        response = client.post("/register?next=/checkout", REGISTER)

        assert response["Location"] == "/checkout"

    def test_a_logged_in_customer_is_sent_to_the_profile(self, logged_in):
        assert logged_in.get("/register")["Location"] == "/profile"

    @pytest.mark.parametrize(
        ("fields", "error_field"),
        [
            ({"phone": ""}, "phone"),
            ({"phone": "12"}, "phone"),
            ({"phone": "000000000"}, "phone"),
            ({"email": ""}, "email"),
            ({"email": "not-an-email"}, "email"),
            ({"password": ""}, "password"),
            ({"password": "short"}, "password"),
            ({"password": "password123"}, "password"),
            ({"password": "1234567890123"}, "password"),
            ({"password": "x" * 129}, "password"),
            ({"name": "x" * 121}, "name"),
        ],
    )
    def test_each_bad_field_is_an_error_beside_it_and_nothing_is_created(self, client, fields, error_field):
        response = client.post("/register", {**REGISTER, **fields})

        assert response.status_code == 400
        assert list(form_errors(response)) == [error_field]
        assert not User.objects.exists()

    def test_a_taken_email_is_an_error_beside_the_email(self, client, user):
        response = client.post("/register", {**REGISTER, "phone": "0670000001", "email": "IVAN@example.com"})

        assert response.status_code == 400
        assert list(form_errors(response)) == ["email"]
        assert User.objects.count() == 1

    def test_a_taken_phone_is_an_error_beside_the_phone(self, client, user):
        response = client.post(
            "/register", {**REGISTER, "email": "other@example.com", "phone": "+380971112233"}
        )

        assert response.status_code == 400
        assert list(form_errors(response)) == ["phone"]

    def test_too_many_registrations_are_refused(self, client, settings):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {
                **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                "register": "1/hour",
            },
        }
        client.post("/register", REGISTER)
        client.post("/logout")

        response = client.post("/register", {**REGISTER, "email": "b@example.com", "phone": "0670000002"})

        assert response.status_code == 429
        assert form_errors(response)["__all__"]
        assert User.objects.count() == 1


# --- log in and out ---------------------------------------------------------------------------


class TestLogin:
    @pytest.mark.parametrize(
        "login", ["ivan@example.com", "IVAN@example.com", "+380971112233", "097 111 22 33"]
    )
    def test_log_in_by_email_or_phone(self, client, user, login):
        response = client.post("/login", {"login": login, "password": PASSWORD})

        assert response.status_code == 302
        assert response["Location"] == "/profile"
        assert client.session["_auth_user_id"] == str(user.pk)
        user.refresh_from_db()
        assert user.last_login is not None

    def test_next_is_followed_when_it_is_on_this_site(self, client, user):
        response = client.post("/login", {"login": "ivan@example.com", "password": PASSWORD, "next": "/cart"})

        assert response["Location"] == "/cart"

    def test_a_foreign_next_is_ignored(self, client, user):
        response = client.post(
            "/login", {"login": "ivan@example.com", "password": PASSWORD, "next": "https://evil.example/"}
        )

        assert response["Location"] == "/profile"

    def test_the_login_page_carries_next_from_the_query(self, client):
        response = client.get("/login?next=/profile/orders")

        assert response.context["form"]["next"].value() == "/profile/orders"

    @pytest.mark.parametrize(
        "credentials",
        [{"login": "ivan@example.com", "password": "wrong"}, {"login": "nobody@x.com", "password": PASSWORD}],
    )
    def test_wrong_credentials_are_one_error_above_the_form(self, client, user, credentials):
        response = client.post("/login", credentials)

        assert response.status_code == 400
        assert list(form_errors(response)) == ["__all__"]
        assert "_auth_user_id" not in client.session

    @pytest.mark.parametrize(
        ("fields", "error_field"),
        [({"login": ""}, "login"), ({"login": "ab"}, "login"), ({"password": ""}, "password")],
    )
    def test_missing_fields_are_errors_beside_them(self, client, user, fields, error_field):
        response = client.post("/login", {"login": "ivan@example.com", "password": PASSWORD, **fields})

        assert response.status_code == 400
        assert list(form_errors(response)) == [error_field]

    def test_a_deactivated_account_cannot_log_in(self, client, user):
        User.objects.filter(pk=user.pk).update(is_active=False)

        response = client.post("/login", {"login": "ivan@example.com", "password": PASSWORD})

        assert response.status_code == 400

    def test_logins_are_rate_limited_per_account(self, client, user):
        for _ in range(5):  # RATE_LIMIT_LOGIN: 5/min
            client.post("/login", {"login": "ivan@example.com", "password": "wrong"})

        response = client.post("/login", {"login": "ivan@example.com", "password": PASSWORD})

        assert response.status_code == 429
        assert form_errors(response)["__all__"]
        assert "_auth_user_id" not in client.session

    def test_logout_is_a_post_and_a_get_only_asks(self, logged_in):
        asked = logged_in.get("/logout")
        assert asked.status_code == 200
        assert "_auth_user_id" in logged_in.session

        response = logged_in.post("/logout")

        assert response["Location"] == "/"
        assert "_auth_user_id" not in logged_in.session


# --- passwords --------------------------------------------------------------------------------


class TestPasswordReset:
    def test_the_emailed_link_lands_on_the_reset_page_and_sets_the_password(
        self, client, user, settings, django_capture_on_commit_callbacks
    ):
        settings.FRONTEND_URL = "http://shop.example"
        with django_capture_on_commit_callbacks(execute=True):
            sent = client.post("/forgot-password", {"email": "ivan@example.com"})
        assert sent["Location"] == "/forgot-password?sent=1"
        link = next(line for line in mail.outbox[-1].body.splitlines() if "reset-password?token=" in line)
        assert link.strip().startswith("http://shop.example/reset-password?token=")
        token = reset_token_from_mail()

        page = client.get(f"/reset-password?token={token}")
        done = client.post(
            "/reset-password",
            {"token": token, "new_password": NEW_PASSWORD, "new_password_confirm": NEW_PASSWORD},
        )

        assert page.context["form"]["token"].value() == token
        assert done["Location"] == "/login"
        user.refresh_from_db()
        assert user.check_password(NEW_PASSWORD)
        again = client.post(
            "/reset-password",
            {"token": token, "new_password": "Another-secret-8", "new_password_confirm": "Another-secret-8"},
        )
        assert again.status_code == 400
        assert form_errors(again)["__all__"]

    def test_the_answer_is_the_same_for_an_unknown_email(self, client, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/forgot-password", {"email": "nobody@example.com"})

        assert response["Location"] == "/forgot-password?sent=1"
        assert client.get(response["Location"]).context["sent"] is True
        assert not mail.outbox

    @pytest.mark.parametrize("email", ["", "not-an-email"])
    def test_a_bad_email_is_an_error_beside_it(self, client, email):
        response = client.post("/forgot-password", {"email": email})

        assert response.status_code == 400
        assert list(form_errors(response)) == ["email"]

    def test_reset_requests_are_rate_limited(self, client, user):
        for _ in range(5):
            client.post("/forgot-password", {"email": "ivan@example.com"})

        response = client.post("/forgot-password", {"email": "ivan@example.com"})

        assert response.status_code == 429
        assert form_errors(response)["__all__"]

    def test_without_a_token_the_page_says_to_ask_for_a_link(self, client):
        response = client.get("/reset-password")

        assert response.status_code == 200
        assert response.context["has_token"] is False

    @pytest.mark.parametrize(
        ("fields", "error_field"),
        [
            ({"new_password": ""}, "new_password"),
            ({"new_password_confirm": ""}, "new_password_confirm"),
            ({"new_password_confirm": "Something-else-1"}, "new_password_confirm"),
            ({"new_password": "short", "new_password_confirm": "short"}, "new_password"),
            ({"new_password": "password123", "new_password_confirm": "password123"}, "new_password"),
            ({"token": "not-a-real-token"}, "__all__"),
            ({"token": ""}, "token"),
        ],
    )
    def test_each_problem_is_shown_beside_its_field(
        self, client, user, fields, error_field, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/forgot-password", {"email": "ivan@example.com"})
        data = {
            "token": reset_token_from_mail(),
            "new_password": NEW_PASSWORD,
            "new_password_confirm": NEW_PASSWORD,
            **fields,
        }

        response = client.post("/reset-password", data)

        assert response.status_code == 400
        assert list(form_errors(response)) == [error_field]
        user.refresh_from_db()
        assert user.check_password(PASSWORD)


class TestChangePassword:
    def test_change_keeps_the_session_and_sets_the_password(self, logged_in, user):
        response = logged_in.post(
            "/profile/password",
            {
                "current_password": PASSWORD,
                "new_password": NEW_PASSWORD,
                "new_password_confirm": NEW_PASSWORD,
            },
        )

        assert response["Location"] == "/profile"
        user.refresh_from_db()
        assert user.check_password(NEW_PASSWORD)
        assert logged_in.get("/profile").status_code == 200

    @pytest.mark.parametrize(
        ("fields", "error_field"),
        [
            ({"current_password": "wrong-password"}, "current_password"),
            ({"current_password": ""}, "current_password"),
            ({"new_password": "short", "new_password_confirm": "short"}, "new_password"),
            (
                {"new_password": "ivan@example.com1", "new_password_confirm": "ivan@example.com1"},
                "new_password",
            ),
            ({"new_password_confirm": "Mismatch-secret-1"}, "new_password_confirm"),
        ],
    )
    def test_each_problem_is_shown_beside_its_field(self, logged_in, user, fields, error_field):
        data = {
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_confirm": NEW_PASSWORD,
        }

        response = logged_in.post("/profile/password", {**data, **fields})

        assert response.status_code == 400
        assert list(form_errors(response)) == [error_field]
        user.refresh_from_db()
        assert user.check_password(PASSWORD)


# --- profile -------------------------------------------------------------------------------------


class TestProfile:
    def test_edit_saves_name_email_and_consent(self, logged_in, user):
        response = logged_in.post(
            "/profile/edit", {"name": "Олена Коваль", "email": "olena@example.com", "marketing_opt_in": "on"}
        )

        assert response["Location"] == "/profile"
        user.refresh_from_db()
        assert (user.first_name, user.last_name, user.email) == ("Олена", "Коваль", "olena@example.com")
        assert user.is_email_verified is False
        assert user.marketing_opt_in is True

    def test_the_form_starts_with_the_accounts_data(self, logged_in, user):
        form = logged_in.get("/profile/edit").context["form"]

        assert form["email"].value() == "ivan@example.com"
        assert form["name"].value() == user.name

    def test_an_email_of_another_account_is_an_error_beside_the_email(self, logged_in, user):
        UserFactory(email="taken@example.com")

        response = logged_in.post("/profile/edit", {"name": "Іван", "email": "taken@example.com"})

        assert response.status_code == 400
        assert list(form_errors(response)) == ["email"]
        user.refresh_from_db()
        assert user.email == "ivan@example.com"

    @pytest.mark.parametrize(
        ("fields", "error_field"), [({"email": "nope"}, "email"), ({"name": "x" * 121}, "name")]
    )
    def test_bad_fields_are_errors_beside_them(self, logged_in, fields, error_field):
        response = logged_in.post("/profile/edit", {"name": "Іван", "email": "ivan@example.com", **fields})

        assert response.status_code == 400
        assert list(form_errors(response)) == [error_field]

    def test_the_profile_shows_verification_state_with_verify_links(self, logged_in):
        content = logged_in.get("/profile").content.decode()

        assert 'href="/profile/verify/email"' in content
        assert 'href="/profile/verify/phone"' in content


class TestVerification:
    def code_from(self, text: str) -> str:
        return re.search(r"\b(\d{6})\b", text).group(1)

    def test_verify_the_phone_with_the_texted_code(
        self, logged_in, user, sms_outbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            sent = logged_in.post("/profile/verify/phone", {"action": "send"})
        assert sent["Location"] == "/profile/verify/phone"
        assert sms_outbox[-1].to == "+380971112233"

        response = logged_in.post(
            "/profile/verify/phone", {"action": "confirm", "code": self.code_from(sms_outbox[-1].text)}
        )

        assert response["Location"] == "/profile"
        user.refresh_from_db()
        assert user.is_phone_verified is True

    def test_verify_the_email_with_the_mailed_code(self, logged_in, user, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            logged_in.post("/profile/verify/email", {"action": "send"})

        logged_in.post(
            "/profile/verify/email", {"action": "confirm", "code": self.code_from(mail.outbox[-1].body)}
        )

        user.refresh_from_db()
        assert user.is_email_verified is True

    @pytest.mark.parametrize("code", ["", "12345", "abcdef", "1234567"])
    def test_a_malformed_code_is_an_error_beside_the_code(self, logged_in, code):
        response = logged_in.post("/profile/verify/phone", {"action": "confirm", "code": code})

        assert response.status_code == 400
        assert list(form_errors(response)) == ["code"]

    def test_a_wrong_code_is_an_error_beside_the_code(
        self, logged_in, user, sms_outbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            logged_in.post("/profile/verify/phone", {"action": "send"})
        wrong = "000000" if self.code_from(sms_outbox[-1].text) != "000000" else "111111"

        response = logged_in.post("/profile/verify/phone", {"action": "confirm", "code": wrong})

        assert response.status_code == 400
        assert list(form_errors(response)) == ["code"]
        user.refresh_from_db()
        assert user.is_phone_verified is False

    def test_sending_codes_is_rate_limited(self, logged_in, sms_outbox):
        for _ in range(5):  # RATE_LIMIT_VERIFY_SEND: 5/hour
            logged_in.post("/profile/verify/phone", {"action": "send"}, follow=True)

        response = logged_in.post("/profile/verify/phone", {"action": "send"}, follow=True)

        assert [message.level_tag for message in response.context["messages"]] == ["error"]

    def test_an_unknown_channel_or_a_missing_contact_is_404(self, client):
        user = UserFactory(email=None, phone="+380670000003")
        client.force_login(user)

        assert client.get("/profile/verify/fax").status_code == 404
        assert client.get("/profile/verify/email").status_code == 404


# --- address book -----------------------------------------------------------------------------------

ADDRESS = {
    "name": "Іван Петренко",
    "phone": "0971112233",
    "country": "UA",
    "city": "Київ",
    "street": "Хрещатик",
    "building": "1",
}


class TestAddresses:
    def test_add_an_address_the_first_one_becomes_the_default(self, logged_in, user):
        response = logged_in.post("/profile/addresses", ADDRESS)

        assert response["Location"] == "/profile/addresses"
        address = Address.objects.get(user=user)
        assert address.is_default is True
        assert address.phone == "+380971112233"

    def test_edit_an_address(self, logged_in, user):
        address = AddressFactory(user=user)

        response = logged_in.post(f"/profile/addresses/{address.pk}/edit", {**ADDRESS, "city": "Львів"})

        assert response["Location"] == "/profile/addresses"
        address.refresh_from_db()
        assert address.city == "Львів"

    def test_make_another_address_the_default(self, logged_in, user):
        first = AddressFactory(user=user, is_default=True)
        second = AddressFactory(user=user)

        logged_in.post(f"/profile/addresses/{second.pk}/default")

        first.refresh_from_db()
        second.refresh_from_db()
        assert (first.is_default, second.is_default) == (False, True)

    def test_delete_an_address(self, logged_in, user):
        address = AddressFactory(user=user)

        logged_in.post(f"/profile/addresses/{address.pk}/delete")

        assert not Address.objects.filter(pk=address.pk).exists()

    def test_someone_elses_address_is_404_everywhere(self, logged_in):
        address = AddressFactory()

        assert logged_in.get(f"/profile/addresses/{address.pk}/edit").status_code == 404
        assert logged_in.post(f"/profile/addresses/{address.pk}/edit", ADDRESS).status_code == 404
        assert logged_in.post(f"/profile/addresses/{address.pk}/default").status_code == 404
        assert logged_in.post(f"/profile/addresses/{address.pk}/delete").status_code == 404
        assert Address.objects.filter(pk=address.pk).exists()

    def test_delete_and_default_are_post_only(self, logged_in, user):
        address = AddressFactory(user=user)

        assert logged_in.get(f"/profile/addresses/{address.pk}/delete").status_code == 405
        assert logged_in.get(f"/profile/addresses/{address.pk}/default").status_code == 405

    @pytest.mark.parametrize(
        ("fields", "error_field"),
        [
            ({"name": ""}, "name"),
            ({"phone": ""}, "phone"),
            ({"phone": "123"}, "phone"),
            ({"country": "ZZ"}, "country"),
            ({"city": ""}, "city"),
            ({"street": ""}, "street"),
            ({"postal_code": "x" * 21}, "postal_code"),
            ({"apartment": "x" * 31}, "apartment"),
        ],
    )
    def test_each_bad_field_is_an_error_beside_it(self, logged_in, user, fields, error_field):
        response = logged_in.post("/profile/addresses", {**ADDRESS, **fields})

        assert response.status_code == 400
        assert list(form_errors(response)) == [error_field]
        assert not Address.objects.exists()

    def test_edit_errors_are_shown_beside_the_field_too(self, logged_in, user):
        address = AddressFactory(user=user)

        response = logged_in.post(f"/profile/addresses/{address.pk}/edit", {**ADDRESS, "city": ""})

        assert response.status_code == 400
        assert list(form_errors(response)) == ["city"]
