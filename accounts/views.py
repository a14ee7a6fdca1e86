"""Account pages: register, log in/out, password reset, profile, verification, address book.

Each view parses its form, calls one service, and renders or redirects; the services'
refusals come back as errors beside the fields they concern.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login as session_login
from django.contrib.auth import logout as session_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.exceptions import (
    AddressNotFound,
    EmailTaken,
    InvalidCredentials,
    PasswordWeak,
    PhoneTaken,
    ResetTokenInvalid,
    UserNotFound,
    VerificationCodeInvalid,
    WrongCurrentPassword,
)
from accounts.forms import (
    AddressForm,
    ForgotPasswordForm,
    LoginForm,
    PasswordChangeForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
    VerificationCodeForm,
)
from accounts.models import Address, User, VerificationChannel
from accounts.throttles import (
    LOGIN_THROTTLES,
    PASSWORD_RESET_THROTTLES,
    REGISTER_THROTTLES,
    VERIFY_SEND_THROTTLES,
)
from config.pages import client_id_for, form_add_domain_error, safe_next, throttle_wait
from orders.cart import Cart

SESSION_BACKEND = "accounts.backends.EmailOrPhoneBackend"
# What belongs to the browser rather than to the account: kept across login and logout.
BROWSER_SESSION_KEYS = ("client_id", "placed_orders")


def _throttled_message(wait: int) -> str:
    return _("Too many attempts. Try again in %(seconds)s seconds.") % {"seconds": wait}


def session_login_keeping_cart(request: HttpRequest, user: User) -> None:
    """Log in and keep this browser's cart and clientId.

    `login()` keeps the session data when the session had no user (it only rotates the key);
    when another account was logged in it flushes the session, so the cart is carried over.
    """
    cart = Cart(request.session).export()
    kept = {key: request.session[key] for key in BROWSER_SESSION_KEYS if key in request.session}
    session_login(request, user, backend=SESSION_BACKEND)
    for key, value in kept.items():
        request.session.setdefault(key, value)
    if cart and not len(Cart(request.session)):
        Cart(request.session).merge(cart)


# --- register, log in, log out -------------------------------------------------------------


def register_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("shop:profile")
    form = RegisterForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        wait = throttle_wait(request, REGISTER_THROTTLES, {})
        if wait:
            form.is_valid()
            form.add_error(None, _throttled_message(wait))
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            first_name, last_name = services.split_name(data["name"])
            try:
                user = services.user_register(
                    email=data["email"],
                    phone=data["phone"],
                    password=data["password"],
                    first_name=first_name,
                    last_name=last_name,
                    marketing_opt_in=data["marketing_opt_in"],
                    client_id=client_id_for(request),
                    language=translation.get_language() or "uk",
                )
            except EmailTaken as exc:
                form_add_domain_error(form, exc, field="email")
            except PhoneTaken as exc:
                form_add_domain_error(form, exc, field="phone")
            except PasswordWeak as exc:
                form_add_domain_error(form, exc, field="password")
            else:
                session_login_keeping_cart(request, user)
                messages.success(request, _("Welcome! Your account is ready."))
                return redirect(safe_next(request, reverse("shop:profile")))
        if status == 200:
            status = 400
    return render(
        request, "shop/account/register.html", {"form": form, "next": safe_next(request, "")}, status=status
    )


def login_view(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request, "")
    if request.user.is_authenticated and request.method != "POST":
        return redirect(next_url or reverse("shop:profile"))
    form = LoginForm(request.POST if request.method == "POST" else None, initial={"next": next_url})
    status = 200
    if request.method == "POST":
        wait = throttle_wait(request, LOGIN_THROTTLES, {"login": request.POST.get("login", "")})
        if wait:
            form.is_valid()
            form.add_error(None, _throttled_message(wait))
            status = 429
        elif form.is_valid():
            try:
                user = services.user_authenticate(
                    login=form.cleaned_data["login"].strip(), password=form.cleaned_data["password"]
                )
            except InvalidCredentials as exc:
                # Beside neither field: which of the two was wrong is not to be told.
                form_add_domain_error(form, exc)
            else:
                services.user_record_login(user=user, client_id=client_id_for(request))
                session_login_keeping_cart(request, user)
                return redirect(safe_next(request, reverse("shop:profile"), value=form.cleaned_data["next"]))
        if status == 200:
            status = 400
    return render(request, "shop/account/login.html", {"form": form, "next": next_url}, status=status)


def logout_view(request: HttpRequest) -> HttpResponse:
    """GET asks (a link may not log anyone out); POST logs out and empties the session."""
    if request.method == "POST":
        kept = {key: request.session[key] for key in ("client_id",) if key in request.session}
        session_logout(request)
        request.session.update(kept)
        messages.info(request, _("You have logged out."))
        return redirect("shop:home")
    return render(request, "shop/account/logout.html")


# --- passwords -------------------------------------------------------------------------


def forgot_password_view(request: HttpRequest) -> HttpResponse:
    form = ForgotPasswordForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        wait = throttle_wait(request, PASSWORD_RESET_THROTTLES, {"email": request.POST.get("email", "")})
        if wait:
            form.is_valid()
            form.add_error(None, _throttled_message(wait))
            status = 429
        elif form.is_valid():
            services.password_reset_request(email=form.cleaned_data["email"])
            # The same answer whether or not the email has an account.
            return redirect(reverse("shop:forgot-password") + "?sent=1")
        else:
            status = 400
    return render(
        request,
        "shop/account/forgot_password.html",
        {"form": form, "sent": request.method == "GET" and request.GET.get("sent") == "1"},
        status=status,
    )


def reset_password_view(request: HttpRequest) -> HttpResponse:
    token = request.GET.get("token", "")
    form = ResetPasswordForm(request.POST if request.method == "POST" else None, initial={"token": token})
    status = 200
    if request.method == "POST":
        wait = throttle_wait(request, PASSWORD_RESET_THROTTLES, {})
        if wait:
            form.is_valid()
            form.add_error(None, _throttled_message(wait))
            status = 429
        elif form.is_valid():
            try:
                services.password_reset_confirm(
                    token=form.cleaned_data["token"], new_password=form.cleaned_data["new_password"]
                )
            except PasswordWeak as exc:
                form_add_domain_error(form, exc, field="new_password", field_map={"password": "new_password"})
            except (ResetTokenInvalid, UserNotFound):
                form.add_error(
                    None,
                    _("This reset link is invalid, expired or already used. Ask for a new one."),
                )
            else:
                messages.success(request, _("Your password has been changed. Log in with the new one."))
                return redirect("shop:login")
        if status == 200:
            status = 400
    has_token = bool(token or request.POST.get("token"))
    return render(
        request, "shop/account/reset_password.html", {"form": form, "has_token": has_token}, status=status
    )


# --- profile ---------------------------------------------------------------------------


@login_required
def profile_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "shop/account/profile.html",
        {"addresses": selectors.address_list_for_user(user=request.user)[:1], "section": "profile"},
    )


@login_required
def profile_edit_view(request: HttpRequest) -> HttpResponse:
    user: User = request.user
    form = ProfileForm(
        request.POST if request.method == "POST" else None,
        initial={"name": user.name, "email": user.email or "", "marketing_opt_in": user.marketing_opt_in},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            first_name, last_name = services.split_name(data["name"])
            try:
                services.user_update_profile(
                    user=user,
                    first_name=first_name,
                    last_name=last_name,
                    email=data["email"] or None,
                    marketing_opt_in=data["marketing_opt_in"],
                )
            except EmailTaken as exc:
                user.refresh_from_db()
                form_add_domain_error(form, exc, field="email")
            else:
                messages.success(request, _("Your profile has been saved."))
                return redirect("shop:profile")
        status = 400
    return render(
        request, "shop/account/profile_edit.html", {"form": form, "section": "profile"}, status=status
    )


@login_required
def password_change_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.password_change(
                    user=request.user,
                    current_password=form.cleaned_data["current_password"],
                    new_password=form.cleaned_data["new_password"],
                )
            except WrongCurrentPassword as exc:
                form_add_domain_error(form, exc, field="current_password")
            except PasswordWeak as exc:
                request.user.refresh_from_db()
                form_add_domain_error(form, exc, field="new_password", field_map={"password": "new_password"})
            else:
                # The session stays valid with the new password hash.
                update_session_auth_hash(request, request.user)
                messages.success(request, _("Your password has been changed."))
                return redirect("shop:profile")
        status = 400
    return render(request, "shop/account/password.html", {"form": form, "section": "password"}, status=status)


# --- verification ----------------------------------------------------------------------


def _verification_target(user: User, channel: str) -> tuple[str, bool]:
    if channel == VerificationChannel.EMAIL:
        return user.email or "", user.is_email_verified
    if channel == VerificationChannel.PHONE:
        return user.phone or "", user.is_phone_verified
    raise Http404


@login_required
def verify_view(request: HttpRequest, channel: str) -> HttpResponse:
    """Send a code to the account's email/phone (`action=send`), then confirm it."""
    target, verified = _verification_target(request.user, channel)
    if not target:
        raise Http404
    form = VerificationCodeForm(request.POST if request.POST.get("action") == "confirm" else None)
    status = 200
    if request.method == "POST" and not verified:
        if request.POST.get("action") == "send":
            wait = throttle_wait(request, VERIFY_SEND_THROTTLES, {channel: target})
            if wait:
                messages.error(request, _throttled_message(wait))
            else:
                services.verification_send(channel=channel, target=target)
                request.session[f"verification_sent_{channel}"] = True
                messages.success(request, _("We have sent a code to %(target)s.") % {"target": target})
            return redirect("shop:verify", channel=channel)
        if form.is_valid():
            try:
                services.verification_confirm(channel=channel, target=target, code=form.cleaned_data["code"])
            except VerificationCodeInvalid as exc:
                form_add_domain_error(form, exc, field="code")
            else:
                request.session.pop(f"verification_sent_{channel}", None)
                messages.success(request, _("Thank you, %(target)s is verified.") % {"target": target})
                return redirect("shop:profile")
        status = 400
    return render(
        request,
        "shop/account/verify.html",
        {
            "form": form,
            "channel": channel,
            "target": target,
            "verified": verified,
            "sent": request.session.get(f"verification_sent_{channel}", False),
            "section": "profile",
        },
        status=status,
    )


