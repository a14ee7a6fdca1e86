"""Server-rendered shopper pages (mounted at the root after the API routes)."""

urlpatterns: list = []
