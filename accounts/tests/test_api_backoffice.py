"""Back-office REST `/rest/v1/customers/` and `/rest/v1/service/import_customers/` (staff only)."""

# The legacy-database fixtures are imported from accounts/tests/legacy.py (shared, and the
# package conftest belongs to the identity tests): pytest injects them by parameter name.
# ruff: noqa: F811

from __future__ import annotations

import uuid
from datetime import UTC, date, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ImportRun, ImportRunStatus, User
from accounts.services import tokens_issue
from accounts.tests.factories import PASSWORD, UserFactory
from accounts.tests.legacy import legacy_alias, row, sqlite_legacy  # noqa: F401 - fixture
from conftest import bearer
from notifications.tests.brokers import DEAD_BROKER_URL, broker
from orders.models import Order
from orders.tests.factories import stocked_product, storefront_item

pytestmark = pytest.mark.django_db

CUSTOMERS = "/rest/v1/customers/"


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["statusCode"] == status
    assert body["code"] == code
    assert body["error"]
    assert body["message"]
    return body


def customer_json(user: User) -> dict:
    return {
        "id": user.pk,
        "phone": None,
        "firstname": None,
        "lastname": None,
        "email": None,
        "birthday": None,
        "gender": None,
        "city_id": None,
        "last_auth_at": None,
    }


@pytest.fixture
def session_staff_client(staff) -> APIClient:
    client = APIClient()
    client.force_login(staff)
    return client


# --- access ------------------------------------------------------------------------------------