# --- address book --------------------------------------------------------------------------


def _address_initial(address: Address) -> dict[str, Any]:
    return {name: getattr(address, name) for name in (*services.ADDRESS_FIELDS, "is_default")}


@login_required
def addresses_view(request: HttpRequest) -> HttpResponse:
    user: User = request.user
    form = AddressForm(
        request.POST if request.method == "POST" else None,
        initial={"name": user.name, "phone": user.phone or ""},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            services.address_create(user=user, data=form.cleaned_data)
            messages.success(request, _("The address has been added."))
            return redirect("shop:addresses")
        status = 400
    return render(
        request,
        "shop/account/addresses.html",
        {"form": form, "addresses": selectors.address_list_for_user(user=user), "section": "addresses"},
        status=status,
    )


@login_required
def address_edit_view(request: HttpRequest, address_id: int) -> HttpResponse:
    try:
        address = selectors.address_get_for_user(user=request.user, address_id=address_id)
    except AddressNotFound as exc:
        raise Http404 from exc
    form = AddressForm(request.POST if request.method == "POST" else None, initial=_address_initial(address))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            services.address_update(user=request.user, address_id=address.pk, data=form.cleaned_data)
            messages.success(request, _("The address has been saved."))
            return redirect("shop:addresses")
        status = 400
    return render(
        request,
        "shop/account/address_edit.html",
        {"form": form, "address": address, "section": "addresses"},
        status=status,
    )


@login_required
@require_POST
def address_delete_view(request: HttpRequest, address_id: int) -> HttpResponse:
    try:
        services.address_delete(user=request.user, address_id=address_id)
    except AddressNotFound as exc:
        raise Http404 from exc
    messages.success(request, _("The address has been deleted."))
    return redirect("shop:addresses")


@login_required
@require_POST
def address_default_view(request: HttpRequest, address_id: int) -> HttpResponse:
    try:
        services.address_update(user=request.user, address_id=address_id, data={"is_default": True})
    except AddressNotFound as exc:
        raise Http404 from exc
    messages.success(request, _("The default address has been changed."))
    return redirect("shop:addresses")
