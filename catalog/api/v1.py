"""Platform API v1, ProductCatalogApi: `/api/v1/products[/{id}[/price|/stock]]`. No auth.

Integer ids, money as JSON numbers. The listing shows active products only; the by-id
endpoints answer for inactive products too (the detail says `isActive`), 404 only when the
product does not exist.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from catalog import selectors
from catalog.api.common import MoneyField, ProductListQuery
from catalog.models import Product
from catalog.pricing import money_number

TAG = ["v1: catalog"]


class ProductListItemOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    stock = serializers.IntegerField(help_text="Units available to order.")
    price = MoneyField(help_text="Final unit price, after discounts.")
    currency = serializers.CharField()

    def to_representation(self, product: Product) -> dict[str, Any]:
        return {
            "id": product.pk,
            "name": product.title,
            "stock": product.available,
            "price": money_number(product.price_quote.price),
            "currency": product.price_quote.currency,
        }


class ProductPageOutput(serializers.Serializer):
    items = ProductListItemOutput(many=True)
    page = serializers.IntegerField()
    limit = serializers.IntegerField()
    total = serializers.IntegerField()


class ProductListView(APIView):
    authentication_classes: list = []

    @extend_schema(tags=TAG, parameters=[ProductListQuery], responses={200: ProductPageOutput})
    def get(self, request: Request) -> Response:
        filters, page, limit = ProductListQuery.parse_filters(request)
        result = selectors.product_list(filters=filters, page=page, limit=limit)
        return Response(ProductPageOutput(result).data)


class ProductDetailOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="title")
    description = serializers.CharField()
    stock = serializers.IntegerField(source="available")
    price = MoneyField(source="price_quote.price")
    currency = serializers.CharField(source="price_quote.currency")
    attributes = serializers.DictField(child=serializers.JSONField())
    isActive = serializers.BooleanField(source="is_active")


class ProductDetailView(APIView):
    authentication_classes: list = []

    @extend_schema(tags=TAG, responses={200: ProductDetailOutput})
    def get(self, request: Request, product_id: int) -> Response:
        return Response(ProductDetailOutput(selectors.product_get(product_id=product_id)).data)


class ProductPriceOutput(serializers.Serializer):
    productId = serializers.IntegerField(source="pk")
    price = MoneyField(source="price_quote.price")
    currency = serializers.CharField(source="price_quote.currency")


class ProductPriceView(APIView):
    authentication_classes: list = []

    @extend_schema(tags=TAG, responses={200: ProductPriceOutput})
    def get(self, request: Request, product_id: int) -> Response:
        return Response(ProductPriceOutput(selectors.product_get(product_id=product_id)).data)


class ProductStockOutput(serializers.Serializer):
    productId = serializers.IntegerField()
    available = serializers.IntegerField()


class ProductStockView(APIView):
    authentication_classes: list = []

    @extend_schema(tags=TAG, responses={200: ProductStockOutput})
    def get(self, request: Request, product_id: int) -> Response:
        available = selectors.product_available_get(product_id=product_id)
        return Response(ProductStockOutput({"productId": product_id, "available": available}).data)
