"""Small shared pieces for the API surfaces: timestamps, paging, session auth with CSRF."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request


def iso_utc(value: datetime | None) -> str | None:
    """`2026-02-19T12:00:00.000Z`: UTC, milliseconds, a Z."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class IsoUtcField(serializers.DateTimeField):
    """A read-only datetime rendered the way the SPA parses it."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: datetime | None) -> str | None:
        return iso_utc(value)


class PageQuery(serializers.Serializer):
    """`page` ≥ 1 (default 1), `limit` 1–100 (default 20); 400 outside."""

    # Bounded so that (page - 1) * limit stays a valid SQL integer on every database.
    page = serializers.IntegerField(min_value=1, max_value=10_000_000, default=1)
    limit = serializers.IntegerField(min_value=1, max_value=100, default=20)

    @classmethod
    def parse(cls, request: Request) -> tuple[int, int]:
        query = cls(data=request.query_params)
        query.is_valid(raise_exception=True)
        return query.validated_data["page"], query.validated_data["limit"]


def page_of(rows: QuerySet[Any], *, page: int, limit: int) -> tuple[Sequence[Any], int]:
    """One page of `rows` and the total, counting only when the page cannot tell it.

    A page shorter than `limit` that has rows (or is the first) is the last one, so the total
    is its offset plus its length: most customers' first page needs no `count()`.
    """
    offset = (page - 1) * limit
    items = list(rows[offset : offset + limit])
    if len(items) < limit and (items or page == 1):
        return items, offset + len(items)
    return items, rows.count()


class LimitOffsetQuery(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=100, default=20)
    offset = serializers.IntegerField(min_value=0, max_value=1_000_000_000, default=0)


class CsrfSessionAuthentication(SessionAuthentication):
    """Session auth that checks CSRF on every unsafe request, logged in or not.

    DRF's own SessionAuthentication skips the check for anonymous requests, but login and
    register are exactly the forms a cross-site page would try to post.
    """

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
            self.enforce_csrf(request)
        return super().authenticate(request)
