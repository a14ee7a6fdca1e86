"""Template helpers of the shop pages: money, the cart badge, query strings, labels."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import phonenumbers
from django import template
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.phones import InvalidPhone, parse_phone
from orders.cart import Cart
from orders.selectors import PUBLIC_STATUS

register = template.Library()

# Variant option names the demo catalog uses; anything else shows as written.
OPTION_LABELS = {
    "shade": _("Shade"),
    "size": _("Size"),
    "color": _("Colour"),
    "colour": _("Colour"),
    "flavor": _("Flavour"),
    "flavour": _("Flavour"),
    "grit": _("Grit"),
    "length": _("Length"),
    "volume": _("Volume"),
}

PUBLIC_STATUS_LABELS = {
    "new": _("New"),
    "processing": _("Processing"),
    "done": _("Completed"),
    "cancelled": _("Cancelled"),
}

# The order history as a shopper reads it: what each internal state means to them.
EVENT_LABELS = {
    "new": _("Order received"),
    "reserved": _("Goods reserved for you"),
    "paid": _("Payment received"),
    "confirmed": _("Confirmed by the shop"),
    "done": _("Completed"),
    "cancelled": _("Cancelled"),
}

CANCEL_REASON_LABELS = {
    "customer": _("cancelled by you"),
    "staff": _("cancelled by the shop"),
    "payment_failed": _("the payment failed"),
    "reservation_expired": _("the order was not paid in time"),
}

PAYMENT_STATUS_LABELS = {
    "pending": _("Awaiting confirmation"),
    "succeeded": _("Paid"),
    "failed": _("Failed"),
    "partially_refunded": _("Partially refunded"),
    "refunded": _("Refunded"),
}


@register.filter
def money(value: Any, currency: str = "UAH") -> str:
    """`1 250 ₴` / `349,50 ₴` in Ukrainian, `₴1,250` / `₴349.50` in English."""
    try:
        amount = Decimal(value).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        return ""
    symbol = "₴" if currency in ("UAH", "", None) else currency
    text = f"{abs(amount):,.2f}"
    if text.endswith(".00"):
        text = text[:-3]
    sign = "−" if amount < 0 else ""
    if (get_language() or "uk").startswith("uk"):
        text = text.replace(",", "\u202f").replace(".", ",")
        return f"{sign}{text}\u00a0{symbol}"
    return f"{sign}{symbol}{text}" if symbol == "₴" else f"{sign}{text}\u00a0{symbol}"


@register.simple_tag(takes_context=True)
def cart_count(context: template.Context) -> int:
    request = context.get("request")
    if request is None or not hasattr(request, "session"):
        return 0
    return Cart(request.session).count


@register.simple_tag(takes_context=True)
def query_replace(context: template.Context, **changes: Any) -> str:
    """The current query string with some parameters replaced (None removes one): `?a=1&page=3`."""
    request = context.get("request")
    query: QueryDict = request.GET.copy() if request is not None else QueryDict(mutable=True)
    for key, value in changes.items():
        query.pop(key, None)
        if value not in (None, ""):
            query[key] = str(value)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def option_label(name: str) -> str:
    label = OPTION_LABELS.get(str(name).lower())
    return str(label) if label is not None else str(name).replace("_", " ").capitalize()


@register.filter
def public_status(status: str) -> str:
    """An internal order status → the shopper's word for it (new/processing/completed/cancelled)."""
    public = PUBLIC_STATUS.get(status, status)
    return str(PUBLIC_STATUS_LABELS.get(public, public))


@register.filter
def public_status_code(status: str) -> str:
    return PUBLIC_STATUS.get(status, status)


@register.filter
def event_label(status: str) -> str:
    return str(EVENT_LABELS.get(status, status))


@register.filter
def cancel_reason_label(reason: str) -> str:
    return str(CANCEL_REASON_LABELS.get(reason, reason))


@register.filter
def payment_status_label(status: str) -> str:
    return str(PAYMENT_STATUS_LABELS.get(status, status))


@register.filter
def initials(title: str) -> str:
    """Two letters for a product's placeholder picture."""
    words = [word for word in str(title).replace("«", " ").split() if word[:1].isalnum()]
    return "".join(word[0] for word in words[:2]).upper() or "•"


@register.filter
def hue(value: Any) -> int:
    """A stable colour hue (0–359) for a placeholder picture from any id."""
    try:
        return (int(value) * 47) % 360
    except (TypeError, ValueError):
        return 200


@register.filter
def local_images(images: Any) -> list[str]:
    """Only pictures served by this site: the shop loads nothing from other hosts."""
    if not isinstance(images, list):
        return []
    urls = [image if isinstance(image, str) else (image or {}).get("url", "") for image in images]
    return [url for url in urls if isinstance(url, str) and url.startswith("/") and not url.startswith("//")]


