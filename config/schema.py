"""OpenAPI generation: component and operation names that can't collide across surfaces.

Each surface keeps its own serializers (`accounts/api/storefront.py`, `.../v1.py`, ...), so
class names repeat; the component name is prefixed with the surface the class belongs to.
"""

from __future__ import annotations

import re

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.openapi import AutoSchema

SURFACE_PREFIXES = {
    "storefront": "Storefront",
    "v1": "V1",
    "customers": "Customers",
    "backoffice": "Backoffice",
}


class SurfaceAutoSchema(AutoSchema):
    def get_serializer_name(self, serializer: object, direction: str) -> str:
        name = super().get_serializer_name(serializer, direction)
        module = type(serializer).__module__.rsplit(".", 1)[-1]
        app = type(serializer).__module__.split(".", 1)[0].capitalize()
        prefix = SURFACE_PREFIXES.get(module)
        return f"{prefix}{app}{name}" if prefix else name

    def get_operation_id(self) -> str:
        path = re.sub(r"\{(\w+)\}", r"by_\1", self.path)
        tokens = [token for token in re.split(r"[^A-Za-z0-9_]+", path) if token]
        return "_".join([*tokens, self.method.lower()]) or self.method.lower()


class CsrfSessionScheme(SessionScheme):
    target_class = "config.api.CsrfSessionAuthentication"
    name = "sessionCsrfAuth"


ERROR_STATUSES = {
    "400": "Validation failed (`message` is a list of strings, `fields` maps them to inputs)",
    "401": "Not authenticated, or a bad signature on a gateway callback",
    "403": "Authenticated but not allowed (staff only, CSRF)",
    "404": "Not found (also: someone else's object)",
    "409": "Conflict (taken email/phone, out of stock, price changed, invalid transition)",
    "422": "Idempotency key reused with a different body",
    "429": "Too many requests (`Retry-After` says when to retry)",
}
ERROR_BODY = {
    "type": "object",
    "description": "The one error format of every JSON surface.",
    "properties": {
        "statusCode": {"type": "integer"},
        "message": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
        "error": {"type": "string"},
        "code": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
    "required": ["statusCode", "message", "error", "code"],
}


def add_error_responses(result: dict, generator: object, request: object, public: bool) -> dict:
    """drf-spectacular postprocessing hook: every operation documents the error format."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_BODY
    reference = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_STATUSES.items():
                responses.setdefault(status, {"description": description, **reference})
    return result
