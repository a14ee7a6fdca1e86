from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from accounts.models import Address, User


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
    readonly_fields = ("last_login", "created_at", "updated_at", "password_changed_at", "deleted_at")
    inlines = [AddressInline]

    def get_inlines(self, request, obj):
        return self.inlines if obj else []  # the add form is only email/phone/password

    # The hash itself is never shown: Django's widget displays only the algorithm and a link.
    fieldsets = (
        (None, {"fields": ("email", "phone", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "language", "marketing_opt_in")}),
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


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "name", "phone", "country", "city", "street", "is_default")
    list_filter = ("country", "is_default")
    search_fields = ("name", "phone", "city", "street", "user__email", "user__phone")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
