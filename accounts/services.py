"""Identity: registration, authentication, tokens, passwords, verification, addresses.

Every write is one transaction; messages (reset links, codes) leave after commit.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework_simplejwt.exceptions import TokenBackendError, TokenBackendExpiredToken
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.state import token_backend
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts import messaging
from accounts.exceptions import (
    AddressNotFound,
    ContactRequired,
    EmailTaken,
    InvalidCredentials,
    PasswordWeak,
    PhoneTaken,
    ResetTokenInvalid,
    TokenInvalid,
    UserNotFound,
    VerificationCodeInvalid,
    WrongCurrentPassword,
)
from accounts.models import (
    Address,
    PasswordResetToken,
    SpentRefreshToken,
    User,
    VerificationChannel,
    VerificationCode,
)
from accounts.phones import InvalidPhone, normalize_phone
from accounts.signals import customer_identified

RESET_TOKEN_TTL = timedelta(minutes=30)
VERIFICATION_CODE_TTL = timedelta(minutes=10)
VERIFICATION_MAX_ATTEMPTS = 5


# --- helpers -------------------------------------------------------------------------


def normalize_email(email: str) -> str:
    return email.strip().lower()


def split_name(name: str | None) -> tuple[str, str]:
    """The Storefront API's single `name`: split at the first space."""
    if not name:
        return "", ""
    first, _, last = name.strip().partition(" ")
    return first, last.strip()


def password_validate(*, password: str, user: User | None = None) -> None:
    """The password policy (overview): length 10–128 by default + Django's validators."""
    problems: list[str] = []
    if len(password) > settings.PASSWORD_MAX_LENGTH:
        problems.append(
            _("password must be shorter than or equal to %(max)d characters")
            % {"max": settings.PASSWORD_MAX_LENGTH}
        )
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        problems.extend(exc.messages)
    if problems:
        raise PasswordWeak(
            [f"password: {problem}" for problem in problems],
            extra={"fields": {"password": problems}},
        )


def _hash_secret(value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), value.encode(), hashlib.sha256).hexdigest()


# --- registration and login ----------------------------------------------------------------


def user_register(
    *,
    password: str,
    email: str | None = None,
    phone: str | None = None,
    first_name: str = "",
    last_name: str = "",
    marketing_opt_in: bool = False,
    client_id: str | None = None,
    language: str = "uk",
) -> User:
    """Create a customer. Raises EmailTaken/PhoneTaken (409) or PasswordWeak (400)."""
    email = normalize_email(email) if email else None
    phone = normalize_phone(phone) if phone else None
    candidate = User(email=email, phone=phone, first_name=first_name, last_name=last_name)
    password_validate(password=password, user=candidate)

    try:
        with transaction.atomic():
            if email and User.objects.filter(email__iexact=email).exists():
                raise EmailTaken()
            if phone and User.objects.filter(phone=phone).exists():
                raise PhoneTaken()
            user = User.objects.create_user(
                email=email,
                phone=phone,
                password=password,
                first_name=first_name,
                last_name=last_name,
                marketing_opt_in=marketing_opt_in,
                language=language,
                last_login=timezone.now(),
            )
            customer_identified.send(sender=User, user=user, client_id=client_id)
    except IntegrityError as exc:
        # A concurrent registration won the unique index between our check and insert.
        if email and User.objects.filter(email__iexact=email).exists():
            raise EmailTaken() from exc
        raise PhoneTaken() from exc
    return user


def _find_active_user(*, email: str | None = None, phone: str | None = None) -> User | None:
    if email:
        lookup = Q(email__iexact=normalize_email(email))
    elif phone:
        try:
            lookup = Q(phone=normalize_phone(phone))
        except InvalidPhone:
            return None
    else:
        return None
    return User.objects.filter(lookup, is_active=True, is_deleted=False).first()


def user_authenticate(
    *, password: str, login: str | None = None, email: str | None = None, phone: str | None = None
) -> User:
    """Check credentials. `login` is an email or a phone.

    The same message, and the same cost, whether the user is unknown or the password wrong:
    for an unknown user we still run the hasher on the given password.
    """
    if login is not None:
        if "@" in login:
            email = login
        else:
            phone = login
    user = _find_active_user(email=email, phone=phone)
    if user is None:
        make_password(password)
        raise InvalidCredentials()
    if not user.check_password(password):
        raise InvalidCredentials()
    return user


def user_record_login(*, user: User, client_id: str | None = None) -> User:
    with transaction.atomic():
        user.last_login = timezone.now()
        user.save(update_fields=["last_login", "updated_at"])
        if client_id:
            customer_identified.send(sender=User, user=user, client_id=client_id)
    return user


