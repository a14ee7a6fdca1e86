"""The favorites page and the heart on a product's page."""

from __future__ import annotations

import pytest

from accounts.tests.factories import UserFactory
from favorites.models import Favorite
from orders.tests.factories import stocked_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def logged_in(client, user):
    client.force_login(user)
    return client


def test_add_from_the_product_page_then_list_then_remove(logged_in, user):
    product = stocked_product(slug="filtek")
    page = logged_in.get("/catalog/filtek/")
    assert page.context["is_favorite"] is False

    added = logged_in.post(f"/profile/favorites/{product.pk}", {"action": "add", "next": "/catalog/filtek/"})

    assert added["Location"] == "/catalog/filtek/"
    assert logged_in.get("/catalog/filtek/").context["is_favorite"] is True
    listing = logged_in.get("/profile/favorites")
    assert [item.product.pk for item in listing.context["items"]] == [product.pk]

    logged_in.post(f"/profile/favorites/{product.pk}", {"action": "remove"})

    assert not Favorite.objects.exists()


def test_adding_twice_keeps_one_favorite(logged_in, user):
    product = stocked_product()

    logged_in.post(f"/profile/favorites/{product.pk}", {"action": "add"})
    logged_in.post(f"/profile/favorites/{product.pk}", {"action": "add"})

    assert Favorite.objects.filter(user=user).count() == 1


def test_an_unknown_product_or_action_is_404(logged_in):
    product = stocked_product()

    assert logged_in.post("/profile/favorites/999999", {"action": "add"}).status_code == 404
    assert logged_in.post(f"/profile/favorites/{product.pk}", {"action": "toggle"}).status_code == 404


def test_guests_are_sent_to_log_in(client):
    product = stocked_product()

    response = client.post(f"/profile/favorites/{product.pk}", {"action": "add"})

    assert response["Location"] == f"/login?next=/profile/favorites/{product.pk}"
    assert not Favorite.objects.exists()


def test_the_list_is_paged(logged_in, user):
    for _ in range(14):
        Favorite.objects.create(user=user, product=stocked_product())

    first = logged_in.get("/profile/favorites")
    second = logged_in.get("/profile/favorites?page=2")

    assert len(first.context["items"]) == 12
    assert len(second.context["items"]) == 2


def test_cards_carry_a_heart_for_logged_in_shoppers_only(client, user):
    product = stocked_product()
    Favorite.objects.create(user=user, product=product)
    other = stocked_product()

    guest = client.get("/catalog/")
    client.force_login(user)
    member = client.get("/catalog/")

    assert guest.context["favorite_ids"] is None
    assert 'class="heart-form"' not in guest.content.decode()
    assert member.context["favorite_ids"] == {product.pk}
    content = member.content.decode()
    assert f'action="/profile/favorites/{product.pk}"' in content
    assert f'action="/profile/favorites/{other.pk}"' in content
