"""The one JSON error format, for every API surface.

    {"statusCode": 409, "message": "...", "error": "Conflict", "code": "auth.emailTaken"}

Services raise `DomainError` subclasses (each app's `exceptions.py`); DRF raises its own
exceptions; anything else becomes a 500 in the same format. Django-level 404/500 for
API paths (no view matched, or a crash outside DRF) come through `handler404`/`handler500`.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.views import set_rollback

logger = logging.getLogger(__name__)

# Paths whose errors are JSON even when no view matched them.
JSON_PATH_PREFIXES = (
    "/api/",
    "/rest/",
    "/grpc/",
    "/auth/",
    "/me",
    "/orders",
    "/products",
    "/categories",
    "/manufacturers",
    "/countries",
    "/healthz",
    "/readyz",
)
HTML_PATH_EXCEPTIONS = ("/orders/lookup",)


class DomainError(Exception):
    """A business rule said no. Subclasses set the status and the stable code."""

    status_code: int = 400
    code: str = "error"
    default_message: Any = gettext_lazy("Request failed")

    def __init__(self, message: Any = None, *, extra: dict[str, Any] | None = None) -> None:
        self.message = message if message is not None else self.default_message
        self.extra = extra or {}
        super().__init__(force_str(self.message) if isinstance(self.message, str) else self.message)


class NotFound(DomainError):
    status_code = 404
    code = "not_found"
    default_message = gettext_lazy("Not found")


class Conflict(DomainError):
    status_code = 409
    code = "conflict"
    default_message = gettext_lazy("Conflict")


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"
    default_message = gettext_lazy("You do not have permission to perform this action.")


def error_body(status: int, message: Any, code: str, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "statusCode": status,
        "message": message,
        "error": HTTPStatus(status).phrase,
        "code": code,
    }
    body.update(extra)
    return body


def _flatten_validation(detail: Any) -> tuple[list[str], dict[str, list[str]]]:
    """DRF's nested error detail → (one message per problem, {field: [messages]})."""
    messages: list[str] = []
    fields: dict[str, list[str]] = {}

    def walk(prefix: str, node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                name = key if key != "non_field_errors" else ""
                walk(f"{prefix}.{name}" if prefix and name else (name or prefix), value)
        elif isinstance(node, list):
            if all(not isinstance(item, dict | list) for item in node):
                for item in node:
                    walk(prefix, item)
            else:
                for index, item in enumerate(node):
                    walk(f"{prefix}[{index}]", item)
        else:
            text = force_str(node)
            fields.setdefault(prefix or "non_field_errors", []).append(text)
            if prefix and not text.lower().startswith(prefix.split(".")[-1].lower()):
                text = f"{prefix}: {text}"
            messages.append(text)

    walk("", detail)
    return messages, fields


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF's EXCEPTION_HANDLER: every exception becomes the one error body."""
    headers: dict[str, str] = {}
    extra: dict[str, Any] = {}
    if isinstance(exc, DomainError):
        status, code, message = exc.status_code, exc.code, exc.message
        if not isinstance(message, list):
            message = force_str(message)
        extra = exc.extra
    elif isinstance(exc, drf.ValidationError):
        messages, fields = _flatten_validation(exc.detail)
        status, code, message = 400, "validation", messages
        extra = {"fields": fields}
    elif isinstance(exc, drf.ParseError):
        status, code, message = 400, "validation", [force_str(exc.detail)]
    elif isinstance(exc, drf.Throttled):
        wait = int(exc.wait or 1)
        headers["Retry-After"] = str(max(wait, 1))
        status, code = 429, "auth.rateLimited"
        message = _("Too many requests. Try again in %(seconds)s seconds.") % {"seconds": max(wait, 1)}
    elif isinstance(exc, drf.NotAuthenticated | drf.AuthenticationFailed):
        status, code = 401, "auth.unauthorized"
        detail = exc.detail
        # simplejwt wraps its detail in a dict ({"detail", "code", "messages"}).
        message = force_str(detail.get("detail", "") if isinstance(detail, dict) else detail)
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
    elif isinstance(exc, drf.PermissionDenied | DjangoPermissionDenied):
        status, code = 403, "forbidden"
        message = force_str(getattr(exc, "detail", "")) or _(
            "You do not have permission to perform this action."
        )
    elif isinstance(exc, drf.NotFound | Http404):
        status, code, message = 404, "not_found", _("Not found")
    elif isinstance(exc, drf.MethodNotAllowed):
        status, code, message = 405, "method_not_allowed", force_str(exc.detail)
    elif isinstance(exc, drf.NotAcceptable | drf.UnsupportedMediaType):
        status, code, message = exc.status_code, "validation", force_str(exc.detail)
    elif isinstance(exc, drf.APIException):
        status, code, message = exc.status_code, "error", force_str(exc.detail)
    elif isinstance(exc, RequestDataTooBig):
        status, code, message = 413, "payload_too_large", _("The request body is too large")
    elif isinstance(exc, DataError):
        # A value the database refuses (e.g. a NUL character) that validation let through.
        status, code, message = 400, "validation", [_("The request contains a value that cannot be stored")]
    elif isinstance(exc, OperationalError | InterfaceError):
        # The database went away (restart, failover, dropped connection): retryable, not a bug.
        logger.warning("Database unavailable in %s: %s", getattr(context.get("request"), "path", "?"), exc)
        headers["Retry-After"] = "5"
        status, code, message = 503, "service_unavailable", _("The service is temporarily unavailable")
    else:
        request = context.get("request")
        logger.exception("Unhandled error in %s", getattr(request, "path", "?"), exc_info=exc)
        status, code, message = 500, "internal_error", _("Internal server error")

    set_rollback()
    return Response(error_body(status, message, code, **extra), status=status, headers=headers)


def wants_json(request: HttpRequest) -> bool:
    path = request.path
    if path.startswith(HTML_PATH_EXCEPTIONS):
        return False
    return path.startswith(JSON_PATH_PREFIXES) or "application/json" in request.headers.get("Accept", "")


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if wants_json(request):
        return JsonResponse(error_body(404, _("Not found"), "not_found"), status=404)
    return render(request, "404.html", status=404)


def api_not_found(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    """Unknown paths under the API prefixes: JSON 404 even with DEBUG on."""
    return JsonResponse(error_body(404, _("Not found"), "not_found"), status=404)


def handler500(request: HttpRequest) -> HttpResponse:
    if wants_json(request):
        return JsonResponse(error_body(500, _("Internal server error"), "internal_error"), status=500)
    return render(request, "500.html", status=500)


def handler403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if wants_json(request):
        return JsonResponse(error_body(403, _("Forbidden"), "forbidden"), status=403)
    return render(request, "403.html", status=403)


def handler400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if wants_json(request):
        return JsonResponse(error_body(400, [_("Bad request")], "validation"), status=400)
    return render(request, "400.html", status=400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if wants_json(request):
        return JsonResponse(error_body(403, _("CSRF verification failed."), "csrf_failed"), status=403)
    return render(request, "403.html", status=403)
