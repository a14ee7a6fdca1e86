"""Customers in the admin: new profile fields, links to orders and favorites, the soft-delete
action, and the read-only history of import runs."""

from __future__ import annotations

import pytest

from accounts.models import ImportRun, User
from accounts.services import tokens_issue
from accounts.tests.factories import UserFactory
from favorites.tests.factories import FavoriteFactory

pytestmark = pytest.mark.django_db

USERS = "/admin/accounts/user/"


@pytest.fixture
def admin_user(db) -> User:
    return User.objects.create_superuser(email="admin@example.com", password="Admin-password-1")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_customer_page_links_to_their_orders_and_favorites(admin_client):
    customer = UserFactory(city_id=12)

    response = admin_client.get(f"{USERS}{customer.pk}/change/")

    assert response.status_code == 200
    assert f"/admin/orders/order/?customer__id__exact={customer.pk}" in response.text
    assert f"/admin/favorites/favorite/?user__id__exact={customer.pk}" in response.text
    assert 'name="birthday"' in response.text
    assert 'name="gender"' in response.text


def test_the_linked_lists_show_only_that_customers_rows(admin_client):
    customer, other = UserFactory(), UserFactory()
    mine = FavoriteFactory(user=customer)
    FavoriteFactory(user=other)

    favorites = admin_client.get(f"/admin/favorites/favorite/?user__id__exact={customer.pk}")
    orders = admin_client.get(f"/admin/orders/order/?customer__id__exact={customer.pk}")

    assert favorites.status_code == 200
    assert list(favorites.context["cl"].result_list) == [mine]
    assert orders.status_code == 200


def test_soft_delete_action_deletes_the_selected_customers_through_the_service(admin_client):
    first, second, untouched = UserFactory(), UserFactory(), UserFactory()
    refresh = tokens_issue(user=first).refresh_token

    response = admin_client.post(
        USERS,
        {"action": "soft_delete_customers", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert "2" in " ".join(str(message) for message in response.context["messages"])
    for user in (first, second):
        user.refresh_from_db()
        assert (user.is_deleted, user.is_active) == (True, False)
        assert user.deleted_at is not None
    untouched.refresh_from_db()
    assert not untouched.is_deleted
    # Tokens die with the account (the service, not a bare flag update, ran).
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

    assert BlacklistedToken.objects.filter(token__token=refresh).exists()


def test_soft_delete_action_refuses_to_delete_the_admin_themselves(admin_client, admin_user):
    response = admin_client.post(
        USERS, {"action": "soft_delete_customers", "_selected_action": [admin_user.pk]}, follow=True
    )

    assert response.status_code == 200
    admin_user.refresh_from_db()
    assert not admin_user.is_deleted
    assert any(message.level_tag == "error" for message in response.context["messages"])


def test_import_runs_are_listed_and_viewable_but_read_only(admin_client, admin_user):
    run = ImportRun.objects.create(
        source="file",
        file_path="exports/customers.csv",
        batch_size=10,
        created_count=3,
        requested_by=admin_user,
    )

    listing = admin_client.get("/admin/accounts/importrun/")
    page = admin_client.get(f"/admin/accounts/importrun/{run.pk}/change/")

    assert listing.status_code == 200
    assert str(run.pk) in listing.text
    assert page.status_code == 200
    assert 'name="_save"' not in page.text  # view only
    assert admin_client.get("/admin/accounts/importrun/add/").status_code == 403
    assert (
        admin_client.post(f"/admin/accounts/importrun/{run.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert ImportRun.objects.filter(pk=run.pk).exists()
