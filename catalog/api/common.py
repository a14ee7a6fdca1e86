"""Pieces both catalog surfaces share: the listing query (filters + paging) and money fields."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.request import Request

from catalog.pricing import money_number
from catalog.selectors import MAX_DB_ID, PRODUCT_DEFAULT_SORT, PRODUCT_SORTS, ProductFilters
from config.api import PageQuery

MAX_FILTER_VALUES = 100


class QueryListField(serializers.ListField):
    """A repeated query parameter, spelled `name[]=1&name[]=2` or `name=1&name=2` (or both).

    Empty values (`name=`) are dropped: an SPA that sends an empty filter means "no filter".
    """

    def get_value(self, dictionary: Any) -> Any:
        if not hasattr(dictionary, "getlist"):
            return super().get_value(dictionary)
        values = [
            value
            for key in (self.field_name, f"{self.field_name}[]")
            for value in dictionary.getlist(key)
            if value != ""
        ]
        return values or empty


@extend_schema_field(OpenApiTypes.NUMBER)
class MoneyField(serializers.Field):
    """Money as a JSON number (`350`, `349.5`), never a string."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Decimal) -> int | float:
        return money_number(value)


def _id_list() -> QueryListField:
    return QueryListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_DB_ID),
        max_length=MAX_FILTER_VALUES,
        required=False,
        default=list,
    )


class ProductListQuery(PageQuery):
    """The product listing's query string, shared by `/products` and `/api/v1/products`."""

    q = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    category = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=120,
        help_text="Category id or slug; includes subcategories.",
    )
    manufacturerId = _id_list()
    countryId = _id_list()
    tags = QueryListField(
        child=serializers.CharField(max_length=120),
        max_length=MAX_FILTER_VALUES,
        required=False,
        default=list,
        help_text="Tag slugs; a product with any of them matches.",
    )
    priceFrom = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal(0), required=False
    )
    priceTo = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal(0), required=False)
    sort = serializers.ChoiceField(choices=list(PRODUCT_SORTS), required=False, default=PRODUCT_DEFAULT_SORT)

    @classmethod
    def parse_filters(cls, request: Request) -> tuple[ProductFilters, int, int]:
        """Validate the query string (400 in the error format) → (filters, page, limit)."""
        query = cls(data=request.query_params)
        query.is_valid(raise_exception=True)
        values = query.validated_data
        filters = ProductFilters(
            q=values["q"].strip(),
            category=values.get("category") or None,
            manufacturer_ids=tuple(values["manufacturerId"]),
            country_ids=tuple(values["countryId"]),
            tags=tuple(values["tags"]),
            price_from=values.get("priceFrom"),
            price_to=values.get("priceTo"),
            sort=values["sort"],
        )
        return filters, values["page"], values["limit"]