ENDPOINTS = [
    ("get", CUSTOMERS),
    ("post", CUSTOMERS),
    ("get", f"{CUSTOMERS}1/"),
    ("patch", f"{CUSTOMERS}1/"),
    ("delete", f"{CUSTOMERS}1/"),
    ("post", "/rest/v1/service/import_customers/"),
    ("post", "/grpc/v1/service/import_customers/"),
    ("get", f"/rest/v1/service/import_customers/{uuid.uuid4()}/"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_every_staff_endpoint_answers_401_without_credentials(api_client, method, path):
    assert_error(getattr(api_client, method)(path, {}), 401, "auth.unauthorized")


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_every_staff_endpoint_answers_403_to_a_customer(customer_client, method, path):
    before = User.objects.count()

    assert_error(getattr(customer_client, method)(path, {"phone": "0501112233"}), 403, "forbidden")

    assert User.objects.count() == before
    assert not ImportRun.objects.exists()


def test_a_staff_session_is_accepted(session_staff_client):
    UserFactory()

    response = session_staff_client.get(CUSTOMERS)

    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_session_writes_need_the_csrf_token(staff):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(staff)

    response = client.post(CUSTOMERS, {"email": "new@example.com"})

    assert_error(response, 403, "forbidden")
    assert not User.objects.filter(email="new@example.com").exists()


def test_a_deleted_staff_members_token_no_longer_works(staff, staff_client):
    staff.is_active = False
    staff.save()

    assert_error(staff_client.get(CUSTOMERS), 401, "auth.unauthorized")


# --- list and read -----------------------------------------------------------------------------


def test_list_shows_customers_oldest_first_without_staff_or_deleted_ones(staff_client, staff):
    first = UserFactory()
    second = UserFactory()
    UserFactory(is_deleted=True, is_active=False)

    response = staff_client.get(CUSTOMERS)

    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert [item["id"] for item in response.json()["items"]] == [first.pk, second.pk]


def test_list_pages_with_limit_and_offset(staff_client):
    users = [UserFactory() for _ in range(5)]

    response = staff_client.get(CUSTOMERS, {"limit": 2, "offset": 3})

    assert response.json()["count"] == 5
    assert [item["id"] for item in response.json()["items"]] == [users[3].pk, users[4].pk]


@pytest.mark.parametrize("query", [{"limit": 0}, {"limit": 101}, {"offset": -1}, {"limit": "x"}])
def test_list_refuses_a_bad_page(staff_client, query):
    body = assert_error(staff_client.get(CUSTOMERS, query), 400, "validation")

    assert isinstance(body["message"], list)


def test_a_customer_is_shown_exactly_in_the_contract_shape(staff_client):
    login_at = timezone.now().replace(microsecond=123000)
    user = UserFactory(
        phone="+380971112233",
        email="ving@example.com",
        first_name="Віктор",
        last_name="",
        birthday=date(1990, 5, 17),
        gender="M",
        city_id=7,
        last_login=login_at,
    )

    response = staff_client.get(f"{CUSTOMERS}{user.pk}/")

    assert response.status_code == 200
    assert response.json() == {
        "id": user.pk,
        "phone": {"id": user.pk, "code": "380", "number": "971112233"},
        "firstname": "Віктор",
        "lastname": None,
        "email": "ving@example.com",
        "birthday": "1990-05-17",
        "gender": "M",
        "city_id": 7,
        "last_auth_at": login_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.123Z"),
    }


def test_a_customer_without_phone_shows_phone_null(staff_client):
    user = UserFactory(phone=None, first_name="", last_name="")

    body = staff_client.get(f"{CUSTOMERS}{user.pk}/").json()

    assert body == {**customer_json(user), "email": user.email}


def test_a_deleted_staff_or_absent_customer_is_404(staff_client, staff):
    deleted = UserFactory(is_deleted=True, is_active=False)

    for customer_id in (deleted.pk, staff.pk, 999999, 2**63):
        assert_error(staff_client.get(f"{CUSTOMERS}{customer_id}/"), 404, "not_found")


def test_last_auth_at_is_the_last_login(staff_client, api_client):
    user = UserFactory(email="ivan@example.com")
    api_client.post("/auth/login", {"login": "ivan@example.com", "password": PASSWORD})

    body = staff_client.get(f"{CUSTOMERS}{user.pk}/").json()

    user.refresh_from_db()
    assert body["last_auth_at"] is not None
    assert body["last_auth_at"].endswith("Z")
    assert user.last_login is not None


# --- create ------------------------------------------------------------------------------------


def test_create_normalizes_the_phone_and_answers_201_with_the_customer(staff_client):
    response = staff_client.post(
        CUSTOMERS,
        {
            "phone": "+38 (097) 111-22-33",
            "firstname": "Віктор",
            "lastname": "",
            "email": "VING@example.com",
            "birthday": "1990-05-17",
            "gender": "M",
            "city_id": 3,
        },
    )

    assert response.status_code == 201, response.content
    user = User.objects.get(phone="+380971112233")
    assert response.json() == {
        "id": user.pk,
        "phone": {"id": user.pk, "code": "380", "number": "971112233"},
        "firstname": "Віктор",
        "lastname": None,
        "email": "ving@example.com",
        "birthday": "1990-05-17",
        "gender": "M",
        "city_id": 3,
        "last_auth_at": None,
    }
    assert (user.birthday, user.gender, user.city_id) == (date(1990, 5, 17), "M", 3)
    assert not user.has_usable_password()
    assert not user.is_staff


def test_create_with_only_an_email(staff_client):
    response = staff_client.post(CUSTOMERS, {"email": "only@example.com", "phone": None, "gender": None})

    assert response.status_code == 201
    assert response.json()["phone"] is None
    assert User.objects.get(email="only@example.com").phone is None


def test_create_with_a_taken_phone_is_409_and_creates_nothing(staff_client):
    UserFactory(phone="+380971112233")
    before = User.objects.count()

    response = staff_client.post(CUSTOMERS, {"phone": "0971112233", "email": "new@example.com"})

    assert_error(response, 409, "auth.phoneTaken")
    assert User.objects.count() == before


def test_create_with_a_taken_email_in_other_case_is_409(staff_client):
    UserFactory(email="taken@example.com")
    before = User.objects.count()

    response = staff_client.post(CUSTOMERS, {"email": "Taken@Example.com"})

    assert_error(response, 409, "auth.emailTaken")
    assert User.objects.count() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "phone"),
        ({"phone": "", "email": ""}, "phone"),
        ({"phone": "12345"}, "phone"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "a@example.com", "gender": "X"}, "gender"),
        ({"email": "a@example.com", "birthday": "17.05.1990"}, "birthday"),
        ({"email": "a@example.com", "birthday": "2999-01-01"}, "birthday"),
        ({"email": "a@example.com", "birthday": "1899-12-31"}, "birthday"),
        ({"email": "a@example.com", "city_id": 0}, "city_id"),
        ({"email": "a@example.com", "city_id": "десять"}, "city_id"),
        ({"email": "a@example.com", "firstname": "Я" * 121}, "firstname"),
    ],
)
def test_create_with_bad_input_is_400_and_creates_nothing(staff_client, body, field):
    before = User.objects.count()

    response = staff_client.post(CUSTOMERS, body)

    error = assert_error(response, 400, "validation")
    assert field in error["fields"]
    assert User.objects.count() == before


