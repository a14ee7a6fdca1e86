import pytest
from django.db import connection
from rest_framework.test import APIClient

from inventory.tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _skip_postgres_only_off_postgres(request: pytest.FixtureRequest):
    """`@pytest.mark.postgres` tests prove behaviour under real row locks: SQLite has none."""
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip("needs a real PostgreSQL server (DATABASE_URL=postgres://...)")


@pytest.fixture
def staff_client(db) -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory(is_staff=True))
    return client


@pytest.fixture
def customer_client(db) -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory())
    return client
