from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from config.errors import DomainError
from payments import services
from payments.models import Payment, PaymentCallback, Refund


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    fields = (
        "created_at",
        "amount",
        "status",
        "reason",
        "created_by",
        "gateway_reference",
        "failure_message",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Payment | None = None) -> bool:
        return False


class CallbackInline(admin.TabularInline):
    model = PaymentCallback
    extra = 0
    can_delete = False
    fields = ("received_at", "status", "failure_code", "failure_message", "applied")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Payment | None = None) -> bool:
        return False


class RefundActionForm(admin.helpers.ActionForm):
    amount = forms.DecimalField(
        label=_("Refund amount (empty: everything left)"), required=False, min_value=0, decimal_places=2
    )


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin):
    list_display = ("id", "order", "method", "amount", "refunded_amount", "currency", "status", "created_at")
    list_filter = ("status", "method", "gateway")
    search_fields = ("=id", "=order__id", "gateway_reference", "order__phone")
    list_select_related = ("order",)
    show_full_result_count = False
    raw_id_fields = ("order",)
    readonly_fields = [field.name for field in Payment._meta.fields]
    inlines = [RefundInline, CallbackInline]
    action_form = RefundActionForm
    actions = ["refund_payments"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Refund selected payments"))
    def refund_payments(self, request: HttpRequest, queryset: QuerySet[Payment]) -> None:
        amount = request.POST.get("amount") or None
        for payment_id in queryset.values_list("pk", flat=True):
            try:
                refund = services.refund_create(
                    payment_id=payment_id,
                    amount=None if amount is None else forms.DecimalField().clean(amount),
                    reason="admin",
                    actor=request.user,
                )
                messages.success(
                    request, _("Refund #%(id)s: %(status)s") % {"id": refund.pk, "status": refund.status}
                )
            except (DomainError, forms.ValidationError) as exc:
                messages.error(request, f"#{payment_id}: {getattr(exc, 'message', exc)}")


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    list_display = ("id", "payment", "amount", "status", "created_by", "created_at")
    list_filter = ("status",)
    search_fields = ("=id", "=payment__id", "=payment__order__id")
    list_select_related = ("payment", "created_by")
    show_full_result_count = False
    readonly_fields = [field.name for field in Refund._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