# --- patch -------------------------------------------------------------------------------------


def test_patch_changes_the_given_fields_and_answers_with_the_customer(staff_client):
    user = UserFactory(
        phone="+380971112233", email="old@example.com", first_name="Іван", last_name="Петренко"
    )
    user.is_email_verified = True
    user.save()

    response = staff_client.patch(
        f"{CUSTOMERS}{user.pk}/",
        {
            "email": "New@example.com",
            "lastname": "",
            "birthday": "1991-01-02",
            "gender": "F",
            "city_id": None,
        },
    )

    assert response.status_code == 200, response.content
    assert response.json() == {
        "id": user.pk,
        "phone": {"id": user.pk, "code": "380", "number": "971112233"},
        "firstname": "Іван",
        "lastname": None,
        "email": "new@example.com",
        "birthday": "1991-01-02",
        "gender": "F",
        "city_id": None,
        "last_auth_at": None,
    }
    user.refresh_from_db()
    assert (user.email, user.last_name, user.first_name) == ("new@example.com", "", "Іван")
    assert not user.is_email_verified


def test_patch_with_only_a_phone_answers_success_and_unverifies_the_new_phone(staff_client):
    user = UserFactory(phone="+380971112233")
    user.is_phone_verified = True
    user.save()

    response = staff_client.patch(f"{CUSTOMERS}{user.pk}/", {"phone": "050 123 45 67"})

    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    assert isinstance(body["message"], str)
    assert body["message"]
    user.refresh_from_db()
    assert user.phone == "+380501234567"
    assert not user.is_phone_verified


def test_patch_with_the_phone_of_another_customer_is_409_and_changes_nothing(staff_client):
    UserFactory(phone="+380501234567")
    user = UserFactory(phone="+380971112233")

    response = staff_client.patch(f"{CUSTOMERS}{user.pk}/", {"phone": "0501234567"})

    assert_error(response, 409, "auth.phoneTaken")
    user.refresh_from_db()
    assert user.phone == "+380971112233"


def test_patch_with_the_email_of_another_customer_is_409_and_changes_nothing(staff_client):
    UserFactory(email="taken@example.com")
    user = UserFactory(email="mine@example.com", first_name="Іван")

    response = staff_client.patch(
        f"{CUSTOMERS}{user.pk}/", {"email": "TAKEN@example.com", "firstname": "Інший"}
    )

    assert_error(response, 409, "auth.emailTaken")
    user.refresh_from_db()
    assert (user.email, user.first_name) == ("mine@example.com", "Іван")


def test_patch_keeping_the_own_phone_is_fine(staff_client):
    user = UserFactory(phone="+380971112233")

    response = staff_client.patch(f"{CUSTOMERS}{user.pk}/", {"phone": "+380971112233"})

    assert response.json()["success"] is True


