"""Cart, checkout, thank-you, guest order lookup and the customer's order pages.

Checkout is idempotent: rendering the form puts a one-time token in the session and in a
hidden field; the token is the `idempotency_key` of `order_place`, so a double click or a
re-sent POST makes one order. After placing, the browser is redirected (POST/redirect/GET).
"""

from __future__ import annotations

import contextlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts import selectors as account_selectors
from accounts import services as account_services
from catalog import selectors as catalog_selectors
from catalog.exceptions import ProductNotFound
from catalog.views import product_page
from config.pages import Pager, client_id_for, form_add_domain_error, page_number, safe_next
from inventory.exceptions import OutOfStock
from orders import selectors, services
from orders.cart import DELIVERY_FEE, Cart, CartFull, NotInStock, PricedCart
from orders.exceptions import (
    IdempotencyConflict,
    InvalidOrderItems,
    InvalidTransition,
    OrderNotFound,
    PriceChanged,
)
from orders.forms import AddToCartForm, CartForm, CheckoutForm, OrderLookupForm
from orders.models import Order, OrderStatus, PaymentMethod

ORDERS_PAGE_SIZE = 10
CHECKOUT_KEY = "checkout"  # {"token": ..., "prices": {line key: unit price shown}}
PLACED_BY_TOKEN_KEY = "checkout_placed"  # {token: order id}: a re-sent form finds its order
PLACED_ORDERS_KEY = "placed_orders"  # {order id: phone}: orders this browser placed
REMEMBERED = 20
ONLINE_PAYMENT = (PaymentMethod.CARD, PaymentMethod.PHONE)


# --- which orders this browser may see ----------------------------------------------------


def order_for_request(request: HttpRequest, order_id: int) -> Order:
    """The order if the logged-in customer owns it or this browser placed it; else 404."""
    if request.user.is_authenticated:
        with contextlib.suppress(OrderNotFound):
            return selectors.order_get_for_user(order_id=order_id, user=request.user)
    phone = (request.session.get(PLACED_ORDERS_KEY) or {}).get(str(order_id))
    if phone:
        with contextlib.suppress(OrderNotFound):
            return selectors.order_get_for_guest(order_id=order_id, phone=phone)
    raise Http404


def _remember(request: HttpRequest, key: str, name: str, value: Any) -> None:
    remembered = dict(request.session.get(key) or {})
    remembered[name] = value
    request.session[key] = dict(list(remembered.items())[-REMEMBERED:])


# --- cart -----------------------------------------------------------------------------------


def _available_message(available: int) -> str:
    return ngettext("Only %(count)d unit is available.", "Only %(count)d units are available.", available) % {
        "count": available
    }


def _add_stock_error(form: AddToCartForm, exc: NotInStock) -> None:
    if exc.available <= 0:
        form.add_error(None, _("This product is out of stock."))
        return
    message = _available_message(exc.available)
    if exc.in_cart:
        message += " " + _("You already have %(count)d in the cart.") % {"count": exc.in_cart}
    form.add_error("quantity", message)


@require_POST
def cart_add_view(request: HttpRequest) -> HttpResponse:
    raw_id = request.POST.get("product_id", "")
    try:
        product = catalog_selectors.product_get_active(id_or_slug=raw_id if raw_id.isdigit() else "")
    except ProductNotFound as exc:
        raise Http404 from exc
    form = AddToCartForm(request.POST, product=product)
    if form.is_valid():
        try:
            Cart(request.session).add_product(
                product=product, quantity=form.cleaned_data["quantity"], options=form.chosen_options()
            )
        except NotInStock as exc:
            _add_stock_error(form, exc)
        except CartFull:
            form.add_error(None, _("The cart is full. Place an order with what is in it first."))
        else:
            messages.success(request, _("“%(title)s” is in your cart.") % {"title": product.title})
            next_url = safe_next(
                request,
                reverse("shop:product", kwargs={"slug": product.slug}),
                value=form.cleaned_data.get("next"),
            )
            return redirect(next_url)
    return product_page(request, product, form=form, status=400)


