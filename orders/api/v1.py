"""Platform API v1, ProductOrderApi: `/api/v1/orders[...]`. Integer ids, camelCase."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.common import CountryField, PhoneField
from catalog.pricing import money_number
from config.api import IsoUtcField, PageQuery, iso_utc, page_of
from inventory.selectors import reservation_live_for_order
from orders import selectors, services
from orders.api.storefront import IDEMPOTENCY_HEADER, idempotency_key_from
from orders.models import Order, OrderLine, OrderStatus, PaymentMethod
from payments import services as payments
from payments.selectors import payment_latest_for_order

TAG = ["v1: orders"]


class OrderItemInput(serializers.Serializer):
    productId = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, max_value=10_000)
    options = serializers.DictField(child=serializers.JSONField(), required=False, default=dict)


class PlaceOrderInput(serializers.Serializer):
    items = OrderItemInput(many=True, required=False, allow_empty=False, max_length=100)
    productId = serializers.IntegerField(min_value=1, required=False)
    quantity = serializers.IntegerField(min_value=1, max_value=10_000, required=False)
    country = CountryField()
    region = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    city = serializers.CharField(max_length=120)
    street = serializers.CharField(max_length=200)
    paymentMethod = serializers.ChoiceField(choices=PaymentMethod.values)
    card = serializers.CharField(max_length=128, required=False)
    phone = PhoneField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "items" not in attrs:
            if "productId" not in attrs:
                raise serializers.ValidationError(_("items or productId is required"))
            attrs["items"] = [
                {"productId": attrs["productId"], "quantity": attrs.get("quantity", 1), "options": {}}
            ]
        return attrs


class OrderLineOutput(serializers.Serializer):
    productId = serializers.IntegerField(source="product_id")
    sku = serializers.CharField()
    title = serializers.CharField()
    quantity = serializers.IntegerField()
    price = serializers.SerializerMethodField()
    total = serializers.SerializerMethodField()
    options = serializers.DictField()

    def get_price(self, line: OrderLine) -> float:
        return money_number(line.price)

    def get_total(self, line: OrderLine) -> float:
        return money_number(line.price * line.quantity)


class PlacedOrderOutput(serializers.Serializer):
    orderId = serializers.IntegerField(source="pk")
    status = serializers.CharField()
    totalAmount = serializers.SerializerMethodField()
    currency = serializers.CharField()
    items = OrderLineOutput(many=True, source="lines")
    createdAt = IsoUtcField(source="created_at")

    def get_totalAmount(self, order: Order) -> float:
        return money_number(order.total)


class ReservationSummaryOutput(serializers.Serializer):
    reservationId = serializers.IntegerField()
    status = serializers.CharField()
    expiresAt = serializers.DateTimeField(allow_null=True)


class PaymentSummaryOutput(serializers.Serializer):
    paymentId = serializers.IntegerField()
    status = serializers.CharField()
    method = serializers.CharField()
    amount = serializers.FloatField()
    refundedAmount = serializers.FloatField()


class OrderDetailOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    status = serializers.CharField()
    totalAmount = serializers.SerializerMethodField()
    currency = serializers.CharField()
    items = OrderLineOutput(many=True, source="lines")
    country = serializers.CharField()
    region = serializers.CharField()
    city = serializers.CharField()
    street = serializers.CharField()
    paymentMethod = serializers.CharField(source="payment_method")
    cancelReason = serializers.CharField(source="cancel_reason", allow_blank=True)
    reservation = serializers.SerializerMethodField()
    payment = serializers.SerializerMethodField()
    createdAt = IsoUtcField(source="created_at")
    updatedAt = IsoUtcField(source="updated_at")

    def get_totalAmount(self, order: Order) -> float:
        return money_number(order.total)

    @extend_schema_field(PaymentSummaryOutput(allow_null=True))
    def get_payment(self, order: Order) -> dict[str, Any] | None:
        payment = payment_latest_for_order(order_id=order.pk)
        if payment is None:
            return None
        return {
            "paymentId": payment.pk,
            "status": payment.status,
            "method": payment.method,
            "amount": money_number(payment.amount),
            "refundedAmount": money_number(payment.refunded_amount),
        }

    @extend_schema_field(ReservationSummaryOutput(allow_null=True))
    def get_reservation(self, order: Order) -> dict[str, Any] | None:
        reservation = reservation_live_for_order(order_id=order.pk)
        if reservation is None:
            return None
        return {
            "reservationId": reservation.pk,
            "status": reservation.status,
            "expiresAt": iso_utc(reservation.expires_at),
        }


class OrderSummaryOutput(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    status = serializers.CharField()
    totalAmount = serializers.SerializerMethodField()
    currency = serializers.CharField()
    createdAt = IsoUtcField(source="created_at")

    def get_totalAmount(self, order: Order) -> float:
        return money_number(order.total)


class OrdersPageOutput(serializers.Serializer):
    items = OrderSummaryOutput(many=True)
    page = serializers.IntegerField()
    limit = serializers.IntegerField()
    total = serializers.IntegerField()


class MyOrdersQuery(PageQuery):
    status = serializers.ChoiceField(choices=OrderStatus.values, required=False)


class CancelInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class OrdersView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=TAG, request=PlaceOrderInput, responses={201: PlacedOrderOutput}, parameters=[IDEMPOTENCY_HEADER]
    )
    def post(self, request: Request) -> Response:
        key = idempotency_key_from(request)
        data = PlaceOrderInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        phone = values.get("phone") or request.user.phone
        if not phone:
            raise serializers.ValidationError({"phone": [_("A phone number is required for delivery")]})
        placement = services.order_place(
            items=[
                services.OrderItemInput(
                    product_id=item["productId"], quantity=item["quantity"], options=item.get("options", {})
                )
                for item in values["items"]
            ],
            phone=phone,
            customer=request.user,
            name=request.user.name,
            payment_method=values["paymentMethod"],
            address=services.DeliveryAddress(
                country=values["country"],
                region=values["region"],
                city=values["city"],
                street=values["street"],
            ),
            idempotency_key=key,
            language=translation.get_language() or "uk",
            source="customer",
        )
        order = placement.order
        wants_payment = values["paymentMethod"] == PaymentMethod.CARD and values.get("card")
        wants_payment = wants_payment or (
            values["paymentMethod"] == PaymentMethod.PHONE and values.get("phone")
        )
        if placement.created and wants_payment:
            # A card token (or a phone) with the order: charge it at once, as the design says.
            payments.payment_start(
                order_id=order.pk, card_token=values.get("card"), phone=values.get("phone")
            )
            order.refresh_from_db()
        return Response(PlacedOrderOutput(order).data, status=status.HTTP_201_CREATED)


class MyOrdersView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAG, parameters=[MyOrdersQuery], responses={200: OrdersPageOutput})
    def get(self, request: Request) -> Response:
        query = MyOrdersQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        page, limit = query.validated_data["page"], query.validated_data["limit"]
        orders = selectors.order_list_for_customer(
            customer=request.user, status=query.validated_data.get("status")
        )
        items, total = page_of(orders, page=page, limit=limit)
        return Response(
            {"items": OrderSummaryOutput(items, many=True).data, "page": page, "limit": limit, "total": total}
        )


class OrderDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAG, responses={200: OrderDetailOutput})
    def get(self, request: Request, order_id: int) -> Response:
        order = selectors.order_get_for_user(order_id=order_id, user=request.user)
        return Response(OrderDetailOutput(order).data)


class OrderReserveView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAG, request=None, responses={200: ReservationSummaryOutput})
    def post(self, request: Request, order_id: int) -> Response:
        selectors.order_get_for_user(order_id=order_id, user=request.user)  # 404 for others' orders
        reservation = services.order_reserve(order_id=order_id, actor=request.user)
        return Response(
            {
                "reservationId": reservation.pk,
                "status": reservation.status,
                "expiresAt": iso_utc(reservation.expires_at),
            }
        )


class OrderConfirmView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(tags=TAG, request=None, responses={200: OrderDetailOutput})
    def post(self, request: Request, order_id: int) -> Response:
        services.order_confirm(order_id=order_id, actor=request.user)
        return Response(
            OrderDetailOutput(selectors.order_get_for_user(order_id=order_id, user=request.user)).data
        )


class OrderCancelView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAG, request=CancelInput, responses={200: OrderDetailOutput})
    def post(self, request: Request, order_id: int) -> Response:
        data = CancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        selectors.order_get_for_user(order_id=order_id, user=request.user)  # 404 for others' orders
        if request.user.is_staff:
            services.order_cancel(
                order_id=order_id, reason="staff", actor=request.user, note=data.validated_data["reason"]
            )
        else:
            services.order_cancel_by_customer(
                order_id=order_id, customer=request.user, note=data.validated_data["reason"]
            )
        return Response(
            OrderDetailOutput(selectors.order_get_for_user(order_id=order_id, user=request.user)).data
        )
