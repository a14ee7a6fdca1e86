"""The one error format, from every corner: unknown paths, wrong methods, crashes, bad JSON."""

from __future__ import annotations

import pytest
from django.urls import path
from rest_framework.views import APIView


class Boom(APIView):
    authentication_classes: list = []

    def get(self, request):
        raise RuntimeError("secret internals")


def plain_boom(request):
    raise RuntimeError("secret internals")


urlpatterns = [
    path("api/v1/boom", Boom.as_view()),
    path("api/v1/plain-boom", plain_boom),
]
handler500 = "config.errors.handler500"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/api/v1/does-not-exist", "/rest/v1/nope/", "/auth/nope", "/api/customers/nope"]
)
def test_unknown_api_paths_are_json_404(client, url):
    response = client.get(url)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "statusCode": 404,
        "message": "Не знайдено",
        "error": "Not Found",
        "code": "not_found",
    }


@pytest.mark.django_db
def test_unknown_api_paths_are_json_404_with_debug_on(client, settings):
    settings.DEBUG = True

    response = client.get("/api/v1/does-not-exist")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.django_db
def test_wrong_method_is_json_405(client):
    response = client.get("/auth/login")

    assert response.status_code == 405
    body = response.json()
    assert body["statusCode"] == 405
    assert body["error"] == "Method Not Allowed"


@pytest.mark.urls("config.tests.test_errors")
def test_crash_in_an_api_view_is_json_500_without_internals(client):
    client.raise_request_exception = False

    response = client.get("/api/v1/boom")

    assert response.status_code == 500
    assert response.json() == {
        "statusCode": 500,
        "message": "Внутрішня помилка сервера",
        "error": "Internal Server Error",
        "code": "internal_error",
    }
    assert "secret" not in response.text


@pytest.mark.urls("config.tests.test_errors")
def test_crash_outside_drf_under_an_api_prefix_is_json_500(client):
    client.raise_request_exception = False

    response = client.get("/api/v1/plain-boom")

    assert response.status_code == 500
    assert response.json()["code"] == "internal_error"
    assert "secret" not in response.text


@pytest.mark.django_db
def test_unknown_page_is_an_html_404(client):
    response = client.get("/no-such-page")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "<html" in response.text


@pytest.mark.django_db
def test_json_body_that_is_not_an_object_is_400(client):
    response = client.post("/auth/login", "[1, 2]", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "validation"
    assert isinstance(response.json()["message"], list)


@pytest.mark.django_db
def test_non_json_body_is_415(client):
    response = client.post("/auth/login", "login=x", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 415
    assert response.json()["statusCode"] == 415


@pytest.mark.django_db
def test_english_on_request(client):
    by_header = client.get("/api/v1/nope", HTTP_ACCEPT_LANGUAGE="en")
    by_query = client.get("/api/v1/nope?lang=en")

    assert by_header.json()["message"] == by_query.json()["message"] == "Not found"
    assert by_query["Content-Language"] == "en"


def test_schema_and_docs_are_served(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    docs = client.get("/api/docs/")

    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for expected in (
        "/auth/register",
        "/api/v1/auth/login/email",
        "/api/customers/me",
        "/api/v1/users/me/addresses",
    ):
        assert expected in paths
    assert docs.status_code == 200
    assert "cdn" not in docs.text.lower()
