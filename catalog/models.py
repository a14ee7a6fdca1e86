from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CYCLE_MESSAGE = _("A category cannot be moved under itself or its descendant.")


class Category(models.Model):
    """A node of the category tree. `path` ("/1/4/9/") makes "this and below" one indexed filter."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=True)
    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    # db_index on PostgreSQL also builds a varchar_pattern_ops twin, so `LIKE '/1/4/%'` uses it.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The path holds the id, which an INSERT only learns afterwards: save, then set it.
        # Paths are read from the database, not from possibly stale in-memory parents.
        with transaction.atomic():
            old_path = ""
            if self.pk:
                old_path = Category.objects.filter(pk=self.pk).values_list("path", flat=True).first() or ""
                if self.parent_id and self._is_self_or_descendant(self.parent_id):
                    raise ValidationError(CYCLE_MESSAGE)
            super().save(*args, **kwargs)
            parent_path = "/"
            if self.parent_id:
                parent_path = Category.objects.filter(pk=self.parent_id).values_list("path", flat=True).get()
            new_path = f"{parent_path}{self.pk}/"
            if new_path != old_path:
                Category.objects.filter(pk=self.pk).update(path=new_path)
                if old_path:
                    # The subtree moves with it: swap the old prefix for the new one in SQL.
                    Category.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                        path=Concat(Value(new_path), Substr("path", len(old_path) + 1))
                    )
            self.path = new_path

    def clean(self) -> None:
        if self.pk and self.parent_id and self._is_self_or_descendant(self.parent_id):
            raise ValidationError({"parent": CYCLE_MESSAGE})

    def _is_self_or_descendant(self, category_id: int) -> bool:
        if category_id == self.pk:
            return True
        path = Category.objects.filter(pk=category_id).values_list("path", flat=True).first() or ""
        return f"/{self.pk}/" in path


class Manufacturer(models.Model):
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=True)
    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("manufacturer")
        verbose_name_plural = _("manufacturers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Country(models.Model):
    code = models.CharField(_("ISO code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=120)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    slug = models.SlugField(_("slug"), max_length=255, unique=True, allow_unicode=True)
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    price = models.DecimalField(
        _("base price"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    # The price after active discounts, kept current by catalog.services.product_prices_refresh
    # (on every product/discount edit and each minute from beat) so that list filters and
    # sorts on the shopper's price run on an index. Responses still price live.
    final_price = models.DecimalField(_("final price"), max_digits=12, decimal_places=2, editable=False)
    currency = models.CharField(_("currency"), max_length=3, default="UAH")
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="products"
    )
    manufacturer = models.ForeignKey(
        Manufacturer, null=True, blank=True, on_delete=models.SET_NULL, related_name="products"
    )
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.SET_NULL, related_name="products"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="products")
    options = models.JSONField(_("variant options"), default=dict, blank=True)
    unit = models.CharField(_("unit"), max_length=20, default="шт")
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    images = models.JSONField(_("images"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        # Every listing filters on is_active and ends with id (stable pages), so each sort
        # has one composite index; the price one also serves priceFrom/priceTo.
        indexes = [
            models.Index(fields=["is_active", "-created_at", "-id"], name="product_active_newest"),
            models.Index(fields=["is_active", "final_price", "id"], name="product_active_price"),
            models.Index(fields=["is_active", "title", "id"], name="product_active_title"),
            # The listing's filters count and page over active products only (bench/EXPLAIN.md).
            models.Index(fields=["category"], condition=Q(is_active=True), name="product_active_category"),
            models.Index(
                fields=["manufacturer", "final_price"],
                condition=Q(is_active=True),
                name="product_active_maker_price",
            ),
            models.Index(fields=["country"], condition=Q(is_active=True), name="product_active_country"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="product_price_non_negative"),
            models.CheckConstraint(condition=Q(final_price__gte=0), name="product_final_price_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A new product starts at its base price; the pricing service applies discounts next.
        if self.final_price is None:
            self.final_price = self.price
        super().save(*args, **kwargs)


class DiscountType(models.TextChoices):
    PERCENT = "percent", _("Percent")
    FIXED = "fixed", _("Fixed amount")


class Discount(models.Model):
    """A percent or fixed discount on products, categories (with their subtree) or manufacturers."""

    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=10, choices=DiscountType.choices)
    value = models.DecimalField(
        _("value"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    products = models.ManyToManyField(Product, blank=True, related_name="discounts")
    categories = models.ManyToManyField(Category, blank=True, related_name="discounts")
    manufacturers = models.ManyToManyField(Manufacturer, blank=True, related_name="discounts")
    is_active = models.BooleanField(_("active"), default=True)
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    priority = models.IntegerField(
        _("priority"), default=0, help_text=_("Lower numbers apply first; ties by id.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("discount")
        verbose_name_plural = _("discounts")
        ordering = ["priority", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(type="percent") | Q(value__lte=100), name="discount_percent_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True) | Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="discount_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must be later than the start.")})
        if self.type == DiscountType.PERCENT and self.value is not None and self.value > 100:
            raise ValidationError({"value": _("A percent discount cannot exceed 100.")})
