"""Favorites routes, one list per API surface (mounted by config/urls.py)."""

storefront_urlpatterns: list = []
v1_urlpatterns: list = []
backoffice_urlpatterns: list = []
