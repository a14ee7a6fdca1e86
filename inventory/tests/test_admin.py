import pytest
from django.urls import reverse

from inventory import services
from inventory.models import Reservation, Stock, StockMovement
from inventory.tests.factories import OrderFactory, StockFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser(email="admin@example.com", password=None))
    return client


@pytest.fixture
def reservation():
    stock = StockFactory(on_hand=10, product__sku="SKU-ADMIN-1")
    return services.reservation_create(lines=[(stock.product_id, 3)], order=OrderFactory(), ttl_seconds=None)


def test_stock_list_shows_counters_and_finds_by_sku(admin_client, reservation, django_assert_max_num_queries):
    StockFactory(product__sku="SKU-OTHER")
    url = reverse("admin:inventory_stock_changelist")

    with django_assert_max_num_queries(8):
        response = admin_client.get(url, {"q": "SKU-ADMIN"})

    assert response.status_code == 200
    content = response.content.decode()
    assert "SKU-ADMIN-1" in content
    assert "SKU-OTHER" not in content
    assert response.context["cl"].result_count == 1


def test_admin_shows_reservations_with_their_lines_read_only(admin_client, reservation):
    response = admin_client.get(reverse("admin:inventory_reservation_change", args=[reservation.pk]))

    assert response.status_code == 200
    assert "SKU-ADMIN-1" in response.content.decode()
    assert not response.context["has_change_permission"]


@pytest.mark.parametrize("model", [Stock, Reservation, StockMovement])
def test_inventory_rows_cannot_be_edited_in_the_admin(admin_client, reservation, model):
    obj = model.objects.first()
    opts = model._meta

    changelist = admin_client.get(reverse(f"admin:inventory_{opts.model_name}_changelist"))
    add = admin_client.get(reverse(f"admin:inventory_{opts.model_name}_add"))
    post = admin_client.post(reverse(f"admin:inventory_{opts.model_name}_change", args=[obj.pk]), {})

    assert changelist.status_code == 200
    assert add.status_code == 403
    assert post.status_code == 403
    assert Stock.objects.get().reserved == 3
