"""The staff favorites filters (`/rest/v1/favorites/`), with django-filter.

`id`, `user_id`, `item_id`: one or several integers (`user_id=1&user_id=2`, also
`user_id[]=1` or `user_id=1,2`).

`created_at`, `created_at__gte`, `created_at__lte`: a date or a datetime, each read as the
span of time it names at its own precision — `2026-02-19` is that whole day (in the shop's
time zone, Europe/Kyiv), `2026-02-19T12:30` that minute, `2026-02-19T12:30:05Z` that second,
`2026-02-19T12:30:05.123Z` that millisecond (the precision the API prints, so a value copied
from a response finds its row). `created_at` matches inside the span, `__gte` from its start,
`__lte` up to its end. A datetime without an offset is in the shop's time zone.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import QueryArrayWidget

from favorites.models import Favorite

MAX_DB_ID = 2**63 - 1
# "+02:00" arrives as " 02:00" when a client does not percent-encode the plus sign.
UNENCODED_OFFSET = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}(?::?\d{2})?)$")
TIME_PART = re.compile(r"[T ]\d{2}:\d{2}(?P<seconds>:\d{2}(?:\.(?P<fraction>\d+))?)?")

Span = tuple[datetime, datetime]


class IntegerListField(forms.Field):
    widget = QueryArrayWidget
    default_error_messages = {"invalid": _("Enter whole numbers (ids).")}

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        try:
            numbers = sorted({int(str(item).strip()) for item in values})
        except ValueError as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc
        if any(not 0 < number <= MAX_DB_ID for number in numbers):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return numbers


class IntegerListFilter(django_filters.Filter):
    field_class = IntegerListField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("lookup_expr", "in")
        super().__init__(*args, **kwargs)


class MomentField(forms.CharField):
    """A date or datetime → the [start, end) span it names (see the module docstring)."""

    default_error_messages = {
        "invalid": _("Enter a date (YYYY-MM-DD) or a datetime (YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH:MM]).")
    }

    def to_python(self, value: Any) -> Span | None:
        text = super().to_python(value).strip()
        if not text:
            return None
        text = UNENCODED_OFFSET.sub(r"\1+\2", text)
        try:
            return _span(text)
        except ValueError as exc:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from exc


def _span(text: str) -> Span:
    zone = timezone.get_current_timezone()
    if len(text) == 10:
        day = parse_date(text)
        if day is None:
            raise ValueError(text)
        # Each end made aware on its own: a day can be 23 or 25 hours long.
        start = timezone.make_aware(datetime.combine(day, time.min), zone)
        end = timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), zone)
        return start, end
    moment = parse_datetime(text)
    time_part = TIME_PART.search(text)
    if moment is None or time_part is None:
        raise ValueError(text)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, zone)
    if time_part["fraction"]:
        step = timedelta(microseconds=10 ** max(0, 6 - len(time_part["fraction"])))
    elif time_part["seconds"]:
        step = timedelta(seconds=1)
    else:
        step = timedelta(minutes=1)
    return moment, moment + step


class CreatedAtFilter(django_filters.Filter):
    field_class = MomentField

    def __init__(self, *args: Any, bound: str, **kwargs: Any) -> None:
        self.bound = bound  # "within", "from" or "until"
        kwargs.setdefault("field_name", "created_at")
        super().__init__(*args, **kwargs)

    def filter(self, qs: QuerySet, value: Span | None) -> QuerySet:
        if value is None:
            return qs
        start, end = value
        if self.bound == "from":
            return qs.filter(created_at__gte=start)
        if self.bound == "until":
            return qs.filter(created_at__lt=end)
        return qs.filter(created_at__gte=start, created_at__lt=end)


class FavoriteFilter(django_filters.FilterSet):
    id = IntegerListFilter(field_name="id")
    user_id = IntegerListFilter(field_name="user_id")
    item_id = IntegerListFilter(field_name="product_id")
    created_at = CreatedAtFilter(bound="within")
    created_at__gte = CreatedAtFilter(bound="from")
    created_at__lte = CreatedAtFilter(bound="until")

    class Meta:
        model = Favorite
        fields: list[str] = []
