"""Admin for consultation forms: managers edit drafts, preview them, and publish; published ones are fixed."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from accounts.admin import ChildRecordReadsLogged
from consultations.models import ChildContact, FormTemplate, FormTemplateVersion
from consultations.schema import check_schema
from consultations.services import version_publish


@admin.register(FormTemplate)
class FormTemplateAdmin(admin.ModelAdmin):
    list_display = ("title", "audience", "slug")


@admin.register(FormTemplateVersion)
class FormTemplateVersionAdmin(admin.ModelAdmin):
    list_display = ("template", "number", "published_at", "preview_link")
    list_filter = ("template",)
    actions = ["publish"]

    def get_readonly_fields(self, request, obj=None):
        # A published version never changes: answers keep the version they were given on.
        if obj is not None and obj.is_published:
            return ("template", "number", "schema", "published_at")
        return ("published_at",)

    def save_model(self, request, obj, form, change) -> None:
        try:
            check_schema(obj.schema)
        except ValueError as exc:
            messages.error(request, f"Not saved as valid: {exc}")
        super().save_model(request, obj, form, change)

    @admin.display(description="Preview")
    def preview_link(self, obj) -> str:
        return format_html('<a href="{}">Preview</a>', reverse("consultations:preview", args=[obj.pk]))

    @admin.action(description="Publish the selected drafts")
    def publish(self, request, queryset) -> None:
        for version in queryset:
            try:
                version_publish(version=version)
            except ValidationError as exc:
                messages.error(request, f"{version}: {' '.join(exc.messages)}")


@admin.register(ChildContact)
class ChildContactAdmin(ChildRecordReadsLogged):
    list_display = ("child", "role", "relationship", "channel", "active")
    list_filter = ("role", "channel", "active")
