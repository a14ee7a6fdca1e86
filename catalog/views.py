"""Catalog pages: the home page, the product grid with the API's filters, a product's page."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

from catalog import selectors
from catalog.api.common import ProductListQuery
from catalog.exceptions import ProductNotFound
from catalog.models import Category, Product
from catalog.selectors import PRODUCT_SORTS, ProductFilters
from config.pages import Pager
from favorites.selectors import favorite_product_ids

SORT_LABELS = {
    "-createdAt": _("Newest first"),
    "createdAt": _("Oldest first"),
    "price": _("Price: low to high"),
    "-price": _("Price: high to low"),
    "title": _("Name: A to Z"),
    "-title": _("Name: Z to A"),
}
PAGE_SIZE = 12
HOME_PRODUCTS = 8
LOW_STOCK = 5


@dataclass(frozen=True)
class CategoryNode:
    category: Category
    depth: int

    @property
    def label(self) -> str:
        """The name indented by its depth, for a drop-down list."""
        return "\u00a0\u00a0\u00a0" * self.depth + ("– " if self.depth else "") + self.category.name


def category_tree() -> list[CategoryNode]:
    """Active categories in tree order (parents before their children, by position)."""
    categories = list(selectors.category_list_active())
    children: dict[int | None, list[Category]] = defaultdict(list)
    known = {category.pk for category in categories}
    for category in categories:
        parent = category.parent_id if category.parent_id in known else None
        children[parent].append(category)
    ordered: list[CategoryNode] = []

    def walk(parent: int | None, depth: int) -> None:
        for category in children.get(parent, []):
            ordered.append(CategoryNode(category, depth))
            walk(category.pk, depth + 1)

    walk(None, 0)
    return ordered


def parse_listing_query(query: QueryDict) -> tuple[ProductFilters, int, dict[str, list[str]]]:
    """The catalog's query string through the API's own parser (same names, same rules).

    A parameter the parser refuses is reported and left out, so one bad value never
    empties the page: (filters, page, {parameter: [errors]}).
    """
    data = query.copy()
    data.setlist("limit", [str(PAGE_SIZE)])
    errors: dict[str, list[str]] = {}
    for _attempt in range(3):
        try:
            filters, page, _limit = ProductListQuery.parse_filters(SimpleNamespace(query_params=data))
        except ValidationError as exc:
            detail = exc.detail if isinstance(exc.detail, dict) else {}
            if not detail:
                break
            for name, problems in detail.items():
                errors[name] = [
                    str(problem) for problem in (problems if isinstance(problems, list) else [problems])
                ]
                data.pop(name, None)
                data.pop(f"{name}[]", None)
        else:
            return filters, page, errors
    return ProductFilters(), 1, errors


def _selected(query: QueryDict, name: str) -> set[str]:
    return {value for key in (name, f"{name}[]") for value in query.getlist(key) if value}


def home_view(request: HttpRequest) -> HttpResponse:
    newest = selectors.product_list(filters=ProductFilters(), page=1, limit=HOME_PRODUCTS, with_names=True)
    tree = category_tree()
    return render(
        request,
        "shop/home.html",
        {
            "products": newest.items,
            "top_categories": [node.category for node in tree if node.depth == 0],
            "product_total": newest.total,
            "favorite_ids": favorite_ids(request, newest.items),
        },
    )


def catalog_view(request: HttpRequest) -> HttpResponse:
    filters, page, errors = parse_listing_query(request.GET)
    result = selectors.product_list(filters=filters, page=page, limit=PAGE_SIZE, with_names=True)
    tree = category_tree()
    current_category = next(
        (node.category for node in tree if filters.category in (node.category.slug, str(node.category.pk))),
        None,
    )
    return render(
        request,
        "shop/catalog.html",
        {
            "products": result.items,
            "pager": Pager(page=page, limit=PAGE_SIZE, total=result.total),
            "filters": filters,
            "errors": errors,
            "category_tree": tree,
            "current_category": current_category,
            "manufacturers": list(selectors.manufacturer_list_active()),
            "countries": list(selectors.country_list_active()),
            "tags": list(selectors.tag_list()),
            "selected_manufacturers": _selected(request.GET, "manufacturerId"),
            "selected_countries": _selected(request.GET, "countryId"),
            "selected_tags": _selected(request.GET, "tags"),
            "sorts": [(name, SORT_LABELS.get(name, name)) for name in PRODUCT_SORTS],
            "has_filters": any(
                key in request.GET
                for key in (
                    "q",
                    "category",
                    "manufacturerId",
                    "manufacturerId[]",
                    "countryId",
                    "countryId[]",
                    "tags",
                    "tags[]",
                    "priceFrom",
                    "priceTo",
                )
            ),
            "query": request.GET,
            "favorite_ids": favorite_ids(request, result.items),
        },
    )


def product_page(
    request: HttpRequest, product: Product, *, form: Any = None, status: int = 200
) -> HttpResponse:
    """Render a product's page (also with the add-to-cart form's errors after a failed POST)."""
    from orders.forms import AddToCartForm

    if form is None:
        form = AddToCartForm(product=product, initial={"next": request.get_full_path()})
    breadcrumbs = []
    if product.category_id:
        by_id = {node.category.pk: node.category for node in category_tree()}
        category = by_id.get(product.category_id)
        while category is not None:
            breadcrumbs.insert(0, category)
            category = by_id.get(category.parent_id) if category.parent_id else None
    return render(
        request,
        "shop/product.html",
        {
            "product": product,
            "quote": product.price_quote,
            "form": form,
            "breadcrumbs": breadcrumbs,
            "low_stock": 0 < product.available <= LOW_STOCK,
            "is_favorite": product.pk in (favorite_ids(request, [product]) or ()),
        },
        status=status,
    )


def favorite_ids(request: HttpRequest, products: list[Product]) -> set[int] | None:
    """Which of the shown products are the shopper's favorites (None for guests: no hearts)."""
    if not request.user.is_authenticated:
        return None
    return favorite_product_ids(user=request.user, product_ids=[product.pk for product in products])


def product_view(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        product = selectors.product_get_active(id_or_slug=slug, with_names=True)
    except ProductNotFound as exc:
        raise Http404 from exc
    return product_page(request, product)
