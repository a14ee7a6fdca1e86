from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    NEW = "new", _("New")
    RESERVED = "reserved", _("Reserved")
    PAID = "paid", _("Paid")
    CONFIRMED = "confirmed", _("Confirmed")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class PaymentMethod(models.TextChoices):
    CARD = "card", _("Card")
    PHONE = "phone", _("Phone")
    CASH_ON_DELIVERY = "cash_on_delivery", _("Cash on delivery")


class CancelReason(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    STAFF = "staff", _("Staff")
    PAYMENT_FAILED = "payment_failed", _("Payment failed")
    RESERVATION_EXPIRED = "reservation_expired", _("Reservation expired")


class Order(models.Model):
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    phone = models.CharField(_("phone"), max_length=20)
    email = models.EmailField(_("email"), blank=True)
    client_id = models.CharField(_("client id"), max_length=64, blank=True)
    name = models.CharField(_("name"), max_length=120, blank=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    # Delivery address, copied at placement (the address book may change later).
    country = models.CharField(_("country"), max_length=2, blank=True)
    region = models.CharField(_("region"), max_length=120, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    street = models.CharField(_("street"), max_length=200, blank=True)
    building = models.CharField(_("building"), max_length=30, blank=True)
    apartment = models.CharField(_("apartment"), max_length=30, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    payment_method = models.CharField(
        _("payment method"),
        max_length=20,
        choices=PaymentMethod.choices,
        default=PaymentMethod.CASH_ON_DELIVERY,
    )
    items_total = models.DecimalField(_("items total"), max_digits=12, decimal_places=2)
    delivery_fee = models.DecimalField(_("delivery fee"), max_digits=12, decimal_places=2, default=0)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="UAH")
    status = models.CharField(
        _("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.NEW
    )
    cancel_reason = models.CharField(
        _("cancel reason"), max_length=30, choices=CancelReason.choices, blank=True
    )
    # Idempotency: the key is scoped to the customer, or to the clientId for guests.
    idempotency_scope = models.CharField(max_length=100, blank=True)
    idempotency_key = models.CharField(max_length=255, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True)
    language = models.CharField(_("language"), max_length=8, default="uk")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-created_at", "-id"], name="order_customer_newest"),
            models.Index(fields=["phone", "client_id", "-created_at"], name="order_guest_lookup"),
            models.Index(fields=["status", "-created_at"], name="order_status_newest"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_scope", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="order_idempotency_unique",
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="order_total_non_negative"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"


class OrderLine(models.Model):
    """A snapshot of the product as it was sold: later catalog edits never change it."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    sku = models.CharField(max_length=64)
    title = models.CharField(max_length=255)
    quantity = models.PositiveIntegerField()
    price = models.DecimalField(max_digits=12, decimal_places=2)
    price_original = models.DecimalField(max_digits=12, decimal_places=2)
    options = models.JSONField(default=dict, blank=True)
    unit = models.CharField(max_length=20, blank=True)
    manufacturer_id_snapshot = models.BigIntegerField(null=True, blank=True)
    country_id_snapshot = models.BigIntegerField(null=True, blank=True)
    discounts_applied = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="order_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.sku} x{self.quantity}"


class OrderEvent(models.Model):
    """Append-only history of an order: every state move, who or what made it, and why."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=40, help_text=_("customer, staff, system, payment, ..."))
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"
