from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _

# A Unicode-aware casefold for product search on SQLite, whose LOWER/LIKE fold ASCII only.
SQLITE_CASEFOLD = "catalog_casefold"


def _casefold(value: str | None) -> str | None:
    return value.casefold() if value is not None else None


def register_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_CASEFOLD, 1, _casefold, deterministic=True)


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Catalog")

    def ready(self) -> None:
        connection_created.connect(register_sqlite_functions, dispatch_uid="catalog.sqlite_functions")
        from catalog import receivers  # noqa: F401  (keeps the cached discount book fresh)
