"""A real second database for the import tests: a SQLite file, or a PostgreSQL database
created on the test server. Registered as the `legacy` alias at runtime and removed after."""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, connections

COLUMNS = ("phone", "email", "firstname", "lastname", "birthday", "gender", "city_id")
CREATE_TABLE = """
    CREATE TABLE customers (
        id INTEGER PRIMARY KEY,
        phone VARCHAR(32), email VARCHAR(254), firstname VARCHAR(200), lastname VARCHAR(200),
        birthday VARCHAR(20), gender VARCHAR(10), city_id VARCHAR(20)
    )
"""
# How a real legacy table types them: dates and ids come out as date/int objects.
TYPED_TABLE = """
    CREATE TABLE customers (
        id INTEGER PRIMARY KEY,
        phone VARCHAR(32), email VARCHAR(254), firstname VARCHAR(200), lastname VARCHAR(200),
        birthday DATE, gender CHAR(1), city_id INTEGER
    )
"""


def row(
    phone: str | None = None,
    email: str | None = None,
    firstname: str | None = None,
    lastname: str | None = None,
    birthday: str | None = None,
    gender: str | None = None,
    city_id: Any = None,
) -> tuple:
    return (phone, email, firstname, lastname, birthday, gender, city_id)


def _insert_sql(placeholder: str) -> str:
    return (
        f"INSERT INTO customers (id, {', '.join(COLUMNS)}) "  # noqa: S608 - test constants
        f"VALUES ({', '.join([placeholder] * (len(COLUMNS) + 1))})"
    )


def write_sqlite(path: Path, rows: Iterable[Sequence[Any]], *, create: str = CREATE_TABLE) -> Path:
    with sqlite3.connect(path) as db:
        db.execute(create)
        records = [(index, *values) for index, values in enumerate(rows, start=1)]
        if records:
            db.executemany(_insert_sql("?"), records)
    return path


def sqlite_settings(path: Path | str) -> dict[str, Any]:
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}


@contextmanager
def legacy_alias(config: dict[str, Any], alias: str = "legacy") -> Iterator[None]:
    """Add a database alias the way settings.py does for LEGACY_DATABASE_URL; remove it after."""
    connections.databases[alias] = {
        "ATOMIC_REQUESTS": False,
        "AUTOCOMMIT": True,
        "CONN_MAX_AGE": 0,
        "CONN_HEALTH_CHECKS": False,
        "OPTIONS": {},
        "TIME_ZONE": None,
        "USER": "",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "TEST": {"CHARSET": None, "COLLATION": None, "MIGRATE": True, "MIRROR": None, "NAME": None},
        **config,
    }
    try:
        yield
    finally:
        try:
            connections[alias].close()
            del connections[alias]
        except AttributeError:
            pass  # never connected
        del connections.databases[alias]


@pytest.fixture
def sqlite_legacy(tmp_path, db):
    """`sqlite_legacy(rows)` → the `legacy` alias over a SQLite file holding `customers`."""
    stack: list = []

    def make(rows: Iterable[Sequence[Any]], *, create: str = CREATE_TABLE) -> Path:
        path = write_sqlite(tmp_path / f"legacy-{len(stack)}.sqlite3", rows, create=create)
        manager = legacy_alias(sqlite_settings(path))
        manager.__enter__()
        stack.append(manager)
        return path

    yield make
    for manager in reversed(stack):
        manager.__exit__(None, None, None)


@pytest.fixture
def postgres_legacy(db):
    """`postgres_legacy(rows)` → the `legacy` alias over a new database on the test server."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a real PostgreSQL server (DATABASE_URL=postgres://...)")
    import psycopg

    server = connection.settings_dict
    params = {
        "host": server["HOST"] or None,
        "port": server["PORT"] or None,
        "user": server["USER"] or None,
        "password": server["PASSWORD"] or None,
    }
    created: list[str] = []
    managers: list = []

    def make(rows: Iterable[Sequence[Any]], *, create: str = TYPED_TABLE) -> str:
        name = f"legacy_test_{secrets.token_hex(4)}"
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        with psycopg.connect(dbname=name, **params) as legacy:
            legacy.execute(create)
            records = [(index, *values) for index, values in enumerate(rows, start=1)]
            if records:
                with legacy.cursor() as cursor:
                    cursor.executemany(_insert_sql("%s"), records)
        manager = legacy_alias(
            {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": name,
                "HOST": server["HOST"],
                "PORT": server["PORT"],
                "USER": server["USER"],
                "PASSWORD": server["PASSWORD"],
            }
        )
        manager.__enter__()
        managers.append(manager)
        return name

    yield make
    for manager in reversed(managers):
        manager.__exit__(None, None, None)
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        for name in created:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
