"""Storefront API (the SPA's): `/auth/*`, `/me`. camelCase, string ids, 201 on every POST."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import services
from accounts.api.common import MessageOutput, PhoneField, TokensOutput
from accounts.models import User
from accounts.throttles import LOGIN_THROTTLES, PASSWORD_RESET_THROTTLES, REGISTER_THROTTLES
from config.api import IsoUtcField

TAG = ["storefront: auth"]


class CustomerOutput(serializers.Serializer):
    id = serializers.CharField()
    phone = serializers.CharField(allow_null=True)
    email = serializers.CharField(allow_null=True)
    name = serializers.SerializerMethodField()
    isPhoneVerified = serializers.BooleanField(source="is_phone_verified")
    createdAt = IsoUtcField(source="created_at")
    updatedAt = IsoUtcField(source="updated_at")
    lastLoginAt = IsoUtcField(source="last_login", allow_null=True)

    def get_name(self, user: User) -> str | None:
        return user.name or None


class AuthResultOutput(serializers.Serializer):
    customer = CustomerOutput()
    tokens = TokensOutput()


def auth_result(user: User) -> dict:
    return AuthResultOutput({"customer": user, "tokens": services.tokens_issue(user=user)}).data


class RegisterInput(serializers.Serializer):
    phone = PhoneField()
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False)
    clientId = serializers.CharField(min_length=1, max_length=64, required=False)
    name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    marketingOptIn = serializers.BooleanField(required=False, default=False)


class RegisterView(APIView):
    authentication_classes: list = []
    throttle_classes = REGISTER_THROTTLES

    @extend_schema(tags=TAG, request=RegisterInput, responses={201: AuthResultOutput})
    def post(self, request: Request) -> Response:
        data = RegisterInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        first_name, last_name = services.split_name(values.get("name"))
        user = services.user_register(
            email=values["email"],
            phone=values["phone"],
            password=values["password"],
            first_name=first_name,
            last_name=last_name,
            marketing_opt_in=values["marketingOptIn"],
            client_id=values.get("clientId"),
            language=translation.get_language() or "uk",
        )
        return Response(auth_result(user), status=status.HTTP_201_CREATED)


class LoginInput(serializers.Serializer):
    login = serializers.CharField(min_length=3, max_length=120)
    password = serializers.CharField(min_length=1, max_length=128, trim_whitespace=False)
    clientId = serializers.CharField(min_length=1, max_length=64, required=False)


class LoginView(APIView):
    authentication_classes: list = []
    throttle_classes = LOGIN_THROTTLES

    @extend_schema(tags=TAG, request=LoginInput, responses={201: AuthResultOutput})
    def post(self, request: Request) -> Response:
        data = LoginInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        user = services.user_authenticate(login=values["login"].strip(), password=values["password"])
        services.user_record_login(user=user, client_id=values.get("clientId"))
        return Response(auth_result(user), status=status.HTTP_201_CREATED)


class RefreshInput(serializers.Serializer):
    refreshToken = serializers.CharField(max_length=4096)


class RefreshView(APIView):
    authentication_classes: list = []

    @extend_schema(tags=TAG, request=RefreshInput, responses={201: TokensOutput})
    def post(self, request: Request) -> Response:
        data = RefreshInput(data=request.data)
        data.is_valid(raise_exception=True)
        pair = services.tokens_refresh(refresh_token=data.validated_data["refreshToken"])
        return Response(TokensOutput(pair).data, status=status.HTTP_201_CREATED)


class LogoutView(APIView):
    authentication_classes: list = []

    @extend_schema(tags=TAG, request=RefreshInput, responses={201: MessageOutput})
    def post(self, request: Request) -> Response:
        data = RefreshInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.tokens_revoke(refresh_token=data.validated_data["refreshToken"])
        return Response({"message": _("Logged out")}, status=status.HTTP_201_CREATED)


class ForgotPasswordInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class ForgotPasswordView(APIView):
    authentication_classes: list = []
    throttle_classes = PASSWORD_RESET_THROTTLES

    @extend_schema(tags=TAG, request=ForgotPasswordInput, responses={201: MessageOutput})
    def post(self, request: Request) -> Response:
        data = ForgotPasswordInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.password_reset_request(email=data.validated_data["email"])
        return Response(
            {"message": _("If the email exists, a message with instructions will be sent")},
            status=status.HTTP_201_CREATED,
        )


class ResetPasswordInput(serializers.Serializer):
    token = serializers.CharField(max_length=256)
    newPassword = serializers.CharField(max_length=128, trim_whitespace=False)


class ResetPasswordView(APIView):
    authentication_classes: list = []
    throttle_classes = PASSWORD_RESET_THROTTLES

    @extend_schema(tags=TAG, request=ResetPasswordInput, responses={201: MessageOutput})
    def post(self, request: Request) -> Response:
        data = ResetPasswordInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.password_reset_confirm(
            token=data.validated_data["token"], new_password=data.validated_data["newPassword"]
        )
        return Response({"message": _("Password changed successfully")}, status=status.HTTP_201_CREATED)


class MePatchInput(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254, required=False)


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=["storefront: me"], responses={200: CustomerOutput})
    def get(self, request: Request) -> Response:
        return Response(CustomerOutput(request.user).data)

    @extend_schema(tags=["storefront: me"], request=MePatchInput, responses={200: CustomerOutput})
    def patch(self, request: Request) -> Response:
        data = MePatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        first_name = last_name = None
        if "name" in values:
            first_name, last_name = services.split_name(values["name"])
        user = services.user_update_profile(
            user=request.user, first_name=first_name, last_name=last_name, email=values.get("email")
        )
        return Response(CustomerOutput(user).data)
