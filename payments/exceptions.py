from django.utils.translation import gettext_lazy as _

from config.errors import Conflict, DomainError, NotFound


class InvalidSignature(DomainError):
    status_code = 401
    code = "payment.invalidSignature"
    default_message = _("The callback signature is missing, wrong or too old")


class PaymentNotAllowed(Conflict):
    code = "payment.notAllowed"
    default_message = _("This order cannot be paid now")


class AmountMismatch(DomainError):
    status_code = 400
    code = "payment.amountMismatch"
    default_message = _("The amount must equal what the order owes")


class RefundTooLarge(DomainError):
    status_code = 400
    code = "payment.refundTooLarge"
    default_message = _("Refunds cannot exceed what was paid")


class RefundNotAllowed(Conflict):
    code = "payment.refundNotAllowed"
    default_message = _("This payment cannot be refunded")


class PaymentNotFound(NotFound):
    default_message = _("Payment not found")


class RefundNotFound(NotFound):
    default_message = _("Refund not found")
