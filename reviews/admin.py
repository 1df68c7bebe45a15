"""Admin for care records."""

from django.contrib import admin

from accounts.admin import ChildRecordReadsLogged
from reviews.models import AdvocateAssignment, Child, IROAllocation, Review, WorkerAllocation


class IROAllocationInline(admin.TabularInline):
    model = IROAllocation
    extra = 0


class WorkerAllocationInline(admin.TabularInline):
    model = WorkerAllocation
    extra = 0
    # A council has many workers: picked by id, as the social worker contact is.
    raw_id_fields = ("worker",)


class ReviewInline(admin.TabularInline):
    model = Review
    extra = 0


@admin.register(Child)
class ChildAdmin(ChildRecordReadsLogged):
    list_display = ("case_reference", "date_of_birth", "became_looked_after", "left_care", "placed_out_of_area")
    search_fields = ("case_reference",)
    list_filter = ("placed_out_of_area", "uses_symbols")
    # A council has thousands of contacts: the social worker is picked by id (one of the child's own).
    raw_id_fields = ("social_worker",)
    inlines = [IROAllocationInline, WorkerAllocationInline, ReviewInline]

    def child_of(self, obj: Child) -> Child:
        return obj


@admin.register(AdvocateAssignment)
class AdvocateAssignmentAdmin(admin.ModelAdmin):
    list_display = ("child", "advocate", "started_on", "ended_on")
