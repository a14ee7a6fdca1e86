"""Platform API v1: `/api/v1/favorites[/{productId}]`, the signed-in user's own favorites.

Integer ids; `product` is the v1 catalog's list item (`{id, name, stock, price, currency}`).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog.api.v1 import ProductListItemOutput
from config.api import IsoUtcField, PageQuery, iso_utc
from favorites import selectors, services
from favorites.selectors import FavoriteItem

TAG = ["v1: favorites"]
MAX_DB_ID = 2**63 - 1


class FavoriteOutput(serializers.Serializer):
    productId = serializers.IntegerField()
    product = ProductListItemOutput()
    createdAt = IsoUtcField()

    def to_representation(self, item: FavoriteItem) -> dict[str, Any]:
        return {
            "productId": item.product.pk,
            "product": ProductListItemOutput().to_representation(item.product),
            "createdAt": iso_utc(item.created_at),
        }


class FavoritePageOutput(serializers.Serializer):
    items = FavoriteOutput(many=True)
    page = serializers.IntegerField()
    limit = serializers.IntegerField()
    total = serializers.IntegerField()


class FavoriteAddInput(serializers.Serializer):
    productId = serializers.IntegerField(min_value=1, max_value=MAX_DB_ID)


class FavoriteListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAG, parameters=[PageQuery], responses={200: FavoritePageOutput})
    def get(self, request: Request) -> Response:
        page, limit = PageQuery.parse(request)
        result = selectors.favorite_page_for_user(user=request.user, page=page, limit=limit)
        return Response(FavoritePageOutput(result).data)

    @extend_schema(
        tags=TAG,
        request=FavoriteAddInput,
        responses={201: FavoriteOutput, 200: FavoriteOutput},
        description="201 when added, 200 when it was already there; 404 for an unknown or inactive product.",
    )
    def post(self, request: Request) -> Response:
        data = FavoriteAddInput(data=request.data)
        data.is_valid(raise_exception=True)
        favorite, created = services.favorite_add(
            user=request.user, product_id=data.validated_data["productId"]
        )
        return Response(
            FavoriteOutput(selectors.favorite_item_get(favorite=favorite)).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class FavoriteDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAG, responses={204: None}, description="Idempotent: 204 even when it was not there.")
    def delete(self, request: Request, product_id: int) -> Response:
        services.favorite_remove(user=request.user, product_id=product_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
