from django.utils.translation import gettext_lazy as _

from config.errors import Conflict, DomainError, NotFound


class InvalidOrderItems(DomainError):
    """Unknown or inactive product, sku mismatch, invalid option: a 400 listing each problem."""

    status_code = 400
    code = "validation"
    default_message = _("The order has invalid items")


class PriceChanged(Conflict):
    code = "order.priceChanged"
    default_message = _("Prices have changed")


class InvalidTransition(Conflict):
    code = "order.invalidTransition"
    default_message = _("The order cannot move to this status")


class IdempotencyConflict(DomainError):
    status_code = 422
    code = "idempotency.conflict"
    default_message = _("This idempotency key was already used with a different request")


class OrderNotFound(NotFound):
    default_message = _("Order not found")
