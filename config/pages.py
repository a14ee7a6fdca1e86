"""Small pieces every server-rendered page shares: the browser's clientId, rate limits,
domain errors shown beside form fields, safe `next` redirects and paging.

Business rules stay in the services; this module only translates between HTTP and them.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme
from rest_framework.throttling import BaseThrottle

from config.errors import DomainError

CLIENT_ID_SESSION_KEY = "client_id"  # the session APIs read the same key


def client_id_for(request: HttpRequest) -> str:
    """This browser's clientId (a UUID kept in the session), created on first use.

    Guest orders carry it, so registering or logging in later attaches them.
    """
    client_id = request.session.get(CLIENT_ID_SESSION_KEY)
    if not client_id:
        client_id = str(uuid.uuid4())
        request.session[CLIENT_ID_SESSION_KEY] = client_id
    return client_id


# --- rate limits ------------------------------------------------------------------------------


class _ThrottleRequest:
    """What the accounts throttles read from a request (`META` for the IP, `data` for the
    identifier), so the pages and the APIs share one set of counters and rates."""

    def __init__(self, request: HttpRequest, data: Mapping[str, Any]) -> None:
        self.META = request.META
        self.headers = request.headers
        self.data = dict(data)
        self._request = request


def throttle_wait(
    request: HttpRequest, throttles: Iterable[type[BaseThrottle]], data: Mapping[str, Any]
) -> int | None:
    """Seconds to wait if any throttle refuses this request; None when it may go on.

    Every throttle is consulted (and counts the attempt), like DRF's `check_throttles`.
    """
    shim = _ThrottleRequest(request, data)
    waits: list[float] = []
    for throttle_class in throttles:
        throttle = throttle_class()
        if not throttle.allow_request(shim, None):  # type: ignore[arg-type]
            waits.append(throttle.wait() or 1)
    if not waits:
        return None
    return max(1, math.ceil(max(waits)))


# --- forms ---------------------------------------------------------------------------------


def form_add_domain_error(
    form: forms.Form,
    exc: DomainError,
    *,
    field: str | None = None,
    field_map: Mapping[str, str] | None = None,
) -> None:
    """Show a service's refusal on the form: beside `field` (or a field named by the error's
    `extra["fields"]`, translated through `field_map`), else above the form."""
    per_field = exc.extra.get("fields") if isinstance(exc.extra, dict) else None
    if isinstance(per_field, dict) and per_field:
        for name, messages in per_field.items():
            target = (field_map or {}).get(name, name)
            target = target if target in form.fields else None
            for message in messages if isinstance(messages, list | tuple) else [messages]:
                form.add_error(target, force_str(message))
        return
    message = exc.message
    messages = message if isinstance(message, list | tuple) else [message]
    for text in messages:
        form.add_error(field, force_str(text))


# --- redirects --------------------------------------------------------------------------------


def safe_next(request: HttpRequest, default: str, *, value: str | None = None) -> str:
    """`next` from the form or the query string when it points at this site; else `default`."""
    target = value if value is not None else request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# --- paging ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pager:
    """Page links for a listing of `total` items, `limit` a page."""

    page: int
    limit: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.limit))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def previous(self) -> int:
        return self.page - 1

    @property
    def next(self) -> int:
        return self.page + 1

    @property
    def numbers(self) -> Sequence[int | None]:
        """1 … 4 5 [6] 7 8 … 20: the first, the last and two around the current; None is a gap."""
        shown = sorted({1, self.pages, *range(self.page - 2, self.page + 3)} & set(range(1, self.pages + 1)))
        numbers: list[int | None] = []
        for number in shown:
            if numbers and number - (numbers[-1] or 0) > 1:
                numbers.append(None)
            numbers.append(number)
        return numbers


def page_number(request: HttpRequest, *, key: str = "page") -> int:
    """`?page=` as a positive int; anything else is page 1."""
    raw = request.GET.get(key, "")
    if raw.isascii() and raw.isdigit() and 0 < int(raw) < 1_000_000:
        return int(raw)
    return 1
