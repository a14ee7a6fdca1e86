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


class ContactRequired(DomainError):
    """A customer must keep an email or a phone: it is how they sign in and how we reach them."""

    status_code = 400
    code = "validation"
    default_message = _("A customer needs a phone or an email")


class ImportRunNotFound(NotFound):
    default_message = _("Import run not found")


class ImportSourceNotConfigured(Conflict):
    # 409, not 503: nothing is down and retrying will not help; the server is in a state
    # (no LEGACY_DATABASE_URL) where this request cannot be done until ops configure it.
    code = "import.sourceNotConfigured"
    default_message = _("The legacy database is not configured (LEGACY_DATABASE_URL)")


class ImportSourceUnavailable(DomainError):
    status_code = 503
    code = "import.sourceUnavailable"
    default_message = _("The import source cannot be reached")


class ImportSourceInvalid(DomainError):
    status_code = 400
    code = "import.sourceInvalid"
    default_message = _("The import source cannot be read")
