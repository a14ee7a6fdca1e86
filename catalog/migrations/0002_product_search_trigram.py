"""PostgreSQL only: trigram GIN indexes behind the product search (`q`).

The search is `icontains` (UPPER(col) LIKE UPPER('%q%')), so the indexes are on UPPER(col)
with gin_trgm_ops. pg_trgm is a trusted extension (PostgreSQL 13+): the database owner
may create it without superuser rights. Other databases skip this migration's SQL.
"""

from django.db import migrations

SEARCH_COLUMNS = ("title", "sku", "description")


def _index_name(column: str) -> str:
    return f"product_{column}_trgm"


def create_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in SEARCH_COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {_index_name(column)} "
            f"ON catalog_product USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in SEARCH_COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {_index_name(column)}")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_search_indexes, drop_search_indexes, elidable=False),
    ]