def test_patch_that_would_leave_no_phone_and_no_email_is_400(staff_client):
    user = UserFactory(phone="+380971112233", email=None)

    response = staff_client.patch(f"{CUSTOMERS}{user.pk}/", {"phone": None})

    assert_error(response, 400, "validation")
    user.refresh_from_db()
    assert user.phone == "+380971112233"


def test_patch_can_drop_the_phone_when_an_email_remains(staff_client):
    user = UserFactory(phone="+380971112233", email="a@example.com")

    response = staff_client.patch(f"{CUSTOMERS}{user.pk}/", {"phone": None, "firstname": "Іван"})

    assert response.status_code == 200
    assert response.json()["phone"] is None
    user.refresh_from_db()
    assert user.phone is None


@pytest.mark.parametrize(
    "body", [{"phone": "abc"}, {"gender": "male"}, {"birthday": "tomorrow"}, {"email": "@"}, ["phone"]]
)
def test_patch_with_bad_input_is_400_and_changes_nothing(staff_client, body):
    user = UserFactory(phone="+380971112233", email="a@example.com")
    before = User.objects.filter(pk=user.pk).values().get()

    response = staff_client.patch(f"{CUSTOMERS}{user.pk}/", body, format="json")

    assert_error(response, 400, "validation")
    assert User.objects.filter(pk=user.pk).values().get() == before


def test_patch_of_a_deleted_or_staff_account_is_404(staff_client, staff):
    deleted = UserFactory(is_deleted=True, is_active=False)

    assert_error(staff_client.patch(f"{CUSTOMERS}{deleted.pk}/", {"firstname": "X"}), 404, "not_found")
    assert_error(staff_client.patch(f"{CUSTOMERS}{staff.pk}/", {"firstname": "X"}), 404, "not_found")


# --- delete ------------------------------------------------------------------------------------


def test_delete_soft_deletes_the_customer_who_keeps_orders_but_cannot_log_in(staff_client, api_client):
    customer = UserFactory(phone="+380971112233", email="ivan@example.com")
    product = stocked_product()
    placed = bearer(customer).post(
        "/orders", {"phone": customer.phone, "clientId": "c-1", "items": [storefront_item(product)]}
    )
    assert placed.status_code == 201, placed.content
    refresh_token = tokens_issue(user=customer).refresh_token

    response = staff_client.delete(f"{CUSTOMERS}{customer.pk}/")

    assert response.status_code == 200
    assert response.json()["success"] is True
    assert response.json()["message"]
    customer.refresh_from_db()
    assert customer.is_deleted
    assert not customer.is_active
    assert Order.objects.filter(customer=customer).count() == 1
    login = api_client.post("/auth/login", {"login": "ivan@example.com", "password": PASSWORD})
    assert login.status_code == 401
    assert api_client.post("/auth/refresh", {"refreshToken": refresh_token}).status_code == 401
    assert_error(staff_client.get(f"{CUSTOMERS}{customer.pk}/"), 404, "not_found")
    assert_error(staff_client.delete(f"{CUSTOMERS}{customer.pk}/"), 404, "not_found")


def test_trailing_slash_paths_only(staff_client):
    assert_error(staff_client.get("/rest/v1/customers"), 404, "not_found")


# --- the import endpoints ---------------------------------------------------------------------------

IMPORT = "/rest/v1/service/import_customers/"
LEGACY_IMPORT = "/grpc/v1/service/import_customers/"


def test_starting_an_import_without_a_legacy_database_is_409(staff_client):
    assert_error(staff_client.post(IMPORT), 409, "import.sourceNotConfigured")
    assert not ImportRun.objects.exists()


