"""Inventory's answers when a rule says no; `config.errors.api_exception_handler` maps them to HTTP."""

from django.utils.translation import gettext_lazy as _

from config.errors import Conflict, DomainError, NotFound


class OutOfStock(Conflict):
    """Not every line could be reserved; nothing was. `extra["items"]` names the short lines."""

    code = "order.outOfStock"
    default_message = _("Not enough stock")


class InvalidReservationTransition(Conflict):
    """The reservation already reached another end state (e.g. release after confirm)."""

    code = "reservation.invalidTransition"
    default_message = _("The reservation cannot change to this state")


class ReservationNotDue(Conflict):
    """`reservation_expire` on an active reservation whose time has not come (or never comes)."""

    code = "reservation.notDue"
    default_message = _("The reservation has not expired yet")


class ReservationExists(Conflict):
    """An order holds at most one live (active or confirmed) reservation."""

    code = "reservation.exists"
    default_message = _("The order already has a reservation")


class StockBelowReserved(Conflict):
    """On-hand stock may not drop below what is already promised to reservations."""

    code = "stock.belowReserved"
    default_message = _("Stock on hand cannot be lower than the reserved quantity")


class InvalidQuantity(DomainError):
    status_code = 400
    code = "validation"
    default_message = _("Invalid quantity")


class ReservationNotFound(NotFound):
    default_message = _("Reservation not found")


class OrderNotFound(NotFound):
    default_message = _("Order not found")


class ProductNotFound(NotFound):
    default_message = _("Product not found")
