"""Inventory routes, one list per API surface (mounted by config/urls.py)."""

from django.urls import path

from inventory.api import v1

v1_urlpatterns = [
    path("stocks", v1.StockListView.as_view()),
    path("reservations", v1.ReservationListView.as_view()),
    path("reservations/<int:reservation_id>", v1.ReservationDetailView.as_view()),
    path("reservations/<int:reservation_id>/confirm", v1.ReservationConfirmView.as_view()),
    path("reservations/<int:reservation_id>/release", v1.ReservationReleaseView.as_view()),
]