# --- JWT --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    access_expires_in: int
    refresh_token: str
    refresh_expires_in: int


def tokens_issue(*, user: User) -> TokenPair:
    refresh = RefreshToken.for_user(user)
    return TokenPair(
        access_token=str(refresh.access_token),
        access_expires_in=int(jwt_settings.ACCESS_TOKEN_LIFETIME.total_seconds()),
        refresh_token=str(refresh),
        refresh_expires_in=int(jwt_settings.REFRESH_TOKEN_LIFETIME.total_seconds()),
    )


def _decode_refresh(token: str) -> dict[str, Any]:
    try:
        payload = token_backend.decode(token, verify=True)
    except TokenBackendError as exc:
        raise TokenInvalid() from exc
    if payload.get(jwt_settings.TOKEN_TYPE_CLAIM) != "refresh" or "jti" not in payload:
        raise TokenInvalid()
    return payload


def tokens_refresh(*, refresh_token: str) -> TokenPair:
    """Rotate: the presented refresh token is spent, a new pair is issued.

    Presenting a spent token again means it was copied: every outstanding refresh token
    of that user is revoked, and the caller gets 401.
    """
    payload = _decode_refresh(refresh_token)
    reused = False
    with transaction.atomic():
        outstanding = OutstandingToken.objects.select_for_update().filter(jti=payload["jti"]).first()
        if outstanding is None:
            raise TokenInvalid()
        if BlacklistedToken.objects.filter(token=outstanding).exists():
            reused = SpentRefreshToken.objects.filter(jti=outstanding.jti).exists()
            if not reused:
                raise TokenInvalid()
        else:
            user = User.objects.filter(
                pk=payload[jwt_settings.USER_ID_CLAIM], is_active=True, is_deleted=False
            ).first()
            if user is None:
                raise TokenInvalid()
            BlacklistedToken.objects.create(token=outstanding)
            SpentRefreshToken.objects.create(jti=outstanding.jti, user=user)
            pair = tokens_issue(user=user)
    if reused:
        tokens_revoke_all(user_id=outstanding.user_id)
        raise TokenInvalid()
    return pair


def tokens_revoke(*, refresh_token: str) -> None:
    """Logout. Idempotent: a spent or expired token is simply already dead."""
    try:
        payload = token_backend.decode(refresh_token, verify=True)
    except TokenBackendExpiredToken:
        return
    except TokenBackendError as exc:
        raise TokenInvalid() from exc
    if payload.get(jwt_settings.TOKEN_TYPE_CLAIM) != "refresh":
        raise TokenInvalid()
    outstanding = OutstandingToken.objects.filter(jti=payload.get("jti")).first()
    if outstanding is not None:
        BlacklistedToken.objects.get_or_create(token=outstanding)


def tokens_revoke_all(*, user_id: int, except_jti: str | None = None) -> int:
    """Blacklist every refresh token of the user that is not already blacklisted."""
    alive = OutstandingToken.objects.filter(user_id=user_id, blacklistedtoken__isnull=True)
    if except_jti:
        alive = alive.exclude(jti=except_jti)
    created = BlacklistedToken.objects.bulk_create(
        [BlacklistedToken(token=token) for token in alive], ignore_conflicts=True
    )
    return len(created)


# --- profile ----------------------------------------------------------------------------


def user_update_profile(
    *,
    user: User,
    first_name: str | None = None,
    last_name: str | None = None,
    email: str | None = None,
    marketing_opt_in: bool | None = None,
) -> User:
    """Change profile fields. A new email must be free (409) and is no longer verified."""
    changed: list[str] = []
    with transaction.atomic():
        if first_name is not None:
            user.first_name = first_name
            changed.append("first_name")
        if last_name is not None:
            user.last_name = last_name
            changed.append("last_name")
        if marketing_opt_in is not None:
            user.marketing_opt_in = marketing_opt_in
            changed.append("marketing_opt_in")
        if email is not None:
            email = normalize_email(email)
            if email != user.email:
                if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
                    raise EmailTaken()
                user.email = email
                user.is_email_verified = False
                changed += ["email", "is_email_verified"]
        if changed:
            try:
                with transaction.atomic():
                    user.save(update_fields=[*changed, "updated_at"])
            except IntegrityError as exc:
                raise EmailTaken() from exc
    return user


def user_soft_delete(*, user: User) -> None:
    """The customer can no longer log in; their orders stay; their tokens die."""
    with transaction.atomic():
        user.is_deleted = True
        user.is_active = False
        user.deleted_at = timezone.now()
        user.save(update_fields=["is_deleted", "is_active", "deleted_at", "updated_at"])
        tokens_revoke_all(user_id=user.pk)


