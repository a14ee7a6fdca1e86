"""Customers session API `/api/customers/*`: an httpOnly session cookie + CSRF, no tokens."""

from __future__ import annotations

from django.contrib.auth import login as session_login
from django.contrib.auth import logout as session_logout
from django.http import HttpResponse
from django.utils import translation
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.api.common import AddressInput
from accounts.exceptions import ResetTokenInvalid, UserNotFound
from accounts.models import User
from accounts.throttles import LOGIN_THROTTLES, PASSWORD_RESET_THROTTLES, REGISTER_THROTTLES
from config.api import CsrfSessionAuthentication, IsoUtcField

TAG = ["customers (session)"]
SESSION_BACKEND = "accounts.backends.EmailOrPhoneBackend"


class SessionAPIView(APIView):
    authentication_classes = [CsrfSessionAuthentication]


class CustomerOutput(serializers.Serializer):
    id = serializers.CharField()
    email = serializers.CharField(allow_null=True)
    name = serializers.CharField()
    defaultAddressId = serializers.SerializerMethodField()
    acceptsMarketing = serializers.BooleanField(source="marketing_opt_in")
    createdAt = IsoUtcField(source="created_at")

    def get_defaultAddressId(self, user: User) -> str | None:
        address_id = selectors.default_address_id(user=user)
        return str(address_id) if address_id else None

    def to_representation(self, user: User) -> dict:
        data = super().to_representation(user)
        if data["defaultAddressId"] is None:
            del data["defaultAddressId"]  # optional in the contract: absent, not null
        return data


class AddressOutput(serializers.Serializer):
    id = serializers.CharField()
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


def _address_book(user: User) -> list:
    return AddressOutput(selectors.address_list_for_user(user=user), many=True).data


class RegisterInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False)
    name = serializers.CharField(max_length=120, allow_blank=True, required=False, default="")
    acceptsMarketing = serializers.BooleanField(required=False, default=False)


class RegisterView(SessionAPIView):
    throttle_classes = REGISTER_THROTTLES

    @extend_schema(tags=TAG, request=RegisterInput, responses={201: CustomerOutput})
    def post(self, request: Request) -> Response:
        data = RegisterInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        first_name, last_name = services.split_name(values["name"])
        user = services.user_register(
            email=values["email"],
            password=values["password"],
            first_name=first_name,
            last_name=last_name,
            marketing_opt_in=values["acceptsMarketing"],
            client_id=request.session.get("client_id"),
            language=translation.get_language() or "uk",
        )
        session_login(request._request, user, backend=SESSION_BACKEND)
        return Response(CustomerOutput(user).data, status=status.HTTP_201_CREATED)


class LoginInput(serializers.Serializer):
    email = serializers.CharField(min_length=3, max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class LoginView(SessionAPIView):
    throttle_classes = LOGIN_THROTTLES

    @extend_schema(tags=TAG, request=LoginInput, responses={200: CustomerOutput})
    def post(self, request: Request) -> Response:
        data = LoginInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_authenticate(
            login=data.validated_data["email"].strip(), password=data.validated_data["password"]
        )
        services.user_record_login(user=user, client_id=request.session.get("client_id"))
        # Rotates the session key and keeps the session's data (the cart stays).
        session_login(request._request, user, backend=SESSION_BACKEND)
        return Response(CustomerOutput(user).data)


class LogoutView(SessionAPIView):
    @extend_schema(tags=TAG, request=None, responses={200: dict})
    def post(self, request: Request) -> Response:
        session_logout(request._request)  # flushes the session: new key, empty cart
        return Response({})


class MePatchInput(serializers.Serializer):
    name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254, required=False)
    acceptsMarketing = serializers.BooleanField(required=False)
    defaultAddressId = serializers.IntegerField(required=False, min_value=1)


@method_decorator(ensure_csrf_cookie, name="get")
class MeView(SessionAPIView):
    @extend_schema(
        tags=TAG,
        # The Customer, or null for a guest (the front end avoids a 401 round trip).
        responses={
            200: {
                "allOf": [{"$ref": "#/components/schemas/CustomersAccountsCustomerOutput"}],
                "nullable": True,
            }
        },
    )
    def get(self, request: Request) -> HttpResponse:
        if not request.user.is_authenticated:
            # DRF renders None as an empty body; the contract says the JSON literal null.
            return HttpResponse(b"null", content_type="application/json")
        return Response(CustomerOutput(request.user).data)

    @extend_schema(tags=TAG, request=MePatchInput, responses={200: CustomerOutput})
    def patch(self, request: Request) -> Response:
        if not request.user.is_authenticated:
            self.permission_denied(request)
        data = MePatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        first_name = last_name = None
        if "name" in values:
            first_name, last_name = services.split_name(values["name"])
        user = services.user_update_profile(
            user=request.user,
            first_name=first_name,
            last_name=last_name,
            email=values.get("email"),
            marketing_opt_in=values.get("acceptsMarketing"),
        )
        if "defaultAddressId" in values:
            services.address_update(
                user=user, address_id=values["defaultAddressId"], data={"is_default": True}
            )
        return Response(CustomerOutput(user).data)


class AddressPatchInput(AddressInput):
    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs["partial"] = True
        super().__init__(*args, **kwargs)


class AddressListView(SessionAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAG, responses={200: AddressOutput(many=True)})
    def get(self, request: Request) -> Response:
        return Response(_address_book(request.user))

    @extend_schema(tags=TAG, request=AddressInput, responses={201: AddressOutput(many=True)})
    def post(self, request: Request) -> Response:
        data = AddressInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.address_create(user=request.user, data=data.validated_data)
        return Response(_address_book(request.user), status=status.HTTP_201_CREATED)


class AddressDetailView(SessionAPIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=TAG, request=AddressPatchInput, responses={200: AddressOutput(many=True)})
    def patch(self, request: Request, address_id: int) -> Response:
        data = AddressPatchInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.address_update(user=request.user, address_id=address_id, data=data.validated_data)
        return Response(_address_book(request.user))

    @extend_schema(tags=TAG, responses={200: AddressOutput(many=True)})
    def delete(self, request: Request, address_id: int) -> Response:
        services.address_delete(user=request.user, address_id=address_id)
        return Response(_address_book(request.user))


class ResetInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class PasswordResetView(SessionAPIView):
    throttle_classes = PASSWORD_RESET_THROTTLES

    @extend_schema(tags=TAG, request=ResetInput, responses={200: dict})
    def post(self, request: Request) -> Response:
        data = ResetInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.password_reset_request(email=data.validated_data["email"])
        return Response({})


class ConfirmInput(serializers.Serializer):
    token = serializers.CharField(max_length=256)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class PasswordConfirmView(SessionAPIView):
    throttle_classes = PASSWORD_RESET_THROTTLES

    @extend_schema(tags=TAG, request=ConfirmInput, responses={200: dict})
    def post(self, request: Request) -> Response:
        data = ConfirmInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.password_reset_confirm(
                token=data.validated_data["token"], new_password=data.validated_data["password"]
            )
        except UserNotFound as exc:
            # This contract has one answer for a token that leads nowhere.
            raise ResetTokenInvalid() from exc
        return Response({})
