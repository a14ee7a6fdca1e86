"""Forms of the account pages. They check the shape of the input; the rules (password policy,
unique email/phone, codes, tokens) are the services' and come back as errors beside fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.api.common import COUNTRY_CODES
from accounts.exceptions import PasswordWeak
from accounts.phones import InvalidPhone, normalize_phone

# The delivery countries offered in the address book (ISO 3166-1 alpha-2); Ukraine first.
ADDRESS_COUNTRIES = [
    ("UA", _("Ukraine")),
    ("PL", _("Poland")),
    ("MD", _("Moldova")),
    ("RO", _("Romania")),
    ("SK", _("Slovakia")),
    ("HU", _("Hungary")),
    ("DE", _("Germany")),
]


class PhoneNumberField(forms.CharField):
    """Any way of writing a phone number in (`097 111 22 33`, `+380…`); E.164 out."""

    default_error_messages = {"invalid_phone": _("Enter a valid phone number, e.g. +380 97 111 22 33.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("label", _("Phone"))
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "placeholder": "+380 97 111 22 33"}),
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if not value:
            return value
        try:
            return normalize_phone(value)
        except InvalidPhone as exc:
            raise forms.ValidationError(self.error_messages["invalid_phone"], code="invalid_phone") from exc


def password_policy_check(password: str) -> str:
    """The account password policy (the service's own check), so its problems show at once
    beside the field together with the form's other errors. The service checks again on
    save, with the account's data for the similarity rule."""
    from accounts.services import password_validate

    if password:
        try:
            password_validate(password=password)
        except PasswordWeak as exc:
            problems = exc.extra.get("fields", {}).get("password") or [str(exc.message)]
            raise forms.ValidationError(problems) from exc
    return password


def password_field(label: Any, *, autocomplete: str = "new-password", **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        max_length=settings.PASSWORD_MAX_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
        **kwargs,
    )


class RegisterForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = PhoneNumberField()
    email = forms.EmailField(
        label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = password_field(
        _("Password"),
        help_text=_("At least %(min)d characters; not a common password.")
        % {"min": settings.PASSWORD_MIN_LENGTH},
    )
    marketing_opt_in = forms.BooleanField(
        label=_("Send me news and special offers"), required=False, label_suffix=""
    )

    def clean_password(self) -> str:
        return password_policy_check(self.cleaned_data["password"])


class LoginForm(forms.Form):
    login = forms.CharField(
        label=_("Email or phone"),
        min_length=3,
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = password_field(_("Password"), autocomplete="current-password")
    next = forms.CharField(required=False, widget=forms.HiddenInput)


class ForgotPasswordForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class _NewPasswordForm(forms.Form):
    new_password = password_field(
        _("New password"),
        help_text=_("At least %(min)d characters; not a common password.")
        % {"min": settings.PASSWORD_MIN_LENGTH},
    )
    new_password_confirm = password_field(_("Repeat the new password"))

    def clean_new_password(self) -> str:
        return password_policy_check(self.cleaned_data["new_password"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, second = data.get("new_password"), data.get("new_password_confirm")
        if first and second and first != second:
            self.add_error("new_password_confirm", _("The passwords do not match."))
        return data


class ResetPasswordForm(_NewPasswordForm):
    token = forms.CharField(max_length=256, widget=forms.HiddenInput)

    field_order = ["new_password", "new_password_confirm", "token"]


class PasswordChangeForm(_NewPasswordForm):
    current_password = password_field(_("Current password"), autocomplete="current-password")

    field_order = ["current_password", "new_password", "new_password_confirm"]


class ProfileForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        required=False,
        help_text=_("A new email has to be verified again."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    marketing_opt_in = forms.BooleanField(
        label=_("Send me news and special offers"), required=False, label_suffix=""
    )


class VerificationCodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Code"),
        regex=r"^\d{6}$",
        max_length=6,
        error_messages={"invalid": _("Enter the 6 digits from the message.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": r"\d{6}"}
        ),
    )


class AddressForm(forms.Form):
    name = forms.CharField(
        label=_("Recipient"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    phone = PhoneNumberField(label=_("Recipient's phone"))
    country = forms.ChoiceField(label=_("Country"), choices=ADDRESS_COUNTRIES, initial="UA")
    region = forms.CharField(label=_("Region"), max_length=120, required=False)
    city = forms.CharField(
        label=_("City"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "address-level2"})
    )
    street = forms.CharField(
        label=_("Street"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "address-line1"})
    )
    building = forms.CharField(label=_("Building"), max_length=30, required=False)
    apartment = forms.CharField(label=_("Apartment"), max_length=30, required=False)
    postal_code = forms.CharField(
        label=_("Postal code"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    is_default = forms.BooleanField(label=_("Use as my default address"), required=False, label_suffix="")

    def clean_country(self) -> str:
        code = self.cleaned_data["country"].upper()
        if code not in COUNTRY_CODES:
            raise forms.ValidationError(_("Choose a country from the list."))
        return code
