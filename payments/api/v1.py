"""Platform API v1, PayServiceApi: payments, refunds, and the gateway's signed callbacks."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.common import PhoneField
from catalog.pricing import money_number
from orders.selectors import order_get_for_user
from payments import selectors, services
from payments.models import Payment, PaymentMethod, PaymentStatus, Refund
from payments.signatures import signature_verify

TAG = ["v1: payments"]
SIGNATURE_HEADER = OpenApiParameter(
    "X-Signature",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description='`t=<unix seconds>,v1=<hex HMAC_SHA256(PAYMENT_WEBHOOK_SECRET, "<t>.<raw body>")>`',
)


class PaymentStartedOutput(serializers.Serializer):
    paymentId = serializers.IntegerField(source="pk")
    status = serializers.CharField()

    def to_representation(self, payment: Payment) -> dict[str, Any]:
        data = super().to_representation(payment)
        if payment.failure_code:
            data["failureCode"] = payment.failure_code
        return data


class PaymentOutput(serializers.Serializer):
    paymentId = serializers.IntegerField(source="pk")
    orderId = serializers.IntegerField(source="order_id")
    status = serializers.CharField()
    amount = serializers.SerializerMethodField()
    currency = serializers.CharField()
    method = serializers.CharField()

    def get_amount(self, payment: Payment) -> float:
        return money_number(payment.amount)


class RefundStartedOutput(serializers.Serializer):
    refundId = serializers.IntegerField(source="pk")
    status = serializers.CharField()


class RefundOutput(serializers.Serializer):
    refundId = serializers.IntegerField(source="pk")
    paymentId = serializers.IntegerField(source="payment_id")
    orderId = serializers.IntegerField(source="payment.order_id")
    status = serializers.CharField()
    amount = serializers.SerializerMethodField()
    currency = serializers.CharField(source="payment.currency")

    def get_amount(self, refund: Refund) -> float:
        return money_number(refund.amount)


class PayOrderInput(serializers.Serializer):
    card = serializers.CharField(max_length=128, required=False)
    phone = PhoneField(required=False)


class OrderPayView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAG, request=PayOrderInput, responses={201: PaymentStartedOutput})
    def post(self, request: Request, order_id: int) -> Response:
        data = PayOrderInput(data=request.data)
        data.is_valid(raise_exception=True)
        order = order_get_for_user(order_id=order_id, user=request.user)  # 404 for others' orders
        payment = services.payment_start(
            order_id=order.pk,
            card_token=data.validated_data.get("card"),
            phone=data.validated_data.get("phone"),
        )
        return Response(PaymentStartedOutput(payment).data, status=status.HTTP_201_CREATED)


class PaymentCreateInput(serializers.Serializer):
    orderId = serializers.IntegerField(min_value=1)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    currency = serializers.CharField(min_length=3, max_length=3)
    method = serializers.ChoiceField(choices=PaymentMethod.values)
    cardToken = serializers.CharField(max_length=128, required=False)
    phone = PhoneField(required=False)


class PaymentsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAG, request=PaymentCreateInput, responses={201: PaymentStartedOutput})
    def post(self, request: Request) -> Response:
        data = PaymentCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        order = order_get_for_user(order_id=values["orderId"], user=request.user)
        payment = services.payment_start(
            order_id=order.pk,
            method=values["method"],
            card_token=values.get("cardToken"),
            phone=values.get("phone"),
            amount=values["amount"],
            currency=values["currency"].upper(),
        )
        return Response(PaymentStartedOutput(payment).data, status=status.HTTP_201_CREATED)


class PaymentDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAG, responses={200: PaymentOutput})
    def get(self, request: Request, payment_id: int) -> Response:
        return Response(
            PaymentOutput(selectors.payment_get_for_user(payment_id=payment_id, user=request.user)).data
        )


class RefundCreateInput(serializers.Serializer):
    orderId = serializers.IntegerField(min_value=1)
    paymentId = serializers.IntegerField(min_value=1)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class RefundsView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(tags=TAG, request=RefundCreateInput, responses={201: RefundStartedOutput})
    def post(self, request: Request) -> Response:
        data = RefundCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        payment = selectors.payment_get_for_user(payment_id=values["paymentId"], user=request.user)
        if payment.order_id != values["orderId"]:
            raise serializers.ValidationError({"paymentId": ["the payment does not belong to this order"]})
        refund = services.refund_create(
            payment_id=payment.pk, amount=values["amount"], reason=values["reason"], actor=request.user
        )
        return Response(RefundStartedOutput(refund).data, status=status.HTTP_201_CREATED)


class RefundDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAG, responses={200: RefundOutput})
    def get(self, request: Request, refund_id: int) -> Response:
        return Response(
            RefundOutput(selectors.refund_get_for_user(refund_id=refund_id, user=request.user)).data
        )


CALLBACK_STATUSES = [PaymentStatus.PENDING, PaymentStatus.SUCCEEDED, PaymentStatus.FAILED]


class CallbackInput(serializers.Serializer):
    status = serializers.ChoiceField(choices=CALLBACK_STATUSES)
    failureCode = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    failureMessage = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class OrderCallbackInput(CallbackInput):
    paymentId = serializers.IntegerField(min_value=1)


class CallbackOutput(serializers.Serializer):
    paymentId = serializers.IntegerField(source="pk")
    status = serializers.CharField()


class _SignedCallbackView(APIView):
    """Authenticated by the HMAC of the raw body, not by a user: verify before parsing."""

    authentication_classes: list = []
    permission_classes: list = []

    def verified_data(self, request: Request, input_class: type[serializers.Serializer]) -> dict[str, Any]:
        signature_verify(request._request.body, request.headers.get("X-Signature"))
        data = input_class(data=request.data)
        data.is_valid(raise_exception=True)
        return data.validated_data


class PaymentNotifyView(_SignedCallbackView):
    @extend_schema(
        tags=TAG, request=CallbackInput, responses={200: CallbackOutput}, parameters=[SIGNATURE_HEADER]
    )
    def post(self, request: Request, payment_id: int) -> Response:
        values = self.verified_data(request, CallbackInput)
        payment = services.payment_callback_apply(
            payment_id=payment_id,
            status=values["status"],
            failure_code=values["failureCode"],
            failure_message=values["failureMessage"],
        )
        return Response(CallbackOutput(payment).data)


class OrderPaymentStatusView(_SignedCallbackView):
    @extend_schema(
        tags=TAG, request=OrderCallbackInput, responses={200: CallbackOutput}, parameters=[SIGNATURE_HEADER]
    )
    def post(self, request: Request, order_id: int) -> Response:
        values = self.verified_data(request, OrderCallbackInput)
        payment = services.payment_callback_apply(
            payment_id=values["paymentId"],
            order_id=order_id,
            status=values["status"],
            failure_code=values["failureCode"],
            failure_message=values["failureMessage"],
        )
        return Response(CallbackOutput(payment).data)
