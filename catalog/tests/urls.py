"""The catalog routes mounted the way config/urls.py mounts them, for this app's API tests."""

from django.urls import include, path

from catalog.api.urls import storefront_urlpatterns, v1_urlpatterns

urlpatterns = [
    path("api/v1/", include(v1_urlpatterns)),
    path("", include(storefront_urlpatterns)),
]

handler404 = "config.errors.handler404"
handler500 = "config.errors.handler500"
