"""Favorites pages: the customer's list and the heart on a product's page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from catalog.exceptions import ProductNotFound
from catalog.models import Product
from config.pages import Pager, page_number, safe_next
from favorites import selectors, services

PAGE_SIZE = 12


def is_favorite(*, user: User, product: Product) -> bool:
    return product.pk in selectors.favorite_product_ids(user=user, product_ids=[product.pk])


@login_required
def favorites_view(request: HttpRequest) -> HttpResponse:
    page = selectors.favorite_page_for_user(
        user=request.user, page=page_number(request), limit=PAGE_SIZE, with_names=True
    )
    return render(
        request,
        "shop/account/favorites.html",
        {
            "items": page.items,
            "pager": Pager(page=page.page, limit=PAGE_SIZE, total=page.total),
            "favorite_ids": {item.product.pk for item in page.items},
            "section": "favorites",
        },
    )


@login_required
def favorite_toggle_view(request: HttpRequest, product_id: int) -> HttpResponse:
    """POST `action=add|remove` (not a blind toggle: a double click must not undo itself)."""
    if request.method != "POST":
        return redirect("shop:favorites")
    action = request.POST.get("action")
    try:
        if action == "remove":
            services.favorite_remove(user=request.user, product_id=product_id)
            messages.info(request, _("Removed from favorites."))
        elif action == "add":
            services.favorite_add(user=request.user, product_id=product_id)
            messages.success(request, _("Added to favorites."))
        else:
            raise Http404
    except ProductNotFound as exc:
        raise Http404 from exc
    return redirect(safe_next(request, reverse("shop:favorites")))
