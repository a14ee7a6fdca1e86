"""Server-rendered shopper pages (mounted at the root after the API routes).

Paths follow the pages spec (`pages.md`) and never collide with the Storefront API's
(`/orders`, `/products`, `/me`, `/auth/...`): only `/orders/lookup` lives under `/orders`,
and config/errors.py answers HTML for it. Names live in the `shop` namespace.
"""

from django.urls import path

from accounts import views as accounts
from catalog import views as catalog
from favorites import views as favorites
from orders import views as orders
from payments import views as payments

app_name = "shop"

urlpatterns = [
    path("", catalog.home_view, name="home"),
    # Catalog
    path("catalog/", catalog.catalog_view, name="catalog"),
    path("catalog/<str:slug>/", catalog.product_view, name="product"),
    # Cart, checkout, payment
    path("cart", orders.cart_view, name="cart"),
    path("cart/add", orders.cart_add_view, name="cart-add"),
    path("checkout", orders.checkout_view, name="checkout"),
    path("checkout/pay/<int:order_id>", payments.pay_view, name="pay"),
    path("checkout/done/<int:order_id>", orders.done_view, name="done"),
    path("orders/lookup", orders.order_lookup_view, name="order-lookup"),
    # Account
    path("register", accounts.register_view, name="register"),
    path("login", accounts.login_view, name="login"),
    path("logout", accounts.logout_view, name="logout"),
    path("forgot-password", accounts.forgot_password_view, name="forgot-password"),
    path("reset-password", accounts.reset_password_view, name="reset-password"),
    path("profile", accounts.profile_view, name="profile"),
    path("profile/edit", accounts.profile_edit_view, name="profile-edit"),
    path("profile/password", accounts.password_change_view, name="password"),
    path("profile/verify/<str:channel>", accounts.verify_view, name="verify"),
    path("profile/addresses", accounts.addresses_view, name="addresses"),
    path("profile/addresses/<int:address_id>/edit", accounts.address_edit_view, name="address-edit"),
    path("profile/addresses/<int:address_id>/delete", accounts.address_delete_view, name="address-delete"),
    path("profile/addresses/<int:address_id>/default", accounts.address_default_view, name="address-default"),
    path("profile/orders", orders.my_orders_view, name="orders"),
    path("profile/orders/<int:order_id>", orders.order_detail_view, name="order"),
    path("profile/orders/<int:order_id>/cancel", orders.order_cancel_view, name="order-cancel"),
    path("profile/favorites", favorites.favorites_view, name="favorites"),
    path("profile/favorites/<int:product_id>", favorites.favorite_toggle_view, name="favorite-toggle"),
]
