"""Platform API v1, Notification: `POST /api/v1/notifications/send`, `GET /api/v1/notifications/{id}`.

For staff and for other services, which call with a staff account's Bearer token.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.phones import InvalidPhone, normalize_phone
from config.api import IsoUtcField
from notifications import selectors, services
from notifications.models import (
    Notification,
    NotificationChannel,
    NotificationEvent,
    NotificationLanguage,
    NotificationStatus,
)

TAGS = ["v1: notifications"]


class NotificationSendInput(serializers.Serializer):
    channel = serializers.ChoiceField(choices=NotificationChannel.choices)
    to = serializers.CharField(max_length=254)
    template = serializers.ChoiceField(choices=NotificationEvent.choices)
    variables = serializers.DictField(required=False, default=dict)
    language = serializers.ChoiceField(
        choices=NotificationLanguage.choices, required=False, default=NotificationLanguage.UK
    )

    default_error_messages = {
        "invalid_phone": _("to must be a valid phone number"),
        "invalid_email": _("to must be a valid email address"),
    }

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        to = data["to"].strip()
        if data["channel"] == NotificationChannel.SMS:
            try:
                data["to"] = normalize_phone(to)
            except InvalidPhone:
                raise serializers.ValidationError({"to": self.error_messages["invalid_phone"]}) from None
        else:
            try:
                validate_email(to)
            except Exception:
                raise serializers.ValidationError({"to": self.error_messages["invalid_email"]}) from None
            data["to"] = to
        return data


class NotificationQueuedOutput(serializers.Serializer):
    notificationId = serializers.IntegerField(source="pk")
    status = serializers.ChoiceField(choices=NotificationStatus.choices)


class NotificationOutput(serializers.Serializer):
    notificationId = serializers.IntegerField(source="pk")
    status = serializers.ChoiceField(choices=NotificationStatus.choices)
    channel = serializers.ChoiceField(choices=NotificationChannel.choices)
    to = serializers.CharField()
    template = serializers.CharField(source="event")
    createdAt = IsoUtcField(source="created_at")
    errorMessage = serializers.CharField(source="error_message", required=False)

    def to_representation(self, instance: Notification) -> dict[str, Any]:
        data = super().to_representation(instance)
        # `errorMessage?` in the contract: present only when there is one.
        if not data.get("errorMessage"):
            data.pop("errorMessage", None)
        return data


class NotificationSendView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(tags=TAGS, request=NotificationSendInput, responses={202: NotificationQueuedOutput})
    def post(self, request: Request) -> Response:
        data = NotificationSendInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        with transaction.atomic():
            notification = services.notification_queue(
                event=values["template"],
                channel=values["channel"],
                to=values["to"],
                variables=values["variables"],
                language=values["language"],
            )
        return Response(NotificationQueuedOutput(notification).data, status=status.HTTP_202_ACCEPTED)


class NotificationDetailView(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(tags=TAGS, responses={200: NotificationOutput})
    def get(self, request: Request, notification_id: int) -> Response:
        notification = selectors.notification_get(notification_id=notification_id)
        return Response(NotificationOutput(notification).data)
