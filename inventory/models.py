"""Stock per product and the reservations that hold it.

Counters: `on_hand` is what is physically there, `reserved` what active reservations have
promised; `available = on_hand - reserved`. The database itself refuses a negative counter
or `reserved > on_hand`, so even a bug in a service cannot oversell — it fails instead.

Only the services in `inventory/services.py` write these tables.

Per-warehouse stock later: add a `Warehouse` model and a `warehouse` FK on `Stock`, turn
`product` into a plain FK with a unique (product, warehouse) constraint, and give
`ReservationLine` a warehouse too. The services already lock stock rows through one
ordered query (product id ascending; then warehouse id), so the lock order stays fixed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Stock(models.Model):
    # CASCADE: a stock row means nothing without its product, and a product that ever was
    # reserved can't be deleted anyway (ReservationLine protects it).
    product = models.OneToOneField(
        "catalog.Product", on_delete=models.CASCADE, related_name="stock", verbose_name=_("product")
    )
    on_hand = models.PositiveIntegerField(_("on hand"), default=0)
    reserved = models.PositiveIntegerField(_("reserved"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("stock")
        verbose_name_plural = _("stock")
        ordering = ["product_id"]
        constraints = [
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="stock_on_hand_non_negative"),
            models.CheckConstraint(condition=Q(reserved__gte=0), name="stock_reserved_non_negative"),
            models.CheckConstraint(
                condition=Q(reserved__lte=F("on_hand")), name="stock_reserved_within_on_hand"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.available}/{self.on_hand}"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class ReservationStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CONFIRMED = "confirmed", _("Confirmed")
    RELEASED = "released", _("Released")
    EXPIRED = "expired", _("Expired")


# The statuses in which a reservation still accounts for stock of its order.
LIVE_RESERVATION_STATUSES = (ReservationStatus.ACTIVE, ReservationStatus.CONFIRMED)


class Reservation(models.Model):
    # PROTECT: deleting an order with an active reservation would leave its units counted
    # in `reserved` forever. Release (or return) the reservation instead.
    order = models.ForeignKey(
        "orders.Order",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reservations",
        verbose_name=_("order"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReservationStatus.choices, default=ReservationStatus.ACTIVE
    )
    # None: never expires (cash on delivery, or an order that has been paid).
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The expiry sweep's query, every minute: only active rows, by deadline.
            models.Index(
                fields=["expires_at"],
                condition=Q(status="active", expires_at__isnull=False),
                name="reservation_due",
            ),
        ]
        constraints = [
            # A retried "reserve this order" must not hold the stock twice.
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(status__in=["active", "confirmed"]),
                name="reservation_one_live_per_order",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} ({self.status})"


class ReservationLine(models.Model):
    reservation = models.ForeignKey(Reservation, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("reservation line")
        verbose_name_plural = _("reservation lines")
        ordering = ["product_id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="reservation_line_quantity_positive"),
            # Duplicate products are merged before a reservation is written.
            models.UniqueConstraint(
                fields=["reservation", "product"], name="reservation_line_unique_product"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} x{self.quantity}"


class StockMovementKind(models.TextChoices):
    RESERVED = "reserved", _("Reserved")
    CONFIRMED = "confirmed", _("Reservation confirmed (shipped)")
    RELEASED = "released", _("Reservation released")
    EXPIRED = "expired", _("Reservation expired")
    RETURNED = "returned", _("Confirmed reservation returned")
    SET = "set", _("Stock set")
    ADJUSTED = "adjusted", _("Stock adjusted")


class StockMovement(models.Model):
    """Append-only: every change of a stock counter, what caused it and why."""

    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="stock_movements", verbose_name=_("product")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=StockMovementKind.choices)
    delta_on_hand = models.IntegerField(_("on hand change"), default=0)
    delta_reserved = models.IntegerField(_("reserved change"), default=0)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    reservation = models.ForeignKey(
        Reservation, null=True, blank=True, on_delete=models.SET_NULL, related_name="movements"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["product", "-created_at"], name="stock_movement_product_newest")]

    def __str__(self) -> str:
        return f"{self.product_id} {self.kind} {self.delta_on_hand:+d}/{self.delta_reserved:+d}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise ValueError("Stock movements are append-only")
        super().save(*args, **kwargs)
