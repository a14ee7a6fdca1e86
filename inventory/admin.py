"""Stock, reservations and their movements in the admin: read-only.

Counters change only through `inventory.services` (locks, movements, invariants); a staff
form for adjustments with a reason calls `stock_adjust` (a later issue).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from inventory.models import Reservation, ReservationLine, Stock, StockMovement


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Stock)
class StockAdmin(ReadOnlyAdmin):
    list_display = ("product", "on_hand", "reserved", "available", "updated_at")
    list_select_related = ("product",)
    search_fields = ("product__sku", "product__title")
    fields = ("product", "on_hand", "reserved", "available", "updated_at")
    readonly_fields = fields
    ordering = ("product__sku",)

    @admin.display(description=_("available"))
    def available(self, obj: Stock) -> int:
        return obj.available


class ReservationLineInline(admin.TabularInline):
    model = ReservationLine
    fields = ("product", "quantity")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product")


@admin.register(Reservation)
class ReservationAdmin(ReadOnlyAdmin):
    list_display = ("id", "order", "status", "expires_at", "created_at", "updated_at")
    list_filter = ("status",)
    search_fields = ("=id", "=order__id")
    date_hierarchy = "created_at"
    fields = ("order", "status", "expires_at", "created_at", "updated_at")
    readonly_fields = fields
    inlines = [ReservationLineInline]


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "product",
        "kind",
        "delta_on_hand",
        "delta_reserved",
        "reservation",
        "actor",
        "reason",
    )
    list_filter = ("kind",)
    list_select_related = ("product", "reservation", "actor")
    search_fields = ("product__sku", "reason")
    fields = (
        "product",
        "kind",
        "delta_on_hand",
        "delta_reserved",
        "reservation",
        "actor",
        "reason",
        "created_at",
    )
    readonly_fields = fields
    date_hierarchy = "created_at"
