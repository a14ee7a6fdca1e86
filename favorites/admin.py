from django.contrib import admin

from favorites.models import Favorite


@admin.register(Favorite)
class FavoriteAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "product", "created_at")
    list_filter = (("created_at", admin.DateFieldListFilter),)
    search_fields = ("=id", "user__email", "user__phone", "product__sku", "product__title")
    list_select_related = ("user", "product")
    raw_id_fields = ("user", "product")
    show_full_result_count = False
    date_hierarchy = "created_at"
    readonly_fields = ("created_at",)
