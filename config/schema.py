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
