from decimal import Decimal

import factory

from accounts.models import User
from catalog.models import Product
from inventory.models import Stock
from orders.models import Order, PaymentMethod


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    sku = factory.Sequence(lambda n: f"INV-{n:05d}")
    slug = factory.Sequence(lambda n: f"inventory-product-{n}")
    title = factory.Sequence(lambda n: f"Товар {n}")
    price = Decimal("100.00")
    final_price = Decimal("100.00")


class StockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stock

    product = factory.SubFactory(ProductFactory)
    on_hand = 10
    reserved = 0


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    phone = "+380971112233"
    items_total = Decimal("0")
    total = Decimal("0")
    payment_method = PaymentMethod.CARD


class UserFactory(factory.django.DjangoModelFactory):
    """Users without a usable password: hashing one (Argon2) would only slow the tests."""

    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"inventory-user{n}@example.com")
    is_staff = False

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.objects.create_user(*args, password=None, **kwargs)
