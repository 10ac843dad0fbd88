"""Admin of subscriptions and webhooks: endpoints are administrators' (superusers') alone; logs are read-only."""
from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest

from sources import linkcheck
from subscriptions.models import (
    Subscription,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)


class AdministratorsOnlyMixin:
    """Only superusers see or change these (a webhook secret and where data is sent are theirs to decide)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)


class WebhookEndpointForm(forms.ModelForm):  # type: ignore[type-arg]
    url = forms.URLField(label="URL", max_length=1000, assume_scheme="https",
                         help_text="https の URL。公開されたアドレスにのみ送信します。")
    events = forms.MultipleChoiceField(label="イベント", choices=WebhookEvent.choices,
                                       widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = WebhookEndpoint
        fields = ("url", "description", "events", "is_active")

    def clean_url(self) -> str:
        """Refuse what delivery would refuse: not https (outside loopback tests), or an address that is not public."""
        url: str = self.cleaned_data["url"]
        loopback = settings.WEBHOOK_ALLOW_LOOPBACK
        if not url.lower().startswith("https://") and not loopback:
            raise forms.ValidationError("https の URL を指定してください。")
        reason = linkcheck.refusal(url, allow_loopback=loopback)
        if reason:
            raise forms.ValidationError(f"この URL には送信できません：{reason}")
        return url


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(AdministratorsOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    form = WebhookEndpointForm
    list_display = ("url", "description", "events", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("url", "description")
    readonly_fields = ("secret", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("url", "description", "events", "is_active")}),
        ("署名", {"fields": ("secret",), "description": "受信側はこの鍵で署名を検証します（docs/webhooks.md）。"}),
        ("記録", {"fields": ("created_at", "updated_at")}),
    )


class WebhookAttemptInline(admin.TabularInline):  # type: ignore[type-arg]
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ("number", "attempted_at", "status_code", "response_excerpt", "error", "duration_ms")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(AdministratorsOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("created_at", "event", "endpoint", "status", "attempts", "last_status_code", "next_retry_at")
    list_filter = ("status", "event")
    search_fields = ("message_id", "endpoint__url")
    list_select_related = ("endpoint",)
    readonly_fields = ("endpoint", "message_id", "event", "body", "status", "attempts", "last_status_code",
                       "last_error", "next_retry_at", "delivered_at", "created_at")
    fields = readonly_fields
    inlines = (WebhookAttemptInline,)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Subscription)
class SubscriptionAdmin(AdministratorsOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: only the address's owner subscribes or unsubscribes. Deleting (a reader asks to be forgotten) is allowed."""

    list_display = ("email", "briefing", "section", "frequency", "status", "confirmed_at", "created_at")
    list_filter = ("status", "frequency", "briefing")
    search_fields = ("email",)
    list_select_related = ("briefing", "section")
    readonly_fields = ("email", "briefing", "section", "frequency", "status", "confirmation_sent_at",
                       "confirmed_at", "unsubscribed_at", "digest_until", "created_at", "updated_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
