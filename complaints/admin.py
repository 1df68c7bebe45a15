"""Admin for complaints: dates and stages only, read-only, so the admin is not a back door to the words."""

from django.contrib import admin

from accounts.admin import ChildRecordReadsLogged
from complaints.models import Complaint


@admin.register(Complaint)
class ComplaintAdmin(ChildRecordReadsLogged):
    list_display = ("id", "child", "kind", "made_by_relationship", "channel", "received_on", "closed_at")
    list_filter = ("kind", "made_by_relationship", "channel")
    # Every field but the words: managers read those on the complaint's own page, where the read is logged.
    fields = (
        "child", "kind", "made_by_relationship", "made_by", "recorded_by", "channel", "received_on",
        "advocate_wanted", "acknowledgement_due", "acknowledged_on",
        "stage1_due", "stage1_extended_due", "stage1_responded_on", "stage1_outcome",
        "stage2_requested_on", "stage2_due", "stage2_extended_due", "stage2_responded_on", "stage2_outcome",
        "stage3_requested_on", "stage3_panel_due", "stage3_panel_held_on", "stage3_findings_due",
        "stage3_response_due", "stage3_responded_on", "stage3_outcome", "closed_at", "created_at",
    )  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
