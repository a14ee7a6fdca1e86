"""Favorites services: idempotent add, remove, bulk delete."""

from __future__ import annotations

import pytest

from accounts.tests.factories import UserFactory
from catalog.exceptions import ProductNotFound
from catalog.tests.factories import ProductFactory
from conftest import run_in_threads
from favorites.models import Favorite
from favorites.services import favorite_add, favorite_delete_many, favorite_remove
from favorites.tests.factories import FavoriteFactory

pytestmark = pytest.mark.django_db


def test_adding_a_product_twice_returns_the_first_favorite_and_creates_one_row(customer):
    product = ProductFactory()

    first, created_first = favorite_add(user=customer, product_id=product.pk)
    second, created_second = favorite_add(user=customer, product_id=product.pk)

    assert (created_first, created_second) == (True, False)
    assert first.pk == second.pk
    assert Favorite.objects.count() == 1


@pytest.mark.parametrize("product_id", [0, -1, 999_999, 2**63])
def test_adding_an_unknown_product_raises_not_found(customer, product_id):
    with pytest.raises(ProductNotFound):
        favorite_add(user=customer, product_id=product_id)

    assert not Favorite.objects.exists()


def test_adding_an_inactive_product_raises_not_found(customer):
    with pytest.raises(ProductNotFound):
        favorite_add(user=customer, product_id=ProductFactory(is_active=False).pk)


def test_remove_reports_whether_the_favorite_was_there(customer):
    favorite = FavoriteFactory(user=customer)
    FavoriteFactory(product=favorite.product)  # someone else's stays

    assert favorite_remove(user=customer, product_id=favorite.product_id) is True
    assert favorite_remove(user=customer, product_id=favorite.product_id) is False
    assert Favorite.objects.count() == 1


def test_bulk_delete_counts_only_ids_that_existed():
    favorites = FavoriteFactory.create_batch(3)

    count = favorite_delete_many(favorite_ids=[favorites[0].pk, favorites[1].pk, favorites[1].pk, 999_999])

    assert count == 2
    assert list(Favorite.objects.values_list("pk", flat=True)) == [favorites[2].pk]


@pytest.mark.django_db(transaction=True)
def test_concurrent_adds_of_one_pair_leave_one_row(postgres_only):
    user = UserFactory()
    product = ProductFactory()

    results = run_in_threads(4, lambda _index: favorite_add(user=user, product_id=product.pk))

    assert all(isinstance(result, tuple) for result in results), results
    assert sorted(created for _favorite, created in results) == [False, False, False, True]
    assert len({favorite.pk for favorite, _created in results}) == 1
    assert Favorite.objects.count() == 1


def test_favorite_product_ids_tells_which_of_the_shown_products_are_favorites(
    customer, django_assert_num_queries
):
    from favorites.selectors import favorite_product_ids

    liked, other = ProductFactory(), ProductFactory()
    FavoriteFactory(user=customer, product=liked)
    FavoriteFactory(product=other)  # someone else's

    with django_assert_num_queries(1):
        assert favorite_product_ids(user=customer, product_ids=[liked.pk, other.pk]) == {liked.pk}
    with django_assert_num_queries(0):
        assert favorite_product_ids(user=customer, product_ids=[]) == set()
