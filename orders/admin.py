from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from config.errors import DomainError
from notifications.models import Notification
from orders import services
from orders.models import CancelReason, Order, OrderEvent, OrderLine
from payments import services as payments
from payments.models import Payment


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    fields = ("sku", "title", "quantity", "price", "price_original", "options", "unit")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "from_status", "to_status", "source", "actor", "note")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    can_delete = False
    fields = (
        "id",
        "created_at",
        "method",
        "amount",
        "refunded_amount",
        "status",
        "failure_code",
        "card_last4",
    )
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False


class NotificationInline(admin.TabularInline):
    model = Notification
    extra = 0
    can_delete = False
    fields = ("created_at", "event", "channel", "to", "status", "attempts", "error_message")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Order | None = None) -> bool:
        return False


def _run_for_each(
    request: HttpRequest, queryset: QuerySet[Order], action: object, done_message: str, **kwargs: object
) -> None:
    """Apply one service per order; a refused move is reported, not fatal for the others."""
    done = 0
    for order_id in queryset.values_list("pk", flat=True):
        try:
            action(order_id=order_id, actor=request.user, **kwargs)
            done += 1
        except DomainError as exc:
            messages.error(request, f"#{order_id}: {exc.message}")
    if done:
        messages.success(request, done_message % {"count": done})


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("id", "created_at", "status", "payment_method", "total", "currency", "phone", "customer")
    list_filter = ("status", "payment_method", "cancel_reason", ("created_at", admin.DateFieldListFilter))
    search_fields = ("=id", "phone", "email", "customer__email", "customer__phone", "name")
    list_select_related = ("customer",)
    show_full_result_count = False
    date_hierarchy = "created_at"
    raw_id_fields = ("customer",)
    inlines = [OrderLineInline, OrderEventInline, PaymentInline, NotificationInline]
    actions = ["confirm_orders", "cancel_orders", "mark_orders_done", "refund_orders"]
    readonly_fields = (
        "status",
        "cancel_reason",
        "items_total",
        "delivery_fee",
        "total",
        "currency",
        "payment_method",
        "idempotency_scope",
        "idempotency_key",
        "request_fingerprint",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # orders are placed through the shop, where prices and stock are checked

    @admin.action(description=_("Confirm selected orders"))
    def confirm_orders(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        _run_for_each(request, queryset, services.order_confirm, _("Confirmed %(count)d order(s)."))

    @admin.action(description=_("Cancel selected orders"))
    def cancel_orders(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        _run_for_each(
            request,
            queryset,
            services.order_cancel,
            _("Cancelled %(count)d order(s)."),
            reason=CancelReason.STAFF,
        )

    @admin.action(description=_("Mark selected orders as done"))
    def mark_orders_done(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        _run_for_each(request, queryset, services.order_mark_done, _("Marked %(count)d order(s) as done."))

    @admin.action(description=_("Refund what was paid for the selected orders"))
    def refund_orders(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        payment_ids = Payment.objects.filter(order__in=queryset).values_list("pk", flat=True)
        refunded = 0
        for payment_id in payment_ids:
            try:
                refunded += payments.refund_remaining(payment_id=payment_id, reason="admin") is not None
            except DomainError as exc:
                messages.error(request, f"{_('Payment')} #{payment_id}: {exc.message}")
        messages.info(request, _("Refunds made: %(count)d.") % {"count": refunded})
