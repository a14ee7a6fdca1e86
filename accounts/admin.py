from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import services
from accounts.models import Address, ImportRun, User


class AddressInline(admin.TabularInline):
    model = Address
    extra = 0
    fields = (
        "name",
        "phone",
        "country",
        "city",
        "street",
        "building",
        "apartment",
        "postal_code",
        "is_default",
    )


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "phone")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    ordering = ("-created_at",)
    list_display = (
        "id",
        "email",
        "phone",
        "first_name",
        "last_name",
        "is_staff",
        "is_active",
        "is_deleted",
        "created_at",
    )
    # No relation is shown in the list; nothing to join, and the query count stays one per page.
    list_select_related = ()
    list_filter = (
        "is_staff",
        "is_active",
        "is_deleted",
        "is_email_verified",
        "is_phone_verified",
        "marketing_opt_in",
    )
    search_fields = ("email", "phone", "first_name", "last_name")
    show_full_result_count = False
    readonly_fields = (
        "last_login",
        "created_at",
        "updated_at",
        "password_changed_at",
        "deleted_at",
        "orders_link",
        "favorites_link",
    )
    inlines = [AddressInline]
    actions = ["soft_delete_customers"]

    def get_inlines(self, request, obj):
        return self.inlines if obj else []  # the add form is only email/phone/password

    # The hash itself is never shown: Django's widget displays only the algorithm and a link.
    fieldsets = (
        (None, {"fields": ("email", "phone", "password")}),
        (
            _("Personal info"),
            {
                "fields": (
                    "first_name",
                    "last_name",
                    "birthday",
                    "gender",
                    "city_id",
                    "language",
                    "marketing_opt_in",
                )
            },
        ),
        (_("Activity"), {"fields": ("orders_link", "favorites_link")}),
        (_("Verification"), {"fields": ("is_email_verified", "is_phone_verified")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_deleted", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (
            _("Dates"),
            {"fields": ("last_login", "password_changed_at", "deleted_at", "created_at", "updated_at")},
        ),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "phone", "password1", "password2")}),)

    # Links rather than inlines: a customer can have many orders, and the order admin has
    # the filters, search and actions for them already.
    @admin.display(description=_("orders"))
    def orders_link(self, user: User) -> str:
        url = reverse("admin:orders_order_changelist") + f"?customer__id__exact={user.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Orders of this customer"))

    @admin.display(description=_("favorites"))
    def favorites_link(self, user: User) -> str:
        url = reverse("admin:favorites_favorite_changelist") + f"?user__id__exact={user.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Favorites of this customer"))

    @admin.action(description=_("Soft-delete selected customers (no login, tokens revoked, orders kept)"))
    def soft_delete_customers(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        done = 0
        for user in queryset.filter(is_deleted=False):
            if user.pk == request.user.pk:
                messages.error(request, _("You cannot delete your own account."))
                continue
            services.user_soft_delete(user=user)
            done += 1
        if done:
            messages.success(
                request,
                ngettext("%(count)d customer deleted.", "%(count)d customers deleted.", done)
                % {"count": done},
            )


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "name", "phone", "country", "city", "street", "is_default")
    list_filter = ("country", "is_default")
    search_fields = ("name", "phone", "city", "street", "user__email", "user__phone")
    list_select_related = ("user",)
    raw_id_fields = ("user",)


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """The history of customer imports; runs are started by the API or the command, not here."""

    list_display = (
        "created_at",
        "status",
        "source",
        "dry_run",
        "read_count",
        "created_count",
        "updated_count",
        "unchanged_count",
        "skipped_count",
        "finished_at",
        "requested_by",
    )
    list_filter = ("status", "source", "dry_run")
    list_select_related = ("requested_by",)
    show_full_result_count = False
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ImportRun | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ImportRun | None = None) -> bool:
        return False
