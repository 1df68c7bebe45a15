"""Admin for accounts: the council's administrators create and manage people here."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import AccessPurpose, Team, User
from accounts.services import access_log_record


class ChildRecordReadsLogged(admin.ModelAdmin):
    """Opening one of a child's records in the admin is a staff read, written to the access log."""

    def child_of(self, obj: Any) -> Any:
        """The child the record belongs to."""
        return obj.child

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        record = self.get_object(request, object_id) if request.method == "GET" else None
        if record is not None and response.status_code == 200:
            access_log_record(
                user=request.user,
                what=f"admin: {self.model._meta.verbose_name}",
                purpose=AccessPurpose.CHILD_RECORD,
                object_id=record.pk,
                child=self.child_of(record),
            )
        return response


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "role", "iro_contract", "is_active")
    list_filter = ("role", "iro_contract", "is_active")
    search_fields = ("username", "email", "phone")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("Heard", {"fields": ("role", "phone", "phone_verified", "iro_contract", "fte")}),
    )


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "manager")
    filter_horizontal = ("members",)
