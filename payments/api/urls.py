from django.urls import path

from payments.api import v1

v1_urlpatterns = [
    path("orders/<int:order_id>/pay", v1.OrderPayView.as_view()),
    path("orders/<int:order_id>/payment-status", v1.OrderPaymentStatusView.as_view()),
    path("payments", v1.PaymentsView.as_view()),
    path("payments/<int:payment_id>", v1.PaymentDetailView.as_view()),
    path("payments/<int:payment_id>/notify", v1.PaymentNotifyView.as_view()),
    path("refunds", v1.RefundsView.as_view()),
    path("refunds/<int:refund_id>", v1.RefundDetailView.as_view()),
]
