"""Order routes, one list per API surface (mounted by config/urls.py)."""

from django.urls import path

from orders.api import storefront, v1

storefront_urlpatterns = [
    path("orders", storefront.PlaceOrderView.as_view()),
    path("orders/history", storefront.GuestHistoryView.as_view()),
    path("me/orders", storefront.MyOrdersView.as_view()),
]

v1_urlpatterns = [
    path("orders", v1.OrdersView.as_view()),
    path("orders/me", v1.MyOrdersView.as_view()),
    path("orders/<int:order_id>", v1.OrderDetailView.as_view()),
    path("orders/<int:order_id>/reserve", v1.OrderReserveView.as_view()),
    path("orders/<int:order_id>/confirm", v1.OrderConfirmView.as_view()),
    path("orders/<int:order_id>/cancel", v1.OrderCancelView.as_view()),
]
