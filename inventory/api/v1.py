"""Platform API v1, Reserver: `/api/v1/stocks`, `/api/v1/reservations[/{id}[/confirm|/release]]`.

Stock levels are open to everyone (the available count only); reservations are for staff
and for other services, which call with a staff account's token.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import IsoUtcField, iso_utc
from inventory import selectors, services
from inventory.models import Reservation, ReservationStatus

TAGS = ["v1: stock"]

# The most product ids one stock query may ask about.
MAX_STOCK_IDS = 100


class StocksQuery(serializers.Serializer):
    productId = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        min_length=1,
        max_length=MAX_STOCK_IDS,
        error_messages={"min_length": _("productId is required")},
    )

    @classmethod
    def parse(cls, request: Request) -> list[int]:
        # Both `productId=1&productId=2` and the bracketed form some clients send.
        params = request.query_params
        query = cls(data={"productId": params.getlist("productId") + params.getlist("productId[]")})
        query.is_valid(raise_exception=True)
        return query.validated_data["productId"]


class StockOutput(serializers.Serializer):
    productId = serializers.IntegerField(source="product_id")
    available = serializers.IntegerField()


class StaffStockOutput(StockOutput):
    onHand = serializers.IntegerField(source="on_hand")
    reserved = serializers.IntegerField()


class StockListView(APIView):
    @extend_schema(
        tags=TAGS,
        parameters=[
            OpenApiParameter("productId", OpenApiTypes.INT, many=True, required=True, explode=True),
        ],
        responses={200: StaffStockOutput(many=True)},
        description="`onHand` and `reserved` only for staff. Unknown product ids are left out.",
    )
    def get(self, request: Request) -> Response:
        stocks = selectors.stock_list(product_ids=StocksQuery.parse(request))
        output = StaffStockOutput if request.user.is_staff else StockOutput
        return Response(output(stocks, many=True).data)


class ReservationItemInput(serializers.Serializer):
    productId = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    quantity = serializers.IntegerField(min_value=1, max_value=1_000_000)


class ReservationCreateInput(serializers.Serializer):
    orderId = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    items = ReservationItemInput(many=True, allow_empty=False, max_length=MAX_STOCK_IDS)


class ReservationCreatedOutput(serializers.Serializer):
    reservationId = serializers.IntegerField(source="pk")
    status = serializers.ChoiceField(choices=ReservationStatus.choices)


class ReservationLineOutput(serializers.Serializer):
    productId = serializers.IntegerField(source="product_id")
    reservedQuantity = serializers.IntegerField(source="quantity")


class OptionalIsoUtcField(serializers.DateTimeField):
    """Like IsoUtcField, but not read-only, so the schema can mark it optional (`expiresAt?`)."""

    def to_representation(self, value: datetime | None) -> str | None:
        return iso_utc(value)


class ReservationOutput(serializers.Serializer):
    reservationId = serializers.IntegerField(source="pk")
    orderId = serializers.IntegerField(source="order_id", allow_null=True)
    status = serializers.ChoiceField(choices=ReservationStatus.choices)
    items = ReservationLineOutput(source="lines", many=True)
    createdAt = IsoUtcField(source="created_at")
    expiresAt = OptionalIsoUtcField(source="expires_at", required=False)

    def to_representation(self, instance: Reservation) -> dict[str, Any]:
        data = super().to_representation(instance)
        # `expiresAt?` in the contract: absent for a reservation that never expires.
        if data.get("expiresAt") is None:
            data.pop("expiresAt", None)
        return data


def _reservation_response(reservation_id: int) -> Response:
    return Response(ReservationOutput(selectors.reservation_get(reservation_id=reservation_id)).data)


class ReservationListView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(tags=TAGS, request=ReservationCreateInput, responses={201: ReservationCreatedOutput})
    def post(self, request: Request) -> Response:
        data = ReservationCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        order = selectors.reservation_order_get(order_id=values["orderId"])
        reservation = services.reservation_create(
            lines=[services.ReservationItem(item["productId"], item["quantity"]) for item in values["items"]],
            order=order,
            ttl_seconds=services.reservation_ttl_for(payment_method=order.payment_method),
        )
        return Response(ReservationCreatedOutput(reservation).data, status=status.HTTP_201_CREATED)


class ReservationDetailView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(tags=TAGS, responses={200: ReservationOutput})
    def get(self, request: Request, reservation_id: int) -> Response:
        return _reservation_response(reservation_id)


class ReservationConfirmView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(tags=TAGS, request=None, responses={200: ReservationOutput})
    def post(self, request: Request, reservation_id: int) -> Response:
        services.reservation_confirm(reservation_id=reservation_id)
        return _reservation_response(reservation_id)


class ReservationReleaseView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(tags=TAGS, request=None, responses={200: ReservationOutput})
    def post(self, request: Request, reservation_id: int) -> Response:
        services.reservation_release(reservation_id=reservation_id)
        return _reservation_response(reservation_id)
