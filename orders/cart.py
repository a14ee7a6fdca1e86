"""The session cart of the server-rendered shop.

The session holds only what the shopper chose: product id, variant options and quantity per
line. Prices, titles and stock are read from the catalog every time the cart is shown, so
the cart can never carry a stale or forged price into an order (`order_place` prices the
lines again and refuses a price that changed since the shopper saw it).

Django's `login()` keeps the session's data when the session had no user, so the cart
survives logging in; `Cart.export`/`Cart.merge` carry it across a session flush too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.sessions.backends.base import SessionBase

from catalog.models import Product
from catalog.pricing import money
from catalog.selectors import product_list_by_ids
from orders.services import OrderItemInput

SESSION_KEY = "cart"
MAX_LINES = 100  # what `order_place` accepts in one order
MAX_QUANTITY = 999


def line_key(product_id: int, options: Mapping[str, Any]) -> str:
    """A short stable id for a product + variant (used in form field names and URLs)."""
    canonical = json.dumps([int(product_id), dict(sorted(options.items()))], ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class CartLine:
    key: str
    product_id: int
    options: dict[str, str]
    quantity: int
    product: Product | None  # None: no longer sold

    @property
    def is_available(self) -> bool:
        return self.product is not None

    @property
    def unit_price(self) -> Decimal:
        return self.product.price_quote.price if self.product else Decimal("0")

    @property
    def unit_price_original(self) -> Decimal:
        return self.product.price_quote.price_original if self.product else Decimal("0")

    @property
    def has_discount(self) -> bool:
        return self.product is not None and self.unit_price < self.unit_price_original

    @property
    def total(self) -> Decimal:
        return money(self.unit_price * self.quantity)

    @property
    def stock(self) -> int:
        return int(getattr(self.product, "available", 0) or 0)

    @property
    def exceeds_stock(self) -> bool:
        return self.product is not None and self.quantity > self.stock


@dataclass(frozen=True)
class PricedCart:
    lines: list[CartLine] = field(default_factory=list)

    @property
    def available_lines(self) -> list[CartLine]:
        return [line for line in self.lines if line.is_available]

    @property
    def unavailable_lines(self) -> list[CartLine]:
        return [line for line in self.lines if not line.is_available]

    @property
    def items_total(self) -> Decimal:
        return money(sum((line.total for line in self.available_lines), Decimal("0")))

    @property
    def original_total(self) -> Decimal:
        return money(
            sum((line.unit_price_original * line.quantity for line in self.available_lines), Decimal("0"))
        )

    @property
    def savings(self) -> Decimal:
        return self.original_total - self.items_total

    @property
    def count(self) -> int:
        return sum(line.quantity for line in self.available_lines)

    @property
    def is_empty(self) -> bool:
        return not self.lines

    @property
    def prices(self) -> dict[str, str]:
        """{line key: unit price} as the shopper sees them now (kept to detect price changes)."""
        return {line.key: str(line.unit_price) for line in self.available_lines}

    def order_items(self, *, seen_prices: Mapping[str, str] | None = None) -> list[OrderItemInput]:
        """The lines as `order_place` items, with the prices the shopper saw when known."""
        seen = seen_prices or {}
        return [
            OrderItemInput(
                product_id=line.product_id,
                quantity=line.quantity,
                options=dict(line.options),
                sku=line.product.sku if line.product else None,
                price=Decimal(seen[line.key]) if line.key in seen else None,
            )
            for line in self.available_lines
        ]


class Cart:
    """The lines in `session["cart"]`: `{key: {"p": product id, "o": options, "q": quantity}}`."""

    def __init__(self, session: SessionBase) -> None:
        self.session = session

    @property
    def _data(self) -> dict[str, dict[str, Any]]:
        data = self.session.get(SESSION_KEY)
        return data if isinstance(data, dict) else {}

    def _save(self, data: dict[str, dict[str, Any]]) -> None:
        self.session[SESSION_KEY] = data

    def __len__(self) -> int:
        return len(self._data)

    @property
    def count(self) -> int:
        """Units in the cart (the header badge), without touching the database."""
        return sum(int(line.get("q", 0)) for line in self._data.values())

    def quantity_of(self, key: str) -> int:
        return int(self._data.get(key, {}).get("q", 0))

    def add(self, *, product_id: int, quantity: int, options: Mapping[str, Any] | None = None) -> str:
        options = {str(name): str(value) for name, value in (options or {}).items()}
        key = line_key(product_id, options)
        data = self._data
        line = data.get(key) or {"p": int(product_id), "o": options, "q": 0}
        if key not in data and len(data) >= MAX_LINES:
            raise CartFull()
        line["q"] = min(MAX_QUANTITY, int(line["q"]) + int(quantity))
        data[key] = line
        self._save(data)
        return key

    def add_product(self, *, product: Product, quantity: int, options: Mapping[str, Any]) -> str:
        """Add a product as the catalog selectors return it (with `available`), refusing what
        its stock cannot cover right now. A courtesy to the shopper, not a promise: placing
        the order reserves the stock, and that is where availability is decided."""
        in_cart = self.quantity_of(line_key(product.pk, options))
        available = int(getattr(product, "available", 0) or 0)
        if in_cart + quantity > available:
            raise NotInStock(available=available, in_cart=in_cart)
        return self.add(product_id=product.pk, quantity=quantity, options=options)

    def set_quantity(self, key: str, quantity: int) -> None:
        data = self._data
        if key not in data:
            return
        if quantity <= 0:
            del data[key]
        else:
            data[key]["q"] = min(MAX_QUANTITY, int(quantity))
        self._save(data)

    def remove(self, key: str) -> None:
        self.set_quantity(key, 0)

    def clear(self) -> None:
        self.session.pop(SESSION_KEY, None)

    def keys(self) -> list[str]:
        return list(self._data)

    def export(self) -> dict[str, dict[str, Any]]:
        return {key: dict(line) for key, line in self._data.items()}

    def merge(self, lines: Mapping[str, Mapping[str, Any]]) -> None:
        """Add another cart's lines to this one (quantities of the same variant add up)."""
        for line in lines.values():
            try:
                self.add(product_id=int(line["p"]), quantity=int(line["q"]), options=line.get("o") or {})
            except (KeyError, TypeError, ValueError, CartFull):
                continue

    def priced(self) -> PricedCart:
        """Every line with its product and live price from the catalog (one batch of queries)."""
        data = self._data
        products = product_list_by_ids(product_ids=[int(line["p"]) for line in data.values()])
        return PricedCart(
            lines=[
                CartLine(
                    key=key,
                    product_id=int(line["p"]),
                    options=dict(line.get("o") or {}),
                    quantity=int(line["q"]),
                    product=products.get(int(line["p"])),
                )
                for key, line in data.items()
            ]
        )


class CartRefused(Exception):
    """The cart cannot take this line."""


class CartFull(CartRefused):
    """More distinct lines than one order can hold."""


class NotInStock(CartRefused):
    """Fewer units available than the cart would then hold."""

    def __init__(self, *, available: int, in_cart: int) -> None:
        super().__init__(f"available {available}, in the cart {in_cart}")
        self.available = available
        self.in_cart = in_cart


# Delivery goes by carrier (Nova Poshta and the like) and is paid to the carrier on receipt at
# its rates, so the shop itself charges no delivery fee. The one place to change when it does.
DELIVERY_FEE = Decimal("0")
