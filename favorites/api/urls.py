"""Favorites routes, one list per API surface (mounted by config/urls.py)."""

from django.urls import path

from favorites.api import backoffice, storefront, v1

storefront_urlpatterns = [
    path("me/favorites", storefront.FavoriteListView.as_view()),
    path("me/favorites/<int:product_id>", storefront.FavoriteDetailView.as_view()),
]
v1_urlpatterns = [
    path("favorites", v1.FavoriteListView.as_view()),
    path("favorites/<int:product_id>", v1.FavoriteDetailView.as_view()),
]
backoffice_urlpatterns = [
    path("favorites/", backoffice.FavoriteListView.as_view()),
]
