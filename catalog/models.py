from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    """A node of the category tree. `path` ("/1/4/9/") makes "this and below" one indexed filter."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True, allow_unicode=True)
    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


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
    # The price after active discounts, kept current by the pricing service so that list
    # filters and sorts on the shopper's price run on an index.
    final_price = models.DecimalField(_("final price"), max_digits=12, decimal_places=2, db_index=True)
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
        indexes = [
            models.Index(fields=["is_active", "-created_at", "-id"], name="product_active_newest"),
            models.Index(fields=["is_active", "final_price", "id"], name="product_active_price"),
            models.Index(fields=["is_active", "title", "id"], name="product_active_title"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="product_price_non_negative"),
            models.CheckConstraint(condition=Q(final_price__gte=0), name="product_final_price_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.title}"


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
        ]

    def __str__(self) -> str:
        return self.name
