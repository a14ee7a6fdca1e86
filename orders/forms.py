"""Forms of the cart, checkout, payment and guest order lookup pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import ADDRESS_COUNTRIES, PhoneNumberField
from accounts.models import Address
from catalog.models import Product
from config.templatetags.shop import option_label
from orders.cart import MAX_QUANTITY
from orders.models import PaymentMethod

OPTION_PREFIX = "option_"
NEW_ADDRESS = "new"
ADDRESS_PARTS = ("country", "region", "city", "street", "building", "apartment", "postal_code")
# Cash on delivery first: it is what most shoppers of this shop choose.
PAYMENT_CHOICES = [
    (PaymentMethod.CASH_ON_DELIVERY, _("Cash on delivery")),
    (PaymentMethod.CARD, _("Card online")),
    (PaymentMethod.PHONE, _("Pay by phone")),
]


def quantity_field(**kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(
        min_value=kwargs.pop("min_value", 1),
        max_value=MAX_QUANTITY,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "qty"}),
        **kwargs,
    )


class AddToCartForm(forms.Form):
    """One product into the cart: a quantity and one value for each of its options."""

    product_id = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    quantity = quantity_field(label=_("Quantity"), initial=1)
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, product: Product, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("product_id", product.pk)
        super().__init__(*args, **kwargs)
        self.product = product
        for name, values in (product.options or {}).items():
            self.fields[f"{OPTION_PREFIX}{name}"] = forms.ChoiceField(
                label=option_label(name),
                choices=[(str(value), str(value)) for value in values],
                widget=forms.RadioSelect(attrs={"class": "swatch"}),
                error_messages={"required": _("Choose a value.")},
            )

    @property
    def option_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(OPTION_PREFIX)]

    def chosen_options(self) -> dict[str, str]:
        return {
            name.removeprefix(OPTION_PREFIX): value
            for name, value in self.cleaned_data.items()
            if name.startswith(OPTION_PREFIX)
        }


class CartForm(forms.Form):
    """Quantities of every line of the cart (`qty_<line key>`); 0 removes a line."""

    def __init__(
        self, *args: Any, line_keys: Sequence[str], initial_quantities: dict[str, int], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        for key in line_keys:
            self.fields[f"qty_{key}"] = quantity_field(
                label=_("Quantity"), min_value=0, initial=initial_quantities.get(key, 1)
            )

    def quantities(self) -> dict[str, int]:
        return {name.removeprefix("qty_"): value for name, value in self.cleaned_data.items()}


class CheckoutForm(forms.Form):
    name = forms.CharField(
        label=_("Full name"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    phone = PhoneNumberField(help_text=_("We will call or text you about the order."))
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        required=False,
        help_text=_("Optional: for the order confirmation."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    address_choice = forms.ChoiceField(label=_("Delivery address"), widget=forms.RadioSelect, required=False)
    country = forms.ChoiceField(label=_("Country"), choices=ADDRESS_COUNTRIES, initial="UA", required=False)
    region = forms.CharField(label=_("Region"), max_length=120, required=False)
    city = forms.CharField(
        label=_("City"),
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    street = forms.CharField(
        label=_("Street"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    building = forms.CharField(label=_("Building"), max_length=30, required=False)
    apartment = forms.CharField(label=_("Apartment"), max_length=30, required=False)
    postal_code = forms.CharField(
        label=_("Postal code"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    save_address = forms.BooleanField(
        label=_("Save this address to my address book"), required=False, label_suffix=""
    )
    payment_method = forms.ChoiceField(
        label=_("Payment"),
        choices=PAYMENT_CHOICES,
        initial=PaymentMethod.CASH_ON_DELIVERY,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment to the order"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    token = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: Any, addresses: Sequence[Address] = (), is_guest: bool = True, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.addresses = {str(address.pk): address for address in addresses}
        if self.addresses:
            self.fields["address_choice"].choices = [
                *((key, str(address)) for key, address in self.addresses.items()),
                (NEW_ADDRESS, _("A new address")),
            ]
            default = next((key for key, address in self.addresses.items() if address.is_default), None)
            self.fields["address_choice"].initial = default or next(iter(self.addresses))
        else:
            del self.fields["address_choice"]
        if is_guest:
            del self.fields["save_address"]
        else:
            del self.fields["email"]

    @property
    def new_address_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ADDRESS_PARTS]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        choice = data.get("address_choice") or NEW_ADDRESS
        if choice != NEW_ADDRESS and choice not in self.addresses:
            self.add_error("address_choice", _("Choose one of your addresses."))
        if choice == NEW_ADDRESS:
            for name in ("city", "street"):
                if not data.get(name):
                    self.add_error(name, _("This field is required for delivery."))
        return data

    def delivery_address(self) -> dict[str, str]:
        """The address the order goes to: a saved one or the one typed in."""
        choice = self.cleaned_data.get("address_choice") or NEW_ADDRESS
        if choice != NEW_ADDRESS:
            address = self.addresses[choice]
            return {name: getattr(address, name) for name in ADDRESS_PARTS}
        return {name: self.cleaned_data.get(name) or "" for name in ADDRESS_PARTS}

    @property
    def uses_new_address(self) -> bool:
        return (self.cleaned_data.get("address_choice") or NEW_ADDRESS) == NEW_ADDRESS


class CardPaymentForm(forms.Form):
    """The sandbox gateway's card form: a test card stands for the card data a real gateway
    would take on its own page (card numbers never reach this shop)."""

    card_token = forms.ChoiceField(
        label=_("Test card"),
        widget=forms.RadioSelect,
        choices=[
            ("sandbox_ok", _("4242 •••• •••• 4242 — payment succeeds")),
            ("sandbox_declined", _("4000 •••• •••• 0002 — the card is declined")),
            ("sandbox_insufficient", _("4000 •••• •••• 9995 — insufficient funds")),
            ("sandbox_pending", _("4000 •••• •••• 3220 — the bank confirms later")),
        ],
        initial="sandbox_ok",
    )


class PhonePaymentForm(forms.Form):
    phone = PhoneNumberField(
        label=_("Phone to pay from"),
        help_text=_(
            "In the sandbox a number ending in 0000 is rejected; any other is confirmed in a moment."
        ),
    )


class OrderLookupForm(forms.Form):
    phone = PhoneNumberField(help_text=_("The phone number given with the order."))
    number = forms.IntegerField(
        label=_("Order number"),
        min_value=1,
        max_value=2**63 - 1,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
