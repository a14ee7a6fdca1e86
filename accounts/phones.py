"""Phone numbers: parsed with `phonenumbers`, stored as E.164, Ukraine as the default region."""

from __future__ import annotations

import phonenumbers

DEFAULT_REGION = "UA"


class InvalidPhone(ValueError):
    """Not a phone number `phonenumbers` can make sense of."""


def parse_phone(raw: str) -> phonenumbers.PhoneNumber:
    try:
        number = phonenumbers.parse(raw, DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(str(exc)) from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(raw)
    return number


def normalize_phone(raw: str) -> str:
    """`0971112233`, `+38 097 111 22 33` and `+380971112233` all give `+380971112233`."""
    return phonenumbers.format_number(parse_phone(raw), phonenumbers.PhoneNumberFormat.E164)


def try_normalize_phone(raw: str | None) -> str | None:
    if not raw:
        return None
    try:
        return normalize_phone(raw)
    except InvalidPhone:
        return None


def split_phone(e164: str) -> tuple[str, str]:
    """E.164 → (country calling code, national number): `+380971112233` → (`380`, `971112233`)."""
    number = parse_phone(e164)
    return str(number.country_code), str(number.national_number)
