"""schemathesis over the whole OpenAPI schema: no 5xx, and every response matches the schema.

Each operation is called with generated inputs, as a staff user (so staff-only endpoints
are reached too); validation failures must come back as documented 4xx error bodies.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application

# What the issue asks: no 5xx, and every response matches the schema. Whether a
# schema-valid body is *accepted* is not one of them: phone numbers, passwords and ids
# that must exist are rules a JSON schema can't express, answered with a documented 400/404.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture
def staff_token(db):
    from accounts.services import tokens_issue
    from accounts.tests.factories import UserFactory

    staff = UserFactory(email="fuzz-staff@example.com", is_staff=True, is_superuser=True)
    return tokens_issue(user=staff).access_token


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.RATE_LIMITS_ENABLED = False


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    """Calls go straight into the WSGI app, whose request signals would close the test's
    connection (it is inside a transaction); Django's own test client detaches them too."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.fuzz
@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_answers_every_generated_request_as_documented(case, staff_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {staff_token}"}, checks=CHECKS)
