"""Favorites in the admin."""

from __future__ import annotations

import pytest

from accounts.models import User
from favorites.tests.factories import FavoriteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser(email="admin@example.com", password="Admin-password-1"))
    return client


def test_favorites_list_searches_by_customer_and_product(admin_client):
    wanted = FavoriteFactory(user__email="olena@example.com")
    FavoriteFactory(user__email="petro@example.com")

    response = admin_client.get("/admin/favorites/favorite/", {"q": "olena@"})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [wanted]


def test_favorites_list_takes_a_fixed_number_of_queries(admin_client, django_assert_max_num_queries):
    FavoriteFactory.create_batch(3)
    with django_assert_max_num_queries(12) as few:
        admin_client.get("/admin/favorites/favorite/")
    FavoriteFactory.create_batch(30)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client.get("/admin/favorites/favorite/")

    assert len(response.context["cl"].result_list) == 33


def test_staff_can_delete_a_favorite_from_the_admin(admin_client):
    favorite = FavoriteFactory()

    response = admin_client.post(f"/admin/favorites/favorite/{favorite.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not type(favorite).objects.exists()