def cart_view(request: HttpRequest) -> HttpResponse:
    cart = Cart(request.session)
    priced = cart.priced()
    quantities = {line.key: line.quantity for line in priced.lines}
    form = CartForm(
        request.POST if request.method == "POST" else None,
        line_keys=list(quantities),
        initial_quantities=quantities,
    )
    status = 200
    if request.method == "POST":
        remove = request.POST.get("remove")
        if remove:
            cart.remove(remove)
            messages.info(request, _("The item has been removed from the cart."))
            return redirect("shop:cart")
        if form.is_valid():
            for key, quantity in form.quantities().items():
                cart.set_quantity(key, quantity)
            messages.success(request, _("The cart has been updated."))
            if request.POST.get("checkout"):
                return redirect("shop:checkout")
            return redirect("shop:cart")
        status = 400
    rows = [(line, form[f"qty_{line.key}"]) for line in priced.lines]
    return render(
        request,
        "shop/cart.html",
        {
            "cart": priced,
            "rows": rows,
            "form": form,
            "delivery_fee": DELIVERY_FEE,
            "total": priced.items_total + DELIVERY_FEE,
        },
        status=status,
    )


# --- checkout ---------------------------------------------------------------------------------


def _checkout_render(
    request: HttpRequest,
    form: CheckoutForm,
    priced: PricedCart,
    *,
    status: int = 200,
    line_errors: dict[str, str] | None = None,
) -> HttpResponse:
    # What the page shows is what the shopper agrees to: a price that moves after this
    # render is refused by order_place (PriceChanged) instead of being charged silently.
    state = request.session.get(CHECKOUT_KEY) or {}
    state["prices"] = priced.prices
    request.session[CHECKOUT_KEY] = state
    return render(
        request,
        "shop/checkout.html",
        {
            "form": form,
            "cart": priced,
            "line_errors": line_errors or {},
            "delivery_fee": DELIVERY_FEE,
            "total": priced.items_total + DELIVERY_FEE,
        },
        status=status,
    )


def _new_token(request: HttpRequest) -> str:
    token = secrets.token_urlsafe(24)
    request.session[CHECKOUT_KEY] = {"token": token, "prices": {}}
    return token


def _after_placement(order: Order) -> HttpResponse:
    if order.payment_method in ONLINE_PAYMENT:
        return redirect("shop:pay", order_id=order.pk)
    return redirect("shop:done", order_id=order.pk)


def checkout_view(request: HttpRequest) -> HttpResponse:
    posted_token = request.POST.get("token", "") if request.method == "POST" else ""
    placed_id = (request.session.get(PLACED_BY_TOKEN_KEY) or {}).get(posted_token) if posted_token else None
    if placed_id:
        # The same form sent again (double click, reload, back button): the order exists.
        return _after_placement(order_for_request(request, int(placed_id)))

    cart = Cart(request.session)
    priced = cart.priced()
    if priced.is_empty:
        messages.info(request, _("Your cart is empty."))
        return redirect("shop:cart")
    user = request.user if request.user.is_authenticated else None
    addresses = list(account_selectors.address_list_for_user(user=user)) if user else []
    form_kwargs: dict[str, Any] = {"addresses": addresses, "is_guest": user is None}

    state = request.session.get(CHECKOUT_KEY) or {}
    if request.method != "POST":
        token = state.get("token") or _new_token(request)
        initial = {"token": token}
        if user is not None:
            initial.update(name=user.name, phone=user.phone or "")
        return _checkout_render(request, CheckoutForm(initial=initial, **form_kwargs), priced)

    form = CheckoutForm(request.POST, **form_kwargs)
    valid = form.is_valid()
    if not state.get("token") or posted_token != state.get("token"):
        form.data = form.data.copy()
        form.data["token"] = state.get("token") or _new_token(request)
        form.add_error(None, _("This form has expired. Check the order and place it again."))
        return _checkout_render(request, form, priced, status=400)
    if priced.unavailable_lines:
        form.add_error(None, _("Some items are no longer sold. Remove them from the cart first."))
        return _checkout_render(request, form, priced, status=400)
    if not valid:
        return _checkout_render(request, form, priced, status=400)

    data = form.cleaned_data
    address = form.delivery_address()
    try:
        placement = services.order_place(
            items=priced.order_items(seen_prices=state.get("prices") or {}),
            phone=data["phone"],
            client_id=client_id_for(request),
            customer=user,
            name=data["name"],
            email=data.get("email") or "",
            comment=data["comment"],
            delivery_fee=DELIVERY_FEE,
            payment_method=data["payment_method"],
            address=services.DeliveryAddress(**address),
            idempotency_key=posted_token,
            language=translation.get_language() or "uk",
        )
    except PriceChanged:
        form.add_error(
            None,
            _(
                "Some prices have changed since you opened this page. Check the new total and place the order again."
            ),
        )
        return _checkout_render(request, form, priced, status=409)
    except OutOfStock as exc:
        short = {str(item.get("productId")): item for item in exc.extra.get("items", [])}
        line_errors = {
            line.key: _available_message(item["available"])
            for line in priced.available_lines
            if (item := short.get(str(line.product_id)))
        }
        form.add_error(
            None, _("Some items are not in stock in the quantity you want. Change the cart first.")
        )
        return _checkout_render(request, form, priced, status=409, line_errors=line_errors)
    except InvalidOrderItems as exc:
        form_add_domain_error(form, exc)
        return _checkout_render(request, form, priced, status=400)
    except IdempotencyConflict:
        form.data = form.data.copy()
        form.data["token"] = _new_token(request)
        form.add_error(None, _("This form has expired. Check the order and place it again."))
        return _checkout_render(request, form, priced, status=409)

    order = placement.order
    if user is not None and data.get("save_address") and form.uses_new_address:
        account_services.address_create(
            user=user, data={"name": data["name"], "phone": data["phone"], **address}
        )
    cart.clear()
    request.session.pop(CHECKOUT_KEY, None)
    _remember(request, PLACED_BY_TOKEN_KEY, posted_token, order.pk)
    _remember(request, PLACED_ORDERS_KEY, str(order.pk), order.phone)
    return _after_placement(order)