@register.filter
def discount_percent(quote: Any) -> int:
    """How much of the base price a quote takes off, in whole percent (0 without a discount)."""
    try:
        original, price = Decimal(quote.price_original), Decimal(quote.price)
    except (AttributeError, InvalidOperation, TypeError):
        return 0
    if original <= 0 or price >= original:
        return 0
    return int(((original - price) * 100 / original).quantize(Decimal("1")))


@register.simple_tag
def top_categories() -> list:
    """The first level of the category tree, for the header's navigation."""
    from catalog.selectors import category_list_active

    return [category for category in category_list_active() if category.parent_id is None]


# Icons drawn for this shop (24×24, stroke-based); decorative: screen readers skip them.
ICONS = {
    "cart": '<circle cx="9" cy="20" r="1.5"/><circle cx="18" cy="20" r="1.5"/>'
    '<path d="M2.5 3.5h3l2.4 11.2a1.5 1.5 0 0 0 1.5 1.2h8.3a1.5 1.5 0 0 0 1.5-1.1L21 7.5H6.6"/>',
    "user": '<circle cx="12" cy="8" r="4"/><path d="M4 20.5c1.4-3.6 4.4-5.5 8-5.5s6.6 1.9 8 5.5"/>',
    "search": '<circle cx="11" cy="11" r="6.5"/><path d="m16 16 4.5 4.5"/>',
    "heart": '<path d="M12 20.5s-7.5-4.6-9-9.4C2 7.6 4.2 4.5 7.5 4.5c2 0 3.4 1.1 4.5 2.7 1.1-1.6 2.5-2.7 '
    '4.5-2.7 3.3 0 5.5 3.1 4.5 6.6-1.5 4.8-9 9.4-9 9.4z"/>',
    "truck": '<path d="M2.5 6.5h11v9h-11zM13.5 9.5h4l3 3.2v2.8h-7"/><circle cx="7" cy="17.5" r="1.8"/>'
    '<circle cx="17" cy="17.5" r="1.8"/>',
    "shield": '<path d="M12 3 4.5 6v5.5c0 4.5 3.2 8 7.5 9.5 4.3-1.5 7.5-5 7.5-9.5V6z"/><path d="m8.5 12 2.5 2.5 4.5-5"/>',
    "card": '<rect x="2.5" y="5.5" width="19" height="13" rx="2"/><path d="M2.5 10h19M6 15h4"/>',
    "phone": '<path d="M6.5 3.5h3l1.5 4-2 1.5a11 11 0 0 0 6 6l1.5-2 4 1.5v3a2 2 0 0 1-2 2A16.5 16.5 0 0 1 4.5 5.5a2 2 0 0 1 2-2z"/>',
    "box": '<path d="M3.5 7.5 12 3l8.5 4.5v9L12 21l-8.5-4.5z"/><path d="M3.5 7.5 12 12l8.5-4.5M12 12v9"/>',
    "check": '<path d="m5 12.5 4.5 4.5L19 7.5"/>',
    "chevron": '<path d="m9 6 6 6-6 6"/>',
    "back": '<path d="m15 6-6 6 6 6"/>',
    "menu": '<path d="M4 7h16M4 12h16M4 17h16"/>',
    "trash": '<path d="M4.5 7h15M9.5 7V4.5h5V7M6.5 7l1 13h9l1-13"/>',
    "logout": '<path d="M14 4.5h4.5v15H14M10 8l-4 4 4 4M6 12h10"/>',
    "filter": '<path d="M4 6h16M7 12h10M10 18h4"/>',
    "tooth": '<path d="M7.5 3.5c-2.6 0-4 2-4 4.6 0 2.8 1.4 4.2 2 6.6.6 2.4.8 5.8 2.4 5.8 1.8 0 1.6-4.8 4.1-4.8s2.3 '
    '4.8 4.1 4.8c1.6 0 1.8-3.4 2.4-5.8.6-2.4 2-3.8 2-6.6 0-2.6-1.4-4.6-4-4.6-1.9 0-2.9 1-4.5 1s-2.6-1-4.5-1z"/>',
}


@register.simple_tag
def icon(name: str, size: int = 20) -> str:
    return format_html(
        '<svg class="icon icon-{}" width="{}" height="{}" viewBox="0 0 24 24" fill="none" '
        'stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round" '
        'aria-hidden="true" focusable="false">{}</svg>',
        name,
        int(size),
        int(size),
        mark_safe(ICONS.get(name, "")),  # noqa: S308 - constant markup from ICONS above
    )


@register.filter
def line_total(line: Any) -> Decimal:
    """An order line's sum: its unit price × quantity."""
    return Decimal(line.price) * int(line.quantity)


@register.filter
def phone(value: str) -> str:
    """`+380971112233` → `+380 97 111 2233`: E.164 spaced for reading."""
    if not value:
        return ""
    try:
        number = parse_phone(str(value))
    except InvalidPhone:
        return str(value)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
