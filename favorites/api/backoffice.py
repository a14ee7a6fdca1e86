"""Back-office REST `/rest/v1/favorites/` (staff only): list with filters, add, bulk delete."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import selectors as accounts_selectors
from accounts.api.backoffice import StaffAPIView
from accounts.exceptions import UserNotFound
from config.api import IsoUtcField, LimitOffsetQuery, iso_utc
from favorites import selectors, services
from favorites.filters import FavoriteFilter
from favorites.models import Favorite

TAG = ["backoffice: favorites"]
MAX_DB_ID = 2**63 - 1
MAX_BULK_DELETE = 1000


class FavoriteOutput(serializers.Serializer):
    id = serializers.IntegerField()
    user_id = serializers.IntegerField()
    item_id = serializers.IntegerField(help_text="The catalog product id.")
    created_at = IsoUtcField()

    def to_representation(self, favorite: Favorite) -> dict[str, Any]:
        return {
            "id": favorite.pk,
            "user_id": favorite.user_id,
            "item_id": favorite.product_id,
            "created_at": iso_utc(favorite.created_at),
        }


class FavoritePageOutput(serializers.Serializer):
    items = FavoriteOutput(many=True)
    count = serializers.IntegerField()


class FavoriteInput(serializers.Serializer):
    user_id = serializers.IntegerField(min_value=1, max_value=MAX_DB_ID)
    item_id = serializers.IntegerField(min_value=1, max_value=MAX_DB_ID)


class FavoriteDeleteInput(serializers.Serializer):
    id = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_DB_ID), max_length=MAX_BULK_DELETE
    )


class DeletedCountOutput(serializers.Serializer):
    count_deleted = serializers.IntegerField()


class FavoriteDeletedOutput(serializers.Serializer):
    success = serializers.BooleanField()
    message = serializers.CharField(allow_null=True)
    data = DeletedCountOutput()


FILTER_PARAMETERS = [
    OpenApiParameter("id", int, many=True, description="Repeatable."),
    OpenApiParameter("user_id", int, many=True, description="Repeatable: user_id=1&user_id=2."),
    OpenApiParameter("item_id", int, many=True, description="Repeatable; a catalog product id."),
    OpenApiParameter("created_at", str, description="A date (that whole day, Kyiv time) or a datetime."),
    OpenApiParameter("created_at__gte", str, description="From this date or datetime."),
    OpenApiParameter("created_at__lte", str, description="Up to this date (inclusive) or datetime."),
]


class FavoriteListView(StaffAPIView):
    """Favorites of every customer: filter, add, delete by ids."""

    @extend_schema(
        tags=TAG, parameters=[LimitOffsetQuery, *FILTER_PARAMETERS], responses={200: FavoritePageOutput}
    )
    def get(self, request: Request) -> Response:
        query = LimitOffsetQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        limit, offset = query.validated_data["limit"], query.validated_data["offset"]
        filters = FavoriteFilter(request.query_params, queryset=selectors.favorite_list())
        if not filters.is_valid():
            raise ValidationError(filters.errors)
        favorites = filters.qs
        items = list(favorites[offset : offset + limit])
        return Response({"items": FavoriteOutput(items, many=True).data, "count": favorites.count()})

    @extend_schema(
        tags=TAG,
        request=FavoriteInput,
        responses={201: FavoriteOutput, 200: FavoriteOutput},
        description="201 with the new favorite; 200 with the existing one when the pair is already there. "
        "404 for an unknown or deleted customer, or an unknown or inactive product.",
    )
    def post(self, request: Request) -> Response:
        data = FavoriteInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = accounts_selectors.user_get_active(user_id=data.validated_data["user_id"])
        if user is None:
            raise UserNotFound()
        favorite, created = services.favorite_add(user=user, product_id=data.validated_data["item_id"])
        return Response(
            FavoriteOutput(favorite).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    @extend_schema(tags=TAG, request=FavoriteDeleteInput, responses={200: FavoriteDeletedOutput})
    def delete(self, request: Request) -> Response:
        data = FavoriteDeleteInput(data=request.data)
        data.is_valid(raise_exception=True)
        count = services.favorite_delete_many(favorite_ids=data.validated_data["id"])
        return Response({"success": True, "message": None, "data": {"count_deleted": count}})
