"""Admin for the case-system integration: endpoints, and every delivery with its tries (never a child's words)."""

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from integrations.keys import integration_keys_revoke
from integrations.models import (
    DeliveryStatus,
    EventType,
    IntegrationKey,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from integrations.services import deliveries_redeliver


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(max_length=500, assume_scheme="https", label="Address")
    event_types = forms.MultipleChoiceField(
        choices=EventType.choices, widget=forms.CheckboxSelectMultiple, required=False, label="Events"
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "event_types", "is_active"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """Where the case system listens; its signing secret is made here and shown to give to the receiver."""

    form = WebhookEndpointForm
    list_display = ("name", "url", "is_active", "subscribed", "failed")
    list_filter = ("is_active",)
    readonly_fields = ("secret", "created_at")

    @admin.display(description="Events")
    def subscribed(self, endpoint: WebhookEndpoint) -> str:
        return ", ".join(endpoint.event_types) or "none"

    @admin.display(description="Failed deliveries")
    def failed(self, endpoint: WebhookEndpoint) -> int:
        return endpoint.deliveries.filter(status=DeliveryStatus.FAILED).count()


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ("attempted_at", "status_code", "error", "milliseconds")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """Every delivery and each try; a failed one (or any) can be sent again."""

    list_display = ("created_at", "event_type", "endpoint", "status", "tries", "next_attempt_at", "delivered_at")
    list_filter = ("status", "event_type", "endpoint")
    fields = (
        "endpoint",
        "event_type",
        "message_id",
        "payload",
        "status",
        "tries",
        "next_attempt_at",
        "created_at",
        "delivered_at",
    )
    readonly_fields = fields
    inlines = [WebhookAttemptInline]
    actions = ["redeliver"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description="Send the selected deliveries again", permissions=["change"])
    def redeliver(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        count = deliveries_redeliver(delivery_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{count} sent again.", messages.SUCCESS)


@admin.register(IntegrationKey)
class IntegrationKeyAdmin(admin.ModelAdmin):
    """The case system's keys: made with manage.py integration_key (shown once), listed and revoked here."""

    list_display = ("name", "prefix", "user", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    readonly_fields = ("user", "name", "prefix", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # made by manage.py integration_key, which shows the key once

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request: HttpRequest, queryset: QuerySet[IntegrationKey]) -> None:
        revoked = integration_keys_revoke(queryset)
        self.message_user(request, f"{revoked} key(s) revoked.", messages.SUCCESS)
