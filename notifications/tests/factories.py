from decimal import Decimal

import factory

from accounts.tests.factories import UserFactory
from notifications.models import Notification, NotificationChannel, NotificationEvent
from orders.models import Order, OrderStatus

__all__ = ["NotificationFactory", "OrderFactory", "UserFactory"]


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    customer = factory.SubFactory(UserFactory)
    phone = "+380971112233"
    email = "buyer@example.com"
    name = "Олена"
    items_total = Decimal("1250.50")
    total = Decimal("1250.50")
    currency = "UAH"
    status = OrderStatus.RESERVED


class NotificationFactory(factory.django.DjangoModelFactory):
    """A row as `notification_queue` writes it (no task published: tests choose when)."""

    class Meta:
        model = Notification

    event = NotificationEvent.PHONE_VERIFICATION
    channel = NotificationChannel.SMS
    to = factory.Sequence(lambda n: f"+38067{2000000 + n:07d}")
    variables = factory.LazyFunction(lambda: {"code": "482913", "minutes": 10})
    language = "uk"
