"""Inventory's v1 routes alone, for `@pytest.mark.urls("inventory.tests.urls")`."""

from django.urls import include, path

from inventory.api.urls import v1_urlpatterns

urlpatterns = [path("api/v1/", include(v1_urlpatterns))]
