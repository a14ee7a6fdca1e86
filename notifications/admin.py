"""The outbox in the admin: read-only rows, secrets masked, one action to re-send failures."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from notifications.models import Notification, variables_masked
from notifications.services import notifications_resend_failed


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "event",
        "channel",
        "to",
        "status",
        "attempts",
        "order_id",
        "created_at",
        "sent_at",
    )
    list_filter = ("status", "channel", "event", "kind", "language", "created_at")
    # `order__id__exact` compares the id as text: a non-numeric search term is no error.
    search_fields = ("to", "order__id__exact", "provider_message_id")
    list_select_related = ("order", "user")
    show_full_result_count = False
    ordering = ("-created_at", "-id")
    actions = ["resend_failed"]
    # `variables` is never shown as stored: it may hold a reset token or a one-time code.
    fields = (
        "event",
        "channel",
        "to",
        "language",
        "kind",
        "status",
        "attempts",
        "error_message",
        "provider_message_id",
        "masked_variables",
        "user",
        "order",
        "created_at",
        "updated_at",
        "next_attempt_at",
        "locked_until",
        "sent_at",
    )
    readonly_fields = fields

    @admin.display(description=_("variables"))
    def masked_variables(self, notification: Notification) -> str:
        text = json.dumps(
            variables_masked(notification.variables), ensure_ascii=False, indent=2, sort_keys=True
        )
        return format_html("<pre>{}</pre>", text)

    # Rows are written by the services only; staff look and re-send, never edit.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return False

    def has_resend_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("notifications.change_notification")

    @admin.action(description=_("Re-send the selected failed notifications"), permissions=["resend"])
    def resend_failed(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        selected = list(queryset.values_list("pk", flat=True))
        queued = notifications_resend_failed(ids=selected)
        self.message_user(
            request,
            ngettext(
                "%(count)d failed notification was queued again.",
                "%(count)d failed notifications were queued again.",
                queued,
            )
            % {"count": queued},
            messages.SUCCESS,
        )
        skipped = len(selected) - queued
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d notification was skipped: only failed ones are re-sent, a sent one never.",
                    "%(count)d notifications were skipped: only failed ones are re-sent, a sent one never.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
