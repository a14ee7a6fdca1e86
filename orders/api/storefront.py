"""Storefront API (the SPA's): `POST /orders`, `GET /orders/history`, `GET /me/orders`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.common import CountryField, PhoneField
from catalog.pricing import money_number
from config.api import PageQuery, iso_utc, page_of
from orders import selectors, services
from orders.models import Order, OrderLine, PaymentMethod

TAG = ["storefront: orders"]
IDEMPOTENCY_HEADER = OpenApiParameter(
    "X-Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="Same key + same body → same order",
)


def _id_field(**kwargs: Any) -> serializers.RegexField:
    return serializers.RegexField(r"^[1-9]\d{0,17}$", max_length=18, **kwargs)


class OrderItemInput(serializers.Serializer):
    productId = _id_field()
    sku = serializers.CharField(max_length=64)
    quantity = serializers.IntegerField(min_value=1, max_value=10_000)
    price = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    title = serializers.CharField(max_length=255)
    options = serializers.DictField(
        child=serializers.JSONField(), required=False, default=dict, allow_empty=True
    )
    manufacturerId = serializers.CharField(max_length=20, required=False, allow_null=True)
    countryId = serializers.CharField(max_length=20, required=False, allow_null=True)
    unit = serializers.CharField(max_length=20, required=False, allow_blank=True)

    def validate_options(self, options: dict) -> dict:
        for key, value in options.items():
            if not isinstance(value, str | int | float) or isinstance(value, bool) or len(str(key)) > 50:
                raise serializers.ValidationError(_("options values must be strings or numbers"))
        return options


class DeliveryAddressInput(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    phone = PhoneField(required=False)
    country = CountryField()
    region = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    city = serializers.CharField(max_length=120)
    street = serializers.CharField(max_length=200)
    building = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    apartment = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    postalCode = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")


class PlaceOrderInput(serializers.Serializer):
    phone = PhoneField()
    clientId = serializers.CharField(min_length=1, max_length=64)
    items = OrderItemInput(many=True, allow_empty=False, max_length=100)
    deliveryFee = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, required=False, default=Decimal("0")
    )
    name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    comment = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    paymentMethod = serializers.ChoiceField(
        choices=PaymentMethod.values, required=False, default=PaymentMethod.CASH_ON_DELIVERY
    )
    address = DeliveryAddressInput(required=False)


class IdempotencyKeyField(serializers.Serializer):
    key = serializers.CharField(max_length=255, required=False, allow_blank=True)


def _optional_id(value: int | None) -> str | None:
    return str(value) if value is not None else None


class OrderItemOutput(serializers.Serializer):
    productId = serializers.CharField()
    sku = serializers.CharField()
    quantity = serializers.IntegerField()
    price = serializers.FloatField()
    priceOriginal = serializers.FloatField()
    title = serializers.CharField()
    options = serializers.DictField()
    manufacturerId = serializers.CharField(required=False)
    countryId = serializers.CharField(required=False)
    unit = serializers.CharField(required=False)
    discountsApplied = serializers.ListField(child=serializers.DictField())

    def to_representation(self, line: OrderLine) -> dict[str, Any]:
        return _line_json(line)


def _line_json(line: OrderLine) -> dict[str, Any]:
    """An order line as the SPA shows it (a plain function: it runs for every line of every page)."""
    item = {
        "productId": str(line.product_id),
        "sku": line.sku,
        "quantity": line.quantity,
        "price": money_number(line.price),
        "priceOriginal": money_number(line.price_original),
        "title": line.title,
        "options": line.options,
        "manufacturerId": _optional_id(line.manufacturer_id_snapshot),
        "countryId": _optional_id(line.country_id_snapshot),
        "unit": line.unit or None,
        "discountsApplied": line.discounts_applied,
    }
    return {key: value for key, value in item.items() if value is not None}


class OrderOutput(serializers.Serializer):
    """The Storefront `Order`: optional keys are left out, not null."""

    _id = serializers.CharField()
    phone = serializers.CharField()
    clientId = serializers.CharField()
    customerId = serializers.CharField(required=False)
    items = OrderItemOutput(many=True)
    itemsTotal = serializers.FloatField()
    deliveryFee = serializers.FloatField()
    total = serializers.FloatField()
    status = serializers.ChoiceField(choices=["new", "processing", "done", "cancelled"])
    name = serializers.CharField(required=False)
    comment = serializers.CharField(required=False)
    createdAt = serializers.DateTimeField()
    updatedAt = serializers.DateTimeField()

    def to_representation(self, order: Order) -> dict[str, Any]:
        # A fresh placement hands over the lines it just wrote: no need to read them back.
        lines = self.context.get("placed_lines") or order.lines.all()
        body = {
            "_id": str(order.pk),
            "phone": order.phone,
            "clientId": order.client_id,
            "customerId": _optional_id(order.customer_id),
            "items": [_line_json(line) for line in lines],
            "itemsTotal": money_number(order.items_total),
            "deliveryFee": money_number(order.delivery_fee),
            "total": money_number(order.total),
            "status": selectors.PUBLIC_STATUS[order.status],
            "name": order.name or None,
            "comment": order.comment or None,
            "createdAt": iso_utc(order.created_at),
            "updatedAt": iso_utc(order.updated_at),
        }
        return {key: value for key, value in body.items() if value is not None}


class OrdersPageOutput(serializers.Serializer):
    items = OrderOutput(many=True)
    page = serializers.IntegerField()
    limit = serializers.IntegerField()
    total = serializers.IntegerField()


def idempotency_key_from(request: Request) -> str | None:
    """`X-Idempotency-Key`, validated like any other input (400 when too long)."""
    raw = request.headers.get("X-Idempotency-Key")
    if raw is None:
        return None
    header = IdempotencyKeyField(data={"key": raw})
    header.is_valid(raise_exception=True)
    return header.validated_data.get("key") or None


class PlaceOrderView(APIView):
    @extend_schema(
        tags=TAG, request=PlaceOrderInput, responses={201: OrderOutput}, parameters=[IDEMPOTENCY_HEADER]
    )
    def post(self, request: Request) -> Response:
        key = idempotency_key_from(request)
        data = PlaceOrderInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        address = values.get("address")
        placement = services.order_place(
            items=[
                services.OrderItemInput(
                    product_id=int(item["productId"]),
                    quantity=item["quantity"],
                    options=item["options"],
                    sku=item["sku"],
                    price=item["price"],
                )
                for item in values["items"]
            ],
            phone=values["phone"],
            client_id=values["clientId"],
            customer=request.user if request.user.is_authenticated else None,
            name=values["name"],
            comment=values["comment"],
            delivery_fee=values["deliveryFee"],
            payment_method=values["paymentMethod"],
            address=services.DeliveryAddress(
                country=address["country"],
                region=address["region"],
                city=address["city"],
                street=address["street"],
                building=address["building"],
                apartment=address["apartment"],
                postal_code=address["postalCode"],
            )
            if address
            else None,
            idempotency_key=key,
            language=translation.get_language() or "uk",
        )
        output = OrderOutput(placement.order, context={"placed_lines": placement.lines})
        return Response(output.data, status=status.HTTP_201_CREATED)


class GuestHistoryQuery(serializers.Serializer):
    phone = PhoneField()
    clientId = serializers.CharField(min_length=1, max_length=64)


class GuestHistoryView(APIView):
    authentication_classes: list = []

    @extend_schema(tags=TAG, parameters=[GuestHistoryQuery], responses={200: OrderOutput(many=True)})
    def get(self, request: Request) -> Response:
        query = GuestHistoryQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        orders = selectors.order_list_for_guest(
            phone=query.validated_data["phone"], client_id=query.validated_data["clientId"]
        )
        return Response(OrderOutput(orders, many=True).data)


class MyOrdersView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["storefront: me"], parameters=[PageQuery], responses={200: OrdersPageOutput})
    def get(self, request: Request) -> Response:
        page, limit = PageQuery.parse(request)
        orders = selectors.order_list_for_customer(customer=request.user)
        items, total = page_of(orders, page=page, limit=limit)
        return Response(
            {"items": OrderOutput(items, many=True).data, "page": page, "limit": limit, "total": total}
        )
