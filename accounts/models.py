from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.phones import InvalidPhone, normalize_phone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str | None, phone: str | None, password: str | None, **extra: Any) -> User:
        if not email and not phone:
            raise ValueError("A user needs an email or a phone")
        user = self.model(
            email=self.normalize_email(email).lower() if email else None,
            phone=normalize_phone(phone) if phone else None,
            **extra,
        )
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(
        self, email: str | None = None, password: str | None = None, *, phone: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, phone, password, **extra)

    def create_superuser(self, email: str | None = None, password: str | None = None, **extra: Any) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        phone = extra.pop("phone", None)
        return self._create_user(email, phone, password, **extra)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class User(AbstractBaseUser, PermissionsMixin):
    """A customer or a staff member. Signs in with an email or a phone (at least one)."""

    email = models.EmailField(_("email"), max_length=254, unique=True, null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, unique=True, null=True, blank=True)
    first_name = models.CharField(_("first name"), max_length=120, blank=True)
    last_name = models.CharField(_("last name"), max_length=120, blank=True)
    is_email_verified = models.BooleanField(_("email verified"), default=False)
    is_phone_verified = models.BooleanField(_("phone verified"), default=False)
    marketing_opt_in = models.BooleanField(_("marketing opt-in"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    is_deleted = models.BooleanField(_("deleted"), default=False)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, default="uk")
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    # Blank when unknown (rendered as null), like the names.
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True, default="")
    # The legacy customers service's city directory id; there is no City model here (yet).
    city_id = models.PositiveIntegerField(_("city id"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(email__isnull=False) | Q(phone__isnull=False),
                name="user_has_email_or_phone",
            ),
            models.UniqueConstraint(
                Lower("email"), name="user_email_ci_unique", condition=Q(email__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return self.email or self.phone or f"user #{self.pk}"

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        # Reset tokens issued before this moment die with the old password.
        self.password_changed_at = timezone.now()

    def clean(self) -> None:
        super().clean()
        if self.phone:
            try:
                self.phone = normalize_phone(self.phone)
            except InvalidPhone as exc:
                raise ValidationError({"phone": _("Enter a valid phone number.")}) from exc

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Blank contacts are NULL (unique only when present); emails compare case-insensitively.
        self.email = self.email.strip().lower() if self.email else None
        self.phone = self.phone or None
        super().save(*args, **kwargs)


class Address(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="addresses")
    name = models.CharField(_("name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=20)
    country = models.CharField(_("country"), max_length=2)
    region = models.CharField(_("region"), max_length=120, blank=True)
    city = models.CharField(_("city"), max_length=120)
    street = models.CharField(_("street"), max_length=200)
    building = models.CharField(_("building"), max_length=30, blank=True)
    apartment = models.CharField(_("apartment"), max_length=30, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    is_default = models.BooleanField(_("default"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["-is_default", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(is_default=True), name="address_one_default_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.city}, {self.street} {self.building}".strip()


class PasswordResetToken(models.Model):
    """Only the SHA-256 of the token is stored; the token itself lives in the email."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_reset_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "used_at"])]

    def __str__(self) -> str:
        return f"reset token #{self.pk} for user #{self.user_id}"


class VerificationChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")


class VerificationCode(models.Model):
    """A 6-digit code sent to an address; stored as an HMAC, limited in time and attempts."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="verification_codes")
    channel = models.CharField(max_length=8, choices=VerificationChannel.choices)
    target = models.CharField(max_length=254)
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    consumed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["channel", "target", "consumed_at"])]

    def __str__(self) -> str:
        return f"{self.channel} code for {self.target}"


class SpentRefreshToken(models.Model):
    """A refresh token that was exchanged for a new pair (rotation).

    simplejwt's blacklist says a token is dead, not why. Presenting a token that was
    *rotated* means a copy is in someone else's hands (revoke everything); presenting one
    revoked by logout or a password change is merely stale.
    """

    jti = models.CharField(max_length=255, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    spent_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.jti


class ImportRunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class ImportSourceKind(models.TextChoices):
    LEGACY_DATABASE = "legacy", _("Legacy database")
    FILE = "file", _("File")


class ImportRun(models.Model):
    """One run of the legacy customer import: its progress while it runs, its summary after.

    The id is the Celery task id. The run lives in the database rather than in a Celery
    result backend because the embedded default has none, and so staff see the history.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=ImportRunStatus.choices, default=ImportRunStatus.QUEUED
    )
    source = models.CharField(_("source"), max_length=16, choices=ImportSourceKind.choices)
    file_path = models.CharField(_("file"), max_length=1024, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    batch_size = models.PositiveIntegerField(_("batch size"))
    total = models.PositiveIntegerField(_("rows in the source"), null=True, blank=True)
    read_count = models.PositiveIntegerField(_("read"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)
    # [{"row", "code", "reason"}], the first IMPORT_SKIPPED_ROWS_KEPT of them.
    skipped_rows = models.JSONField(_("skipped rows"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("customer import run")
        verbose_name_plural = _("customer import runs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.created_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"
