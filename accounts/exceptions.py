from django.utils.translation import gettext_lazy as _

from config.errors import Conflict, DomainError, NotFound


class InvalidCredentials(DomainError):
    status_code = 401
    code = "auth.invalidCredentials"
    default_message = _("Invalid login or password")


class EmailTaken(Conflict):
    code = "auth.emailTaken"
    default_message = _("Email is already taken")


class PhoneTaken(Conflict):
    code = "auth.phoneTaken"
    default_message = _("Phone is already registered")


class PasswordWeak(DomainError):
    status_code = 400
    code = "auth.passwordWeak"
    default_message = _("Password is too weak")


class TokenInvalid(DomainError):
    """A refresh/access token that cannot be used (401 on the token endpoints)."""

    status_code = 401
    code = "auth.tokenInvalid"
    default_message = _("Token is invalid or expired")


class ResetTokenInvalid(DomainError):
    status_code = 400
    code = "auth.tokenInvalid"
    default_message = _("The reset token is invalid, expired or already used")


class VerificationCodeInvalid(DomainError):
    status_code = 400
    code = "auth.codeInvalid"
    default_message = _("The code is invalid or expired")


class WrongCurrentPassword(DomainError):
    status_code = 400
    code = "auth.wrongPassword"
    default_message = _("The current password is wrong")


class UserNotFound(NotFound):
    default_message = _("Customer not found")


class AddressNotFound(NotFound):
    default_message = _("Address not found")
