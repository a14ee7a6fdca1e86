"""Root URLconf: one domain layer, several surfaces, each mounted at its own prefix."""

from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts.api import urls as accounts_api
from catalog.api import urls as catalog_api
from config import errors, views
from favorites.api import urls as favorites_api
from inventory.api import urls as inventory_api
from notifications.api import urls as notifications_api
from orders.api import urls as orders_api
from payments.api import urls as payments_api

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Platform API v1
    path("api/v1/", include(accounts_api.v1_urlpatterns)),
    path("api/v1/", include(catalog_api.v1_urlpatterns)),
    path("api/v1/", include(inventory_api.v1_urlpatterns)),
    path("api/v1/", include(orders_api.v1_urlpatterns)),
    path("api/v1/", include(payments_api.v1_urlpatterns)),
    path("api/v1/", include(favorites_api.v1_urlpatterns)),
    path("api/v1/", include(notifications_api.v1_urlpatterns)),
    # Back-office REST (staff)
    path("rest/v1/", include(accounts_api.backoffice_urlpatterns)),
    path("rest/v1/", include(favorites_api.backoffice_urlpatterns)),
    path("grpc/v1/", include(accounts_api.legacy_urlpatterns)),
    # Customers session API
    path("api/customers/", include(accounts_api.customers_urlpatterns)),
    # Storefront API (the SPA's), at the root
    path("", include(accounts_api.storefront_urlpatterns)),
    path("", include(orders_api.storefront_urlpatterns)),
    path("", include(catalog_api.storefront_urlpatterns)),
    path("", include(favorites_api.storefront_urlpatterns)),
    # Anything else under an API prefix is a JSON 404, never an HTML page.
    re_path(r"^(?:api|rest|grpc|auth)/", errors.api_not_found),
    # Pages for shoppers
    path("", include("config.page_urls")),
]

handler400 = "config.errors.handler400"
handler403 = "config.errors.handler403"
handler404 = "config.errors.handler404"
handler500 = "config.errors.handler500"
