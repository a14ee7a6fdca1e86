"""Stock, reservations and their movements in the admin.

Rows are read-only: counters change only through `inventory.services` (locks, movements,
invariants). Staff adjust stock with the "Adjust stock" action: a signed quantity and a
reason, recorded as a movement with who made it.
"""

from collections.abc import Iterable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from config.errors import DomainError
from inventory import services
from inventory.models import Reservation, ReservationLine, Stock, StockMovement


class StockAdjustForm(ActionForm):
    delta = forms.IntegerField(label=_("Units (+ received, − written off)"), required=False)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=255)


def adjust_stock(request: HttpRequest, product_ids: Iterable[int]) -> None:
    """The admin action's body, shared by the stock and product lists."""
    # Only our two fields: the form's `action` choice is filled in by the changelist itself.
    try:
        delta = StockAdjustForm.base_fields["delta"].clean(request.POST.get("delta"))
        reason = StockAdjustForm.base_fields["reason"].clean(request.POST.get("reason", "")).strip()
    except forms.ValidationError:
        delta, reason = None, ""
    if not delta or not reason:
        messages.error(request, _("Give a non-zero number of units and a reason."))
        return
    for product_id in product_ids:
        try:
            stock = services.stock_adjust(
                product_id=product_id, delta=delta, reason=reason, actor=request.user
            )
            messages.success(
                request,
                _("Product %(id)s: %(on_hand)d on hand") % {"id": product_id, "on_hand": stock.on_hand},
            )
        except DomainError as exc:
            messages.error(request, f"{product_id}: {exc.message}")


class StockInline(admin.StackedInline):
    """Read-only stock on the product page; change it with the "Adjust stock" action."""

    model = Stock
    fields = ("on_hand", "reserved", "updated_at")
    readonly_fields = fields
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return False


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
    action_form = StockAdjustForm
    actions = ["adjust_selected_stock"]

    @admin.action(description=_("Adjust stock (units and a reason)"))
    def adjust_selected_stock(self, request: HttpRequest, queryset) -> None:
        adjust_stock(request, queryset.values_list("product_id", flat=True))

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
