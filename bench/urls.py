"""The bench URLconf: the whole app (config.urls) plus the raw baseline under /bench/baseline/.

Served only by `bench.wsgi` (per request, through `request.urlconf`), so the production
URLconf never exposes the baseline.
"""

from django.urls import path

from bench import baseline
from config import urls as app_urls

urlpatterns = [
    # First: config.urls ends with the pages' catch-all routes.
    path("bench/baseline/products", baseline.product_list, name="bench-baseline-products"),
    path("bench/baseline/products/<str:id_or_slug>", baseline.product_detail, name="bench-baseline-product"),
    *app_urls.urlpatterns,
]

# Error views resolve through the request's URLconf: keep the app's JSON/HTML handlers.
handler400 = app_urls.handler400
handler403 = app_urls.handler403
handler404 = app_urls.handler404
handler500 = app_urls.handler500