# --- passwords --------------------------------------------------------------------------


def _password_set(*, user: User, new_password: str, keep_jti: str | None = None) -> None:
    password_validate(password=new_password, user=user)
    user.set_password(new_password)
    user.save(update_fields=["password", "password_changed_at", "updated_at"])
    PasswordResetToken.objects.filter(user=user, used_at__isnull=True).update(used_at=timezone.now())
    tokens_revoke_all(user_id=user.pk, except_jti=keep_jti)


def password_change(*, user: User, current_password: str, new_password: str) -> None:
    if not user.check_password(current_password):
        raise WrongCurrentPassword()
    with transaction.atomic():
        _password_set(user=user, new_password=new_password)


def password_reset_request(*, email: str | None = None, phone: str | None = None) -> None:
    """Send a reset link if the account exists; callers answer the same either way."""
    user = _find_active_user(email=email, phone=phone)
    if user is None:
        return
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        PasswordResetToken.objects.create(
            user=user,
            token_hash=hashlib.sha256(token.encode()).hexdigest(),
            expires_at=timezone.now() + RESET_TOKEN_TTL,
        )
        messaging.send_password_reset(user=user, token=token, via="sms" if phone and not email else "email")


def password_reset_confirm(*, token: str, new_password: str) -> User:
    """Single use, 30 minutes, dead after any password change. 404 if the user is gone."""
    token_hash = hashlib.sha256(token.encode()).hexdigest()
    with transaction.atomic():
        reset = (
            PasswordResetToken.objects.select_for_update()
            .select_related("user")
            .filter(token_hash=token_hash)
            .first()
        )
        now = timezone.now()
        if reset is None or reset.used_at is not None or reset.expires_at <= now:
            raise ResetTokenInvalid()
        user = reset.user
        if user.password_changed_at and user.password_changed_at > reset.created_at:
            raise ResetTokenInvalid()
        if user.is_deleted or not user.is_active:
            raise UserNotFound()
        reset.used_at = now
        reset.save(update_fields=["used_at"])
        _password_set(user=user, new_password=new_password)
    return user


# --- verification codes ----------------------------------------------------------------------


def verification_send(*, channel: str, target: str) -> None:
    """Send a 6-digit code to an account's email or phone; silent when there is none."""
    if channel == VerificationChannel.EMAIL:
        target = normalize_email(target)
        user = _find_active_user(email=target)
    else:
        try:
            target = normalize_phone(target)
        except InvalidPhone:
            return
        user = _find_active_user(phone=target)
    if user is None:
        return
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        # A new code replaces the old ones.
        VerificationCode.objects.filter(channel=channel, target=target, consumed_at__isnull=True).update(
            consumed_at=timezone.now()
        )
        VerificationCode.objects.create(
            user=user,
            channel=channel,
            target=target,
            code_hash=_hash_secret(f"{channel}:{target}:{code}"),
            expires_at=timezone.now() + VERIFICATION_CODE_TTL,
        )
        messaging.send_verification_code(user=user, channel=channel, target=target, code=code)


