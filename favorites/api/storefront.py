"""Storefront API (the SPA's): `/me/favorites`. Bearer; string ids; `product` is the catalog's
Storefront product JSON, so a favorite renders exactly like a product card."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.api.storefront import ProductOutput
from config.api import IsoUtcField, iso_utc
from favorites.api.common import (
    FavoriteDetailBase,
    FavoriteListBase,
    favorite_detail_schema,
    favorite_list_schema,
)
from favorites.selectors import FavoriteItem

TAG = ["storefront: favorites"]
MAX_DB_ID = 2**63 - 1


class FavoriteOutput(serializers.Serializer):
    productId = serializers.CharField()
    product = ProductOutput()
    createdAt = IsoUtcField()

    def to_representation(self, item: FavoriteItem) -> dict[str, Any]:
        return {
            "productId": str(item.product.pk),
            "product": ProductOutput().to_representation(item.product),
            "createdAt": iso_utc(item.created_at),
        }


class FavoritePageOutput(serializers.Serializer):
    items = FavoriteOutput(many=True)
    page = serializers.IntegerField()
    limit = serializers.IntegerField()
    total = serializers.IntegerField()


@extend_schema_field({"type": "string", "pattern": "^[0-9]+$", "example": "42"})
class ProductIdField(serializers.Field):
    """A product id the way the SPA sends ids: a string of digits (a number is accepted too)."""

    default_error_messages = {"invalid": _("productId must be a product id")}

    def to_internal_value(self, data: Any) -> int:
        text = str(data).strip() if isinstance(data, str | int) and not isinstance(data, bool) else ""
        if not (text.isascii() and text.isdigit()) or not 0 < int(text) <= MAX_DB_ID:
            self.fail("invalid")
        return int(text)

    def to_representation(self, value: int) -> str:
        return str(value)


class FavoriteAddInput(serializers.Serializer):
    productId = ProductIdField()


@favorite_list_schema(
    tags=TAG, add_input=FavoriteAddInput, item_output=FavoriteOutput, page_output=FavoritePageOutput
)
class FavoriteListView(FavoriteListBase):
    add_input = FavoriteAddInput
    item_output = FavoriteOutput
    page_output = FavoritePageOutput


@favorite_detail_schema(tags=TAG)
class FavoriteDetailView(FavoriteDetailBase):
    """`DELETE /me/favorites/:productId` → 204."""
