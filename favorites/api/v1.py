"""Platform API v1: `/api/v1/favorites[/{productId}]`, the signed-in user's own favorites.

Integer ids; `product` is the v1 catalog's list item (`{id, name, stock, price, currency}`).
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from catalog.api.v1 import ProductListItemOutput
from config.api import IsoUtcField, iso_utc
from favorites.api.common import (
    FavoriteDetailBase,
    FavoriteListBase,
    favorite_detail_schema,
    favorite_list_schema,
)
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


@favorite_list_schema(
    tags=TAG, add_input=FavoriteAddInput, item_output=FavoriteOutput, page_output=FavoritePageOutput
)
class FavoriteListView(FavoriteListBase):
    add_input = FavoriteAddInput
    item_output = FavoriteOutput
    page_output = FavoritePageOutput


@favorite_detail_schema(tags=TAG)
class FavoriteDetailView(FavoriteDetailBase):
    """`DELETE /api/v1/favorites/{productId}` → 204."""
