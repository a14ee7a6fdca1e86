"""The own-favorites endpoints, once: each surface plugs in its own input/output shapes."""

from __future__ import annotations

from collections.abc import Callable

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import PageQuery
from favorites import selectors, services


class FavoriteListBase(APIView):
    """GET the signed-in user's favorites (paged); POST adds one (201, or 200 if already there)."""

    permission_classes = [IsAuthenticated]
    add_input: type[serializers.Serializer]
    item_output: type[serializers.Serializer]
    page_output: type[serializers.Serializer]

    def get(self, request: Request) -> Response:
        page, limit = PageQuery.parse(request)
        result = selectors.favorite_page_for_user(user=request.user, page=page, limit=limit)
        return Response(self.page_output(result).data)

    def post(self, request: Request) -> Response:
        data = self.add_input(data=request.data)
        data.is_valid(raise_exception=True)
        favorite, created = services.favorite_add(
            user=request.user, product_id=data.validated_data["productId"]
        )
        return Response(
            self.item_output(selectors.favorite_item_get(favorite=favorite)).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class FavoriteDetailBase(APIView):
    permission_classes = [IsAuthenticated]

    def delete(self, request: Request, product_id: int) -> Response:
        services.favorite_remove(user=request.user, product_id=product_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


def favorite_list_schema(
    *,
    tags: list[str],
    add_input: type[serializers.Serializer],
    item_output: type[serializers.Serializer],
    page_output: type[serializers.Serializer],
) -> Callable[[type], type]:
    return extend_schema_view(
        get=extend_schema(tags=tags, parameters=[PageQuery], responses={200: page_output}),
        post=extend_schema(
            tags=tags,
            request=add_input,
            responses={201: item_output, 200: item_output},
            description="201 when added, 200 when it was already there; 404 for an unknown or inactive product.",
        ),
    )


def favorite_detail_schema(*, tags: list[str]) -> Callable[[type], type]:
    return extend_schema_view(
        delete=extend_schema(
            tags=tags, responses={204: None}, description="Idempotent: 204 even when it was not there."
        )
    )
