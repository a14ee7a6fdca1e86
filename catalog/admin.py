"""Catalog admin. Every save that can move a price ends in the pricing service."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from catalog.models import Category, Country, Discount, Manufacturer, Product, Tag
from catalog.services import product_prices_refresh
from inventory.admin import StockAdjustForm, StockInline, adjust_stock


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "parent", "position", "is_active", "path")
    list_filter = ("is_active",)
    list_select_related = ("parent",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("path",)
    ordering = ("path",)

    def save_model(self, request: HttpRequest, obj: Category, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # A moved category takes its subtree into (or out of) category discounts.
        if change and "parent" in form.changed_data:
            product_prices_refresh()


@admin.register(Manufacturer)
class ManufacturerAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "code")


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = (
        "sku",
        "title",
        "price",
        "final_price",
        "category",
        "manufacturer",
        "is_active",
        "created_at",
    )
    list_filter = ("is_active", "category", "manufacturer")
    list_select_related = ("category", "manufacturer")
    search_fields = ("sku", "title")
    filter_horizontal = ("tags",)
    readonly_fields = ("final_price", "created_at", "updated_at")
    prepopulated_fields = {"slug": ("title",)}
    # A 100k-row catalog: no COUNT(*) of the whole table on every filtered page.
    show_full_result_count = False
    ordering = ("-created_at", "-id")
    inlines = [StockInline]
    action_form = StockAdjustForm
    actions = ["adjust_selected_stock"]

    @admin.action(description=_("Adjust stock (units and a reason)"))
    def adjust_selected_stock(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        adjust_stock(request, queryset.values_list("pk", flat=True))

    def save_model(self, request: HttpRequest, obj: Product, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        product_prices_refresh(product_ids=[obj.pk])
        obj.refresh_from_db(fields=["final_price"])


@admin.register(Discount)
class DiscountAdmin(admin.ModelAdmin):
    list_display = ("name", "type", "value", "priority", "is_active", "starts_at", "ends_at")
    list_filter = ("is_active", "type")
    search_fields = ("name",)
    filter_horizontal = ("categories", "manufacturers")
    # Products can number in the hundred thousands: a search box, not a two-pane list of all.
    autocomplete_fields = ("products",)
    fieldsets = (
        (None, {"fields": ("name", "type", "value", "priority", "is_active")}),
        (_("Window"), {"fields": ("starts_at", "ends_at")}),
        (_("Targets"), {"fields": ("products", "categories", "manufacturers")}),
    )

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool) -> None:
        # Targets are many-to-many: prices can only be recomputed once they are saved too.
        super().save_related(request, form, formsets, change)
        product_prices_refresh()

    def delete_model(self, request: HttpRequest, obj: Discount) -> None:
        super().delete_model(request, obj)
        product_prices_refresh()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Discount]) -> None:
        super().delete_queryset(request, queryset)
        product_prices_refresh()