def verification_confirm(*, channel: str, target: str, code: str) -> User:
    if channel == VerificationChannel.EMAIL:
        target = normalize_email(target)
    else:
        try:
            target = normalize_phone(target)
        except InvalidPhone as exc:
            raise VerificationCodeInvalid() from exc
    with transaction.atomic():
        record = (
            VerificationCode.objects.select_for_update()
            .select_related("user")
            .filter(channel=channel, target=target, consumed_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if (
            record is None
            or record.expires_at <= timezone.now()
            or record.attempts >= VERIFICATION_MAX_ATTEMPTS
        ):
            raise VerificationCodeInvalid()
        if not hmac.compare_digest(record.code_hash, _hash_secret(f"{channel}:{target}:{code}")):
            record.attempts += 1
            record.save(update_fields=["attempts"])
            failed = True
        else:
            failed = False
            record.consumed_at = timezone.now()
            record.save(update_fields=["consumed_at"])
            user = record.user
            field = "is_email_verified" if channel == VerificationChannel.EMAIL else "is_phone_verified"
            setattr(user, field, True)
            user.save(update_fields=[field, "updated_at"])
    if failed:
        # Raised after commit so the attempt counts.
        raise VerificationCodeInvalid()
    return user


# --- addresses ----------------------------------------------------------------------------

ADDRESS_FIELDS = (
    "name",
    "phone",
    "country",
    "region",
    "city",
    "street",
    "building",
    "apartment",
    "postal_code",
)


def _address_make_default(*, user: User, address: Address) -> None:
    Address.objects.filter(user=user, is_default=True).exclude(pk=address.pk).update(is_default=False)
    if not address.is_default:
        address.is_default = True
        address.save(update_fields=["is_default", "updated_at"])


def address_create(*, user: User, data: dict[str, Any]) -> Address:
    """Add an address; the first one, or one sent with isDefault, becomes the default."""
    with transaction.atomic():
        # Lock the user row: default-flag changes for one user are serialized.
        User.objects.select_for_update().filter(pk=user.pk).first()
        make_default = bool(data.get("is_default")) or not Address.objects.filter(user=user).exists()
        address = Address.objects.create(
            user=user, **{key: data[key] for key in ADDRESS_FIELDS if key in data}
        )
        if make_default:
            _address_make_default(user=user, address=address)
    return address


def address_update(*, user: User, address_id: int, data: dict[str, Any]) -> Address:
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        address = Address.objects.filter(user=user, pk=address_id).first()
        if address is None:
            raise AddressNotFound()
        for key in ADDRESS_FIELDS:
            if key in data:
                setattr(address, key, data[key])
        address.save()
        if data.get("is_default"):
            _address_make_default(user=user, address=address)
    return address


def address_delete(*, user: User, address_id: int) -> None:
    """Delete; if it was the default, the oldest remaining address takes its place."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        address = Address.objects.filter(user=user, pk=address_id).first()
        if address is None:
            raise AddressNotFound()
        was_default = address.is_default
        address.delete()
        if was_default:
            successor = Address.objects.filter(user=user).order_by("id").first()
            if successor is not None:
                _address_make_default(user=user, address=successor)


# --- the back office: customers ------------------------------------------------------------


def customer_create(
    *,
    phone: str | None = None,
    email: str | None = None,
    first_name: str = "",
    last_name: str = "",
    birthday: date | None = None,
    gender: str = "",
    city_id: int | None = None,
) -> User:
    """A customer made by staff: no password (they set one through the reset flow).

    Raises ContactRequired (400) without a phone and an email, EmailTaken/PhoneTaken (409).
    """
    email = normalize_email(email) if email else None
    phone = normalize_phone(phone) if phone else None
    if not email and not phone:
        raise ContactRequired()
    try:
        with transaction.atomic():
            if email and User.objects.filter(email__iexact=email).exists():
                raise EmailTaken()
            if phone and User.objects.filter(phone=phone).exists():
                raise PhoneTaken()
            user = User(
                email=email,
                phone=phone,
                first_name=first_name,
                last_name=last_name,
                birthday=birthday,
                gender=gender,
                city_id=city_id,
            )
            user.set_unusable_password()
            user.save()
    except IntegrityError as exc:
        # A concurrent write took the email or phone between our check and the insert.
        if email and User.objects.filter(email__iexact=email).exists():
            raise EmailTaken() from exc
        raise PhoneTaken() from exc
    return user


def customer_update(*, customer_id: int, data: dict[str, Any]) -> User:
    """Change a customer's fields; keys present in `data` are changed, None clears a field.

    Keys: phone, email, first_name, last_name, birthday, gender, city_id. A new phone or
    email must be free (409) and is not verified yet; at least one of them must remain (400).
    Raises UserNotFound for staff, deleted or absent users.
    """
    with transaction.atomic():
        # The row lock serializes two staff edits of one customer (no lost update).
        user = (
            User.objects.select_for_update().filter(pk=customer_id, is_staff=False, is_deleted=False).first()
        )
        if user is None:
            raise UserNotFound()
        changed: list[str] = []
        if "email" in data:
            email = normalize_email(data["email"]) if data["email"] else None
            if email != user.email:
                if email and User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
                    raise EmailTaken()
                user.email = email
                user.is_email_verified = False
                changed += ["email", "is_email_verified"]
        if "phone" in data:
            phone = normalize_phone(data["phone"]) if data["phone"] else None
            if phone != user.phone:
                if phone and User.objects.filter(phone=phone).exclude(pk=user.pk).exists():
                    raise PhoneTaken()
                user.phone = phone
                user.is_phone_verified = False
                changed += ["phone", "is_phone_verified"]
        if not user.email and not user.phone:
            raise ContactRequired()
        for field in ("first_name", "last_name", "gender"):
            if field in data:
                setattr(user, field, data[field] or "")
                changed.append(field)
        for field in ("birthday", "city_id"):
            if field in data:
                setattr(user, field, data[field])
                changed.append(field)
        if changed:
            try:
                with transaction.atomic():
                    user.save(update_fields=[*changed, "updated_at"])
            except IntegrityError as exc:
                if user.email and User.objects.filter(email__iexact=user.email).exclude(pk=user.pk).exists():
                    raise EmailTaken() from exc
                raise PhoneTaken() from exc
    return user
