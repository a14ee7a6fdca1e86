"""The payment page of checkout: the sandbox gateway's card/phone form (PAYMENT_GATEWAY=sandbox).

A real gateway takes the card on its own page; this one stands in for it in development and
tests with its documented test cards and phone numbers.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from orders.forms import CardPaymentForm, PhonePaymentForm
from orders.models import OrderStatus, PaymentMethod
from orders.views import ONLINE_PAYMENT, order_for_request
from payments import services
from payments.exceptions import PaymentNotAllowed
from payments.models import PaymentStatus


def pay_view(request: HttpRequest, order_id: int) -> HttpResponse:
    order = order_for_request(request, order_id)
    if order.payment_method not in ONLINE_PAYMENT or order.status != OrderStatus.RESERVED:
        # Paid already, cancelled, or paid on delivery: nothing to pay here.
        return redirect("shop:done", order_id=order.pk)
    by_card = order.payment_method == PaymentMethod.CARD
    form_class = CardPaymentForm if by_card else PhonePaymentForm
    initial = {} if by_card else {"phone": order.phone}
    form = form_class(request.POST if request.method == "POST" else None, initial=initial)
    pending = order.payments.filter(status=PaymentStatus.PENDING).first()
    sandbox = settings.PAYMENT_GATEWAY == "sandbox"
    status = 200
    if request.method == "POST" and sandbox:
        if form.is_valid():
            try:
                payment = services.payment_start(
                    order_id=order.pk,
                    card_token=form.cleaned_data.get("card_token"),
                    phone=form.cleaned_data.get("phone"),
                )
            except PaymentNotAllowed as exc:
                messages.error(request, str(exc.message))
            else:
                if payment.status == PaymentStatus.SUCCEEDED:
                    messages.success(request, _("Thank you! The payment has been received."))
                elif payment.status == PaymentStatus.FAILED:
                    messages.error(request, _("The payment did not go through."))
            return redirect("shop:done", order_id=order.pk)
        status = 400
    return render(
        request,
        "shop/pay.html",
        {
            "order": order,
            "form": form,
            "by_card": by_card,
            "pending": pending,
            "sandbox": sandbox,
            "payment_minutes": max(1, settings.RESERVATION_TTL // 60),
        },
        status=status,
    )