@pytest.mark.parametrize("path", [IMPORT, LEGACY_IMPORT])
def test_post_starts_the_import_task_and_get_shows_its_summary(
    staff_client, staff, sqlite_legacy, django_capture_on_commit_callbacks, path
):
    sqlite_legacy([row("0971112233", "a@example.com"), row("bad"), row("0501112233")])

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = staff_client.post(path, {"batchSize": 2})

    assert response.status_code == 202, response.content
    task_id = response.json()["taskId"]
    assert list(response.json()) == ["taskId"]
    assert len(callbacks) == 1
    run = ImportRun.objects.get(pk=task_id)
    assert run.requested_by == staff
    assert User.objects.filter(phone__in=["+380971112233", "+380501112233"]).count() == 2

    status = staff_client.get(f"{IMPORT}{task_id}/")

    assert status.status_code == 200
    body = status.json()
    assert body["taskId"] == task_id
    assert body["status"] == "succeeded"
    assert (body["source"], body["dryRun"], body["batchSize"], body["total"], body["processed"]) == (
        "legacy",
        False,
        2,
        3,
        3,
    )
    assert body["summary"] == {
        "read": 3,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "skipped": 1,
        "skippedRows": [
            {"row": 2, "code": "invalid_phone", "reason": body["summary"]["skippedRows"][0]["reason"]}
        ],
        "skippedRowsTruncated": False,
    }
    assert body["error"] is None
    assert body["createdAt"].endswith("Z")
    assert body["startedAt"].endswith("Z")
    assert body["finishedAt"].endswith("Z")


def test_a_dry_run_import_reports_and_writes_no_customer(
    staff_client, sqlite_legacy, django_capture_on_commit_callbacks
):
    sqlite_legacy([row("0971112233", "a@example.com")])

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(IMPORT, {"dryRun": True})

    body = staff_client.get(f"{IMPORT}{response.json()['taskId']}/").json()
    assert body["dryRun"] is True
    assert body["summary"]["created"] == 1
    assert not User.objects.filter(phone="+380971112233").exists()


def test_a_failing_legacy_database_leaves_a_failed_run_with_the_reason(
    staff_client, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_RETRIES = 0
    unreachable = {"ENGINE": "django.db.backends.postgresql", "NAME": "x", "HOST": "127.0.0.1", "PORT": "9"}

    with legacy_alias(unreachable), django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(IMPORT)

    assert response.status_code == 202
    body = staff_client.get(f"{IMPORT}{response.json()['taskId']}/").json()
    assert body["status"] == "failed"
    assert body["error"]
    assert ImportRun.objects.get().status == ImportRunStatus.FAILED


def test_with_the_broker_down_the_run_is_failed_not_the_request(
    staff_client, sqlite_legacy, django_capture_on_commit_callbacks
):
    sqlite_legacy([row("0971112233")])

    with broker(DEAD_BROKER_URL), django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(IMPORT)

    assert response.status_code == 202
    body = staff_client.get(f"{IMPORT}{response.json()['taskId']}/").json()
    assert body["status"] == "failed"
    assert body["error"]
    assert not User.objects.filter(phone="+380971112233").exists()


@pytest.mark.parametrize("body", [{"batchSize": 0}, {"batchSize": 10001}, {"dryRun": "maybe"}])
def test_starting_an_import_with_bad_options_is_400(staff_client, sqlite_legacy, body):
    sqlite_legacy([])

    assert_error(staff_client.post(IMPORT, body), 400, "validation")
    assert not ImportRun.objects.exists()


@pytest.mark.parametrize("path", [IMPORT, LEGACY_IMPORT])
def test_a_get_on_the_start_paths_is_405_and_starts_nothing(staff_client, path):
    assert_error(staff_client.get(path), 405, "method_not_allowed")
    assert not ImportRun.objects.exists()


def test_an_unknown_task_is_404(staff_client):
    assert_error(staff_client.get(f"{IMPORT}{uuid.uuid4()}/"), 404, "not_found")
    assert_error(staff_client.get(f"{IMPORT}not-a-uuid/"), 404, "not_found")


def test_a_queued_run_shows_queued_with_empty_counters(staff_client):
    run = ImportRun.objects.create(
        source="legacy", batch_size=500, created_at=timezone.now() - timedelta(seconds=5)
    )

    body = staff_client.get(f"{IMPORT}{run.pk}/").json()

    assert (body["status"], body["processed"], body["total"], body["startedAt"]) == ("queued", 0, None, None)
