"""Platform API v1, Identity: `/api/v1/auth/*`, `/api/v1/users/me[/addresses]`."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.api.common import AddressInput, MessageOutput, PhoneField, TokensOutput
from accounts.models import User, VerificationChannel
from accounts.throttles import (
    LOGIN_THROTTLES,
    PASSWORD_RESET_THROTTLES,
    REGISTER_THROTTLES,
    VERIFY_SEND_THROTTLES,
)
from config.api import IsoUtcField, PageQuery

AUTH_TAG = ["v1: auth"]
USERS_TAG = ["v1: users"]


class UserOutput(serializers.Serializer):
    id = serializers.IntegerField()
    firstName = serializers.CharField(source="first_name")
    lastName = serializers.CharField(source="last_name")
    email = serializers.CharField(allow_null=True)
    phone = serializers.CharField(allow_null=True)
    emailVerified = serializers.BooleanField(source="is_email_verified")
    phoneVerified = serializers.BooleanField(source="is_phone_verified")


class AuthResultOutput(serializers.Serializer):
    user = UserOutput()
    tokens = TokensOutput()


def _auth_result(user: User) -> dict:
    return AuthResultOutput({"user": user, "tokens": services.tokens_issue(user=user)}).data


class _RegisterBase(serializers.Serializer):
    firstName = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    lastName = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class RegisterEmailInput(_RegisterBase):
    email = serializers.EmailField(max_length=254)


class RegisterPhoneInput(_RegisterBase):
    phone = PhoneField()


class _RegisterView(APIView):
    authentication_classes: list = []
    throttle_classes = REGISTER_THROTTLES
    input_class: type[serializers.Serializer]

    def post(self, request: Request) -> Response:
        data = self.input_class(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        user = services.user_register(
            email=values.get("email"),
            phone=values.get("phone"),
            password=values["password"],
            first_name=values["firstName"],
            last_name=values["lastName"],
            language=translation.get_language() or "uk",
        )
        return Response(_auth_result(user), status=status.HTTP_201_CREATED)


class RegisterEmailView(_RegisterView):
    input_class = RegisterEmailInput

    @extend_schema(tags=AUTH_TAG, request=RegisterEmailInput, responses={201: AuthResultOutput})
    def post(self, request: Request) -> Response:
        return super().post(request)


class RegisterPhoneView(_RegisterView):
    input_class = RegisterPhoneInput

    @extend_schema(tags=AUTH_TAG, request=RegisterPhoneInput, responses={201: AuthResultOutput})
    def post(self, request: Request) -> Response:
        return super().post(request)


class LoginEmailInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class LoginPhoneInput(serializers.Serializer):
    # Not PhoneField: an unparseable phone must get the same 401 as an unknown one.
    phone = serializers.CharField(min_length=3, max_length=32)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class LoginEmailView(APIView):
    authentication_classes: list = []
    throttle_classes = LOGIN_THROTTLES

    @extend_schema(tags=AUTH_TAG, request=LoginEmailInput, responses={200: AuthResultOutput})
    def post(self, request: Request) -> Response:
        data = LoginEmailInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_authenticate(
            email=data.validated_data["email"], password=data.validated_data["password"]
        )
        services.user_record_login(user=user)
        return Response(_auth_result(user))


class LoginPhoneView(APIView):
    authentication_classes: list = []
    throttle_classes = LOGIN_THROTTLES

    @extend_schema(tags=AUTH_TAG, request=LoginPhoneInput, responses={200: AuthResultOutput})
    def post(self, request: Request) -> Response:
        data = LoginPhoneInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_authenticate(
            phone=data.validated_data["phone"], password=data.validated_data["password"]
        )
        services.user_record_login(user=user)
        return Response(_auth_result(user))


class RefreshInput(serializers.Serializer):
    refreshToken = serializers.CharField(max_length=4096)


class RefreshView(APIView):
    authentication_classes: list = []

    @extend_schema(tags=AUTH_TAG, request=RefreshInput, responses={200: TokensOutput})
    def post(self, request: Request) -> Response:
        data = RefreshInput(data=request.data)
        data.is_valid(raise_exception=True)
        pair = services.tokens_refresh(refresh_token=data.validated_data["refreshToken"])
        return Response(TokensOutput(pair).data)


class LogoutView(APIView):
    authentication_classes: list = []

    @extend_schema(tags=AUTH_TAG, request=RefreshInput, responses={204: None})
    def post(self, request: Request) -> Response:
        data = RefreshInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.tokens_revoke(refresh_token=data.validated_data["refreshToken"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class EmailInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class PhoneInput(serializers.Serializer):
    phone = PhoneField()


class EmailConfirmInput(EmailInput):
    code = serializers.RegexField(r"^\d{6}$", max_length=6)


class PhoneConfirmInput(PhoneInput):
    code = serializers.RegexField(r"^\d{6}$", max_length=6)


class EmailVerifiedOutput(serializers.Serializer):
    emailVerified = serializers.BooleanField()


class PhoneVerifiedOutput(serializers.Serializer):
    phoneVerified = serializers.BooleanField()


def _code_sent() -> Response:
    return Response({"message": _("If the address belongs to an account, a code has been sent")}, status=202)


class VerifyEmailSendView(APIView):
    throttle_classes = VERIFY_SEND_THROTTLES

    @extend_schema(tags=AUTH_TAG, request=EmailInput, responses={202: MessageOutput})
    def post(self, request: Request) -> Response:
        data = EmailInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.verification_send(channel=VerificationChannel.EMAIL, target=data.validated_data["email"])
        return _code_sent()


class VerifyEmailConfirmView(APIView):
    @extend_schema(tags=AUTH_TAG, request=EmailConfirmInput, responses={200: EmailVerifiedOutput})
    def post(self, request: Request) -> Response:
        data = EmailConfirmInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.verification_confirm(
            channel=VerificationChannel.EMAIL,
            target=data.validated_data["email"],
            code=data.validated_data["code"],
        )
        return Response({"emailVerified": True})


class VerifyPhoneSendView(APIView):
    throttle_classes = VERIFY_SEND_THROTTLES

    @extend_schema(tags=AUTH_TAG, request=PhoneInput, responses={202: MessageOutput})
    def post(self, request: Request) -> Response:
        data = PhoneInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.verification_send(channel=VerificationChannel.PHONE, target=data.validated_data["phone"])
        return _code_sent()


class VerifyPhoneConfirmView(APIView):
    @extend_schema(tags=AUTH_TAG, request=PhoneConfirmInput, responses={200: PhoneVerifiedOutput})
    def post(self, request: Request) -> Response:
        data = PhoneConfirmInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.verification_confirm(
            channel=VerificationChannel.PHONE,
            target=data.validated_data["phone"],
            code=data.validated_data["code"],
        )
        return Response({"phoneVerified": True})


class PasswordChangeInput(serializers.Serializer):
    currentPassword = serializers.CharField(max_length=128, trim_whitespace=False)
    newPassword = serializers.CharField(max_length=128, trim_whitespace=False)


class PasswordChangeOutput(serializers.Serializer):
    message = serializers.CharField()
    tokens = TokensOutput()


class PasswordChangeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=AUTH_TAG, request=PasswordChangeInput, responses={200: PasswordChangeOutput})
    def post(self, request: Request) -> Response:
        data = PasswordChangeInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.password_change(
            user=request.user,
            current_password=data.validated_data["currentPassword"],
            new_password=data.validated_data["newPassword"],
        )
        # Every refresh token (and access token) of the account died with the old password;
        # this caller keeps working with the fresh pair.
        tokens = services.tokens_issue(user=request.user)
        return Response({"message": _("Password changed successfully"), "tokens": TokensOutput(tokens).data})


class ResetRequestInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254, required=False)
    phone = PhoneField(required=False)

    def validate(self, attrs: dict) -> dict:
        if not attrs.get("email") and not attrs.get("phone"):
            raise serializers.ValidationError(_("email or phone is required"))
        return attrs


class PasswordResetRequestView(APIView):
    authentication_classes: list = []
    throttle_classes = PASSWORD_RESET_THROTTLES

    @extend_schema(tags=AUTH_TAG, request=ResetRequestInput, responses={202: MessageOutput})
    def post(self, request: Request) -> Response:
        data = ResetRequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.password_reset_request(
            email=data.validated_data.get("email"), phone=data.validated_data.get("phone")
        )
        return Response({"message": _("If the account exists, instructions have been sent")}, status=202)


class ResetConfirmInput(serializers.Serializer):
    resetToken = serializers.CharField(max_length=256)
    newPassword = serializers.CharField(max_length=128, trim_whitespace=False)


class PasswordResetConfirmView(APIView):
    authentication_classes: list = []
    throttle_classes = PASSWORD_RESET_THROTTLES

    @extend_schema(tags=AUTH_TAG, request=ResetConfirmInput, responses={200: MessageOutput})
    def post(self, request: Request) -> Response:
        data = ResetConfirmInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.password_reset_confirm(
            token=data.validated_data["resetToken"], new_password=data.validated_data["newPassword"]
        )
        return Response({"message": _("Password changed successfully")})


class ProfilePatchInput(serializers.Serializer):
    firstName = serializers.CharField(max_length=120, required=False, allow_blank=True)
    lastName = serializers.CharField(max_length=120, required=False, allow_blank=True)


class UsersMeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=USERS_TAG, responses={200: UserOutput})
    def get(self, request: Request) -> Response:
        return Response(UserOutput(request.user).data)

    @extend_schema(tags=USERS_TAG, request=ProfilePatchInput, responses={200: UserOutput})
    def patch(self, request: Request) -> Response:
        data = ProfilePatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_update_profile(
            user=request.user,
            first_name=data.validated_data.get("firstName"),
            last_name=data.validated_data.get("lastName"),
        )
        return Response(UserOutput(user).data)


class AddressOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField()
    country = serializers.CharField()
    region = serializers.CharField()
    city = serializers.CharField()
    street = serializers.CharField()
    building = serializers.CharField()
    apartment = serializers.CharField()
    postalCode = serializers.CharField(source="postal_code")
    isDefault = serializers.BooleanField(source="is_default")
    createdAt = IsoUtcField(source="created_at")
    updatedAt = IsoUtcField(source="updated_at")


class AddressPageOutput(serializers.Serializer):
    items = AddressOutput(many=True)
    page = serializers.IntegerField()
    limit = serializers.IntegerField()
    total = serializers.IntegerField()


class AddressPatchInput(AddressInput):
    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs["partial"] = True
        super().__init__(*args, **kwargs)


class AddressListView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=USERS_TAG, parameters=[PageQuery], responses={200: AddressPageOutput})
    def get(self, request: Request) -> Response:
        page, limit = PageQuery.parse(request)
        addresses = selectors.address_list_for_user(user=request.user)
        start = (page - 1) * limit
        body = {
            "items": AddressOutput(addresses[start : start + limit], many=True).data,
            "page": page,
            "limit": limit,
            "total": addresses.count(),
        }
        return Response(body)

    @extend_schema(tags=USERS_TAG, request=AddressInput, responses={201: AddressOutput})
    def post(self, request: Request) -> Response:
        data = AddressInput(data=request.data)
        data.is_valid(raise_exception=True)
        address = services.address_create(user=request.user, data=data.validated_data)
        return Response(AddressOutput(address).data, status=status.HTTP_201_CREATED)


class AddressDetailView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=USERS_TAG, responses={200: AddressOutput})
    def get(self, request: Request, address_id: int) -> Response:
        address = selectors.address_get_for_user(user=request.user, address_id=address_id)
        return Response(AddressOutput(address).data)

    @extend_schema(tags=USERS_TAG, request=AddressPatchInput, responses={200: AddressOutput})
    def patch(self, request: Request, address_id: int) -> Response:
        data = AddressPatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        address = services.address_update(user=request.user, address_id=address_id, data=data.validated_data)
        return Response(AddressOutput(address).data)

    @extend_schema(tags=USERS_TAG, responses={204: None})
    def delete(self, request: Request, address_id: int) -> Response:
        services.address_delete(user=request.user, address_id=address_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
