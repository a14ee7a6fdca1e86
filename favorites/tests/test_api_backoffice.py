"""Back-office `/rest/v1/favorites/`: filters, paging, add, bulk delete; staff only."""

from __future__ import annotations

from datetime import datetime

import pytest

from accounts.tests.factories import UserFactory
from catalog.tests.factories import ProductFactory
from favorites.models import Favorite
from favorites.tests.factories import FavoriteFactory

pytestmark = pytest.mark.django_db

URL = "/rest/v1/favorites/"


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert (body["statusCode"], body["code"]) == (status, code)
    assert body["message"]
    return body


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


# --- access ------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_anonymous_gets_401(api_client, method):
    assert_error(getattr(api_client, method)(URL, {}), 401, "auth.unauthorized")


@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_a_customer_gets_403_and_changes_nothing(customer_client, customer, method):
    favorite = FavoriteFactory(user=customer)

    response = getattr(customer_client, method)(
        URL, {"id": [favorite.pk], "user_id": customer.pk, "item_id": ProductFactory().pk}, format="json"
    )

    assert_error(response, 403, "forbidden")
    assert list(Favorite.objects.values_list("pk", flat=True)) == [favorite.pk]


# --- list --------------------------------------------------------------------------------------


def test_list_shows_every_favorite_oldest_first_in_the_contract_shape(staff_client):
    first = FavoriteFactory(created_at=at("2026-02-19T10:00:00.123456+00:00"))
    second = FavoriteFactory()

    response = staff_client.get(URL)

    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "id": first.pk,
                "user_id": first.user_id,
                "item_id": first.product_id,
                "created_at": "2026-02-19T10:00:00.123Z",
            },
            {
                "id": second.pk,
                "user_id": second.user_id,
                "item_id": second.product_id,
                "created_at": response.json()["items"][1]["created_at"],
            },
        ],
        "count": 2,
    }


def test_list_pages_with_limit_and_offset_and_counts_all_matches(staff_client):
    favorites = FavoriteFactory.create_batch(5)

    response = staff_client.get(URL, {"limit": 2, "offset": 1})

    assert ids(response) == [favorites[1].pk, favorites[2].pk]
    assert response.json()["count"] == 5


def test_filter_by_id(staff_client):
    favorites = FavoriteFactory.create_batch(3)

    assert ids(staff_client.get(URL, {"id": favorites[1].pk})) == [favorites[1].pk]


def test_filter_by_several_user_ids_and_item_ids(staff_client):
    alice, bob, carol = UserFactory(), UserFactory(), UserFactory()
    soap, cream = ProductFactory(), ProductFactory()
    alice_soap = FavoriteFactory(user=alice, product=soap)
    bob_cream = FavoriteFactory(user=bob, product=cream)
    FavoriteFactory(user=carol, product=soap)
    alice_cream = FavoriteFactory(user=alice, product=cream)

    by_users = staff_client.get(f"{URL}?user_id={alice.pk}&user_id={bob.pk}")
    by_items = staff_client.get(f"{URL}?item_id={cream.pk}")
    both = staff_client.get(f"{URL}?user_id={alice.pk}&user_id={carol.pk}&item_id={cream.pk}")
    bracketed = staff_client.get(f"{URL}?user_id[]={bob.pk}")

    assert ids(by_users) == [alice_soap.pk, bob_cream.pk, alice_cream.pk]
    assert by_users.json()["count"] == 3
    assert ids(by_items) == [bob_cream.pk, alice_cream.pk]
    assert ids(both) == [alice_cream.pk]
    assert ids(bracketed) == [bob_cream.pk]


def test_created_at_as_a_date_is_that_whole_day_in_kyiv_time(staff_client):
    # Kyiv is UTC+2 in February: the 19th runs from 18th 22:00 UTC to 19th 22:00 UTC.
    before = FavoriteFactory(created_at=at("2026-02-18T21:59:59.999999+00:00"))
    start = FavoriteFactory(created_at=at("2026-02-18T22:00:00+00:00"))
    end = FavoriteFactory(created_at=at("2026-02-19T21:59:59.999999+00:00"))
    after = FavoriteFactory(created_at=at("2026-02-19T22:00:00+00:00"))

    assert ids(staff_client.get(URL, {"created_at": "2026-02-19"})) == [start.pk, end.pk]
    assert ids(staff_client.get(URL, {"created_at__gte": "2026-02-19"})) == [start.pk, end.pk, after.pk]
    assert ids(staff_client.get(URL, {"created_at__lte": "2026-02-19"})) == [before.pk, start.pk, end.pk]
    assert ids(staff_client.get(URL, {"created_at__gte": "2026-02-19", "created_at__lte": "2026-02-19"})) == [
        start.pk,
        end.pk,
    ]


