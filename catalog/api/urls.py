"""Catalog routes, one list per API surface (mounted by config/urls.py)."""

from django.urls import path

from catalog.api import storefront, v1

storefront_urlpatterns = [
    path("products", storefront.ProductListView.as_view()),
    path("products/<str:id_or_slug>", storefront.ProductDetailView.as_view()),
    path("categories", storefront.CategoryListView.as_view()),
    path("manufacturers", storefront.ManufacturerListView.as_view()),
    path("countries", storefront.CountryListView.as_view()),
]

v1_urlpatterns = [
    path("products", v1.ProductListView.as_view()),
    path("products/<int:product_id>", v1.ProductDetailView.as_view()),
    path("products/<int:product_id>/price", v1.ProductPriceView.as_view()),
    path("products/<int:product_id>/stock", v1.ProductStockView.as_view()),
]