def done_view(request: HttpRequest, order_id: int) -> HttpResponse:
    order = order_for_request(request, order_id)
    payment = order.payments.order_by("-created_at", "-id").first()
    return render(
        request,
        "shop/done.html",
        {
            "order": order,
            "payment": payment,
            "is_guest": order.customer_id is None,
            "online": order.payment_method in ONLINE_PAYMENT,
            "payment_minutes": max(1, settings.RESERVATION_TTL // 60),
        },
    )


# --- guest order lookup ---------------------------------------------------------------------------


def order_lookup_view(request: HttpRequest) -> HttpResponse:
    form = OrderLookupForm(request.GET if "number" in request.GET else None)
    order = None
    status = 200
    if form.is_bound:
        if form.is_valid():
            try:
                order = selectors.order_get_for_guest(
                    order_id=form.cleaned_data["number"], phone=form.cleaned_data["phone"]
                )
            except OrderNotFound:
                form.add_error(
                    None, _("We found no order with this number and phone. Check both and try again.")
                )
                status = 404
        else:
            status = 400
    return render(request, "shop/order_lookup.html", {"form": form, "order": order}, status=status)


# --- the customer's orders ------------------------------------------------------------------------


@login_required
def my_orders_view(request: HttpRequest) -> HttpResponse:
    orders = selectors.order_list_for_customer(customer=request.user)
    pager = Pager(page=page_number(request), limit=ORDERS_PAGE_SIZE, total=orders.count())
    return render(
        request,
        "shop/account/orders.html",
        {"orders": orders[pager.offset : pager.offset + pager.limit], "pager": pager, "section": "orders"},
    )


@login_required
def order_detail_view(request: HttpRequest, order_id: int) -> HttpResponse:
    try:
        order = selectors.order_get_for_user(order_id=order_id, user=request.user)
    except OrderNotFound as exc:
        raise Http404 from exc
    if order.customer_id != request.user.pk:
        raise Http404  # staff read orders in the admin; this page is the customer's own
    return render(
        request,
        "shop/account/order_detail.html",
        {
            "order": order,
            "payments": order.payments.order_by("created_at", "id"),
            "cancellable": order.status in services.CUSTOMER_CANCELLABLE,
            "payable": order.status == OrderStatus.RESERVED and order.payment_method in ONLINE_PAYMENT,
            "section": "orders",
        },
    )


@login_required
@require_POST
def order_cancel_view(request: HttpRequest, order_id: int) -> HttpResponse:
    try:
        services.order_cancel_by_customer(order_id=order_id, customer=request.user)
    except OrderNotFound as exc:
        raise Http404 from exc
    except InvalidTransition as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Order №%(number)s has been cancelled.") % {"number": order_id})
    return redirect("shop:order", order_id=order_id)
