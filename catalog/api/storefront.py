"""Storefront API (the SPA's) catalog: `/products`, `/categories`, `/manufacturers`, `/countries`.

No authentication: the catalog is public, and a stale Bearer token must not turn a catalog
page into a 401. Ids are strings, money is a JSON number. A product's `tags` are tag slugs
(the values the `tags[]` filter takes).
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
from catalog.models import Country, Manufacturer, Product
from catalog.pricing import money_number

TAG = ["storefront: catalog"]


def _str_id(value: int | None) -> str | None:
    return str(value) if value is not None else None


class AppliedDiscountOutput(serializers.Serializer):
    discountId = serializers.CharField()
    name = serializers.CharField()
    type = serializers.ChoiceField(choices=["percent", "fixed"])
    value = MoneyField()
    priceBefore = MoneyField()
    priceAfter = MoneyField()


class ProductOutput(serializers.Serializer):
    """A product as the SPA shows it."""

    # The fields describe the shape for OpenAPI; to_representation builds the dict directly
    # because this runs for every item of every listing.

    id = serializers.CharField()
    slug = serializers.CharField()
    sku = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    price = MoneyField(help_text="What the shopper pays: after discounts.")
    priceOriginal = MoneyField(help_text="The base price, before discounts.")
    currency = serializers.CharField()
    discountsApplied = AppliedDiscountOutput(many=True)
    categoryId = serializers.CharField(allow_null=True)
    manufacturerId = serializers.CharField(allow_null=True)
    countryId = serializers.CharField(allow_null=True)
    tags = serializers.ListField(child=serializers.CharField(), help_text="Tag slugs.")
    options = serializers.DictField(
        child=serializers.ListField(child=serializers.JSONField()),
        help_text='Available variants, e.g. {"shade": ["A1", "A2"]}.',
    )
    unit = serializers.CharField()
    attributes = serializers.DictField(child=serializers.JSONField())
    images = serializers.ListField(child=serializers.JSONField())
    inStock = serializers.BooleanField()
    available = serializers.IntegerField()

    def to_representation(self, product: Product) -> dict[str, Any]:
        quote = product.price_quote
        return {
            "id": str(product.pk),
            "slug": product.slug,
            "sku": product.sku,
            "title": product.title,
            "description": product.description,
            "price": money_number(quote.price),
            "priceOriginal": money_number(quote.price_original),
            "currency": quote.currency,
            "discountsApplied": quote.discounts_json(),
            "categoryId": _str_id(product.category_id),
            "manufacturerId": _str_id(product.manufacturer_id),
            "countryId": _str_id(product.country_id),
            "tags": product.tag_slugs,
            "options": product.options,
            "unit": product.unit,
            "attributes": product.attributes,
            "images": product.images,
            "inStock": product.available > 0,
            "available": product.available,
        }


class ProductPageOutput(serializers.Serializer):
    items = ProductOutput(many=True)
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


class ProductDetailView(APIView):
    authentication_classes: list = []

    @extend_schema(tags=TAG, responses={200: ProductOutput})
    def get(self, request: Request, id_or_slug: str) -> Response:
        product = selectors.product_get_active(id_or_slug=id_or_slug)
        return Response(ProductOutput(product).data)


class CategoryOutput(serializers.Serializer):
    id = serializers.CharField()
    slug = serializers.CharField()
    name = serializers.CharField()
    parentId = serializers.CharField(source="parent_id", allow_null=True)
    position = serializers.IntegerField()


class CategoryListView(APIView):
    authentication_classes: list = []

    @extend_schema(tags=TAG, responses={200: CategoryOutput(many=True)})
    def get(self, request: Request) -> Response:
        return Response(CategoryOutput(selectors.category_list_active(), many=True).data)


class ManufacturerOutput(serializers.Serializer):
    id = serializers.CharField()
    slug = serializers.CharField()
    name = serializers.CharField()


class ManufacturerListView(APIView):
    authentication_classes: list = []

    @extend_schema(tags=TAG, responses={200: ManufacturerOutput(many=True)})
    def get(self, request: Request) -> Response:
        manufacturers: list[Manufacturer] = list(selectors.manufacturer_list_active())
        return Response(ManufacturerOutput(manufacturers, many=True).data)


class CountryOutput(serializers.Serializer):
    id = serializers.CharField()
    code = serializers.CharField()
    name = serializers.CharField()


class CountryListView(APIView):
    authentication_classes: list = []

    @extend_schema(tags=TAG, responses={200: CountryOutput(many=True)})
    def get(self, request: Request) -> Response:
        countries: list[Country] = list(selectors.country_list_active())
        return Response(CountryOutput(countries, many=True).data)
