"""Notification v1 routes alone, for `@pytest.mark.urls("notifications.tests.urls")`."""

from django.urls import include, path

from notifications.api.urls import v1_urlpatterns

urlpatterns = [path("api/v1/", include(v1_urlpatterns))]
handler404 = "config.errors.handler404"
