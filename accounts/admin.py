"""Admin for accounts: the council's administrators create and manage people here."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "role", "iro_contract", "is_active")
    list_filter = ("role", "iro_contract", "is_active")
    search_fields = ("username", "email", "phone")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("Heard", {"fields": ("role", "phone", "phone_verified", "iro_contract", "fte")}),
    )