def test_created_at_as_a_datetime_matches_at_the_precision_given(staff_client):
    favorite = FavoriteFactory(created_at=at("2026-02-19T10:30:05.123456+00:00"))
    FavoriteFactory(created_at=at("2026-02-19T10:31:00+00:00"))

    for value in (
        "2026-02-19T10:30Z",
        "2026-02-19T10:30:05Z",
        "2026-02-19T10:30:05.123Z",  # as the API prints it
        "2026-02-19T12:30:05+02:00",
        "2026-02-19T12:30:05 02:00",  # a "+" the client did not percent-encode
        "2026-02-19T12:30:05",  # no offset: Kyiv time
    ):
        assert ids(staff_client.get(URL, {"created_at": value})) == [favorite.pk], value
    assert ids(staff_client.get(URL, {"created_at": "2026-02-19T10:30:06Z"})) == []


def test_created_at_bounds_with_datetimes(staff_client):
    early = FavoriteFactory(created_at=at("2026-02-19T10:00:00+00:00"))
    late = FavoriteFactory(created_at=at("2026-02-19T11:00:00+00:00"))

    assert ids(staff_client.get(URL, {"created_at__gte": "2026-02-19T10:00:01Z"})) == [late.pk]
    assert ids(staff_client.get(URL, {"created_at__lte": "2026-02-19T10:59:59Z"})) == [early.pk]
    assert ids(staff_client.get(URL, {"created_at__lte": "2026-02-19T11:00:00Z"})) == [early.pk, late.pk]


@pytest.mark.parametrize(
    "query",
    [
        {"user_id": "abc"},
        {"item_id": "1.5"},
        {"id": "-3"},
        {"id": str(2**63)},
        {"created_at": "yesterday"},
        {"created_at": "2026-02-30"},
        {"created_at__gte": "2026-13-01T00:00"},
        {"limit": 0},
        {"offset": "x"},
    ],
)
def test_a_bad_filter_is_400_in_the_error_format(staff_client, query):
    FavoriteFactory()

    body = assert_error(staff_client.get(URL, query), 400, "validation")

    assert isinstance(body["message"], list)


def test_list_query_count_does_not_grow_with_the_page(staff_client, django_assert_max_num_queries):
    FavoriteFactory.create_batch(30)

    # The staff user (token auth), the page, the count.
    with django_assert_max_num_queries(3):
        assert len(staff_client.get(URL, {"limit": 30}).json()["items"]) == 30


# --- add ---------------------------------------------------------------------------------------


def test_add_answers_201_then_200_with_the_same_favorite(staff_client):
    user, product = UserFactory(), ProductFactory()

    created = staff_client.post(URL, {"user_id": user.pk, "item_id": product.pk})
    again = staff_client.post(URL, {"user_id": user.pk, "item_id": product.pk})

    assert created.status_code == 201
    favorite = Favorite.objects.get()
    assert created.json() == {
        "id": favorite.pk,
        "user_id": user.pk,
        "item_id": product.pk,
        "created_at": created.json()["created_at"],
    }
    assert again.status_code == 200
    assert again.json() == created.json()


def test_add_for_an_unknown_or_deleted_customer_is_404(staff_client):
    product = ProductFactory()
    gone = UserFactory(is_deleted=True, is_active=False)

    for user_id in (999_999, gone.pk):
        body = assert_error(
            staff_client.post(URL, {"user_id": user_id, "item_id": product.pk}), 404, "not_found"
        )
        assert body["message"]
    assert not Favorite.objects.exists()


def test_add_of_an_unknown_or_inactive_product_is_404(staff_client):
    user = UserFactory()

    for item_id in (999_999, ProductFactory(is_active=False).pk):
        assert_error(staff_client.post(URL, {"user_id": user.pk, "item_id": item_id}), 404, "not_found")
    assert not Favorite.objects.exists()


@pytest.mark.parametrize(
    "body", [{}, {"user_id": 1}, {"user_id": "x", "item_id": 1}, {"user_id": 0, "item_id": 1}, {"item_id": 1}]
)
def test_add_with_bad_input_is_400(staff_client, body):
    assert_error(staff_client.post(URL, body), 400, "validation")
    assert not Favorite.objects.exists()


# --- bulk delete -------------------------------------------------------------------------------


def test_delete_by_ids_counts_only_those_that_existed(staff_client):
    favorites = FavoriteFactory.create_batch(3)

    response = staff_client.delete(URL, {"id": [favorites[0].pk, favorites[2].pk, 999_999]}, format="json")

    assert response.status_code == 200
    assert response.json() == {"success": True, "message": None, "data": {"count_deleted": 2}}
    assert list(Favorite.objects.values_list("pk", flat=True)) == [favorites[1].pk]


def test_delete_of_an_empty_list_deletes_nothing(staff_client):
    FavoriteFactory()

    response = staff_client.delete(URL, {"id": []}, format="json")

    assert response.json()["data"] == {"count_deleted": 0}
    assert Favorite.objects.count() == 1


@pytest.mark.parametrize("body", [{}, {"id": 3}, {"id": ["x"]}, {"id": [0]}, {"id": list(range(1, 1002))}])
def test_delete_with_bad_input_is_400_and_deletes_nothing(staff_client, body):
    favorite = FavoriteFactory()

    assert_error(staff_client.delete(URL, body, format="json"), 400, "validation")
    assert Favorite.objects.filter(pk=favorite.pk).exists()
