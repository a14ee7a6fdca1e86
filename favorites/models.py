from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Favorite(models.Model):
    """A product a customer marked as a favorite; one row per (customer, product)."""

    # No index of its own: the unique (user, product) index starts with user_id.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="favorites",
        db_index=False,
        verbose_name=_("customer"),
    )
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.CASCADE, related_name="favorited_by", verbose_name=_("product")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("favorite")
        verbose_name_plural = _("favorites")
        constraints = [
            models.UniqueConstraint(fields=["user", "product"], name="favorite_unique_user_product"),
        ]
        indexes = [
            # A customer's list, newest first (the Storefront and v1 pages).
            models.Index(fields=["user", "-created_at", "-id"], name="favorite_user_newest"),
            # The staff filters on created_at (a day, or a range).
            models.Index(fields=["created_at"], name="favorite_created_at"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ♥ {self.product_id}"
