"""Input fields shared by the account surfaces (validation only; output shapes stay per surface)."""

from __future__ import annotations

import phonenumbers
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.phones import InvalidPhone, normalize_phone

COUNTRY_CODES = frozenset(phonenumbers.SUPPORTED_REGIONS)


class PhoneField(serializers.CharField):
    """Any way of writing a phone number in; E.164 out."""

    default_error_messages = {"invalid_phone": _("phone must be a valid phone number")}

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("min_length", 5)
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)

    def to_internal_value(self, data: object) -> str:
        raw = super().to_internal_value(data)
        try:
            return normalize_phone(raw)
        except InvalidPhone:
            self.fail("invalid_phone")


class CountryField(serializers.CharField):
    default_error_messages = {"invalid_country": _("country must be an ISO 3166-1 alpha-2 code")}

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("min_length", 2)
        kwargs.setdefault("max_length", 2)
        super().__init__(**kwargs)

    def to_internal_value(self, data: object) -> str:
        code = super().to_internal_value(data).upper()
        if code not in COUNTRY_CODES:
            self.fail("invalid_country")
        return code


class AddressInput(serializers.Serializer):
    """An address as both JSON surfaces write it (camelCase)."""

    name = serializers.CharField(max_length=120)
    phone = PhoneField()
    country = CountryField()
    region = serializers.CharField(max_length=120, required=False, allow_blank=True)
    city = serializers.CharField(max_length=120)
    street = serializers.CharField(max_length=200)
    building = serializers.CharField(max_length=30, required=False, allow_blank=True)
    apartment = serializers.CharField(max_length=30, required=False, allow_blank=True)
    postalCode = serializers.CharField(max_length=20, required=False, allow_blank=True, source="postal_code")
    isDefault = serializers.BooleanField(required=False, source="is_default")


class MessageOutput(serializers.Serializer):
    message = serializers.CharField()


class TokensOutput(serializers.Serializer):
    """The token pair, shared by the Storefront and v1 contracts ("as in the Storefront API")."""

    accessToken = serializers.CharField(source="access_token")
    accessTokenExpiresInSec = serializers.IntegerField(source="access_expires_in")
    tokenType = serializers.SerializerMethodField()
    refreshToken = serializers.CharField(source="refresh_token")
    refreshTokenExpiresInSec = serializers.IntegerField(source="refresh_expires_in")

    def get_tokenType(self, pair: object) -> str:
        return "bearer"
