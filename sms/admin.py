"""Admin for texts: delivery states and opt-outs, for support staff."""

from django.contrib import admin

from sms.models import OptOut, OutboundMessage


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    """Read-only. A sign-in code shows as it is stored, masked (CODE_MASK): the code itself is never kept."""

    list_display = ("id", "purpose", "to", "status", "error_code", "segments", "created_at")
    list_filter = ("purpose", "status")
    readonly_fields = [f.name for f in OutboundMessage._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(OptOut)
class OptOutAdmin(admin.ModelAdmin):
    list_display = ("phone", "opted_out_at")
