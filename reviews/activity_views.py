"""The IRO's quick form for visits and activity between reviews, with what is recorded for the child so far."""

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import require_role
from accounts.models import AccessPurpose, AuthenticatedHttpRequest, Role
from accounts.services import access_log_record_many
from reviews.activities import (
    activities_for_child,
    activity_child_get_for_user,
    activity_delete,
    activity_get_for_user,
    activity_record,
)
from reviews.forms import IsoDateInput
from reviews.models import ACTIVITY_NOTE_MAX_LENGTH, Child, IroActivityKind, Review

# How many recorded activities the page lists (latest first); the API pages through all of them.
LISTED = 50


def _review_label(review: Review) -> str:
    when = "held" if review.held_on else "due"
    return f"Review {review.sequence} ({when} {review.date.day} {review.date:%b %Y})"


class ActivityForm(forms.Form):
    """What the IRO did, when, and for which review."""

    kind = forms.ChoiceField(label="What did you do?", choices=IroActivityKind.choices, widget=forms.RadioSelect)
    on = forms.DateField(label="On", initial=timezone.localdate, widget=IsoDateInput())
    review = forms.TypedChoiceField(
        label="Which review is it about?",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="Needed for seeing the child before a review, sharing a report and updating the care plan; "
        "a visit or a midway review goes with the next review.",
    )
    seen_alone = forms.BooleanField(
        label="I saw the child on their own",
        required=False,
        help_text="For a visit or seeing the child before a review.",
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=ACTIVITY_NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, child: Child, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        reviews = Review.objects.filter(child=child).order_by("-sequence")
        review_field = cast(forms.TypedChoiceField, self.fields["review"])
        review_field.choices = [("", "The next review"), *((review.pk, _review_label(review)) for review in reviews)]


@login_required
@require_http_methods(["GET", "POST"])
def child_activity(request: AuthenticatedHttpRequest, child_id: int) -> HttpResponse:
    """The child's IRO records a visit or other activity; their IRO and managers see what was recorded."""
    child = activity_child_get_for_user(request.user, child_id)
    may_record = request.user.role == Role.IRO
    form = ActivityForm(child=child)
    status = 200
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied("Only the child's IRO records their visits and activity.")
        form = ActivityForm(request.POST, child=child)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            review = Review.objects.filter(pk=data["review"]).first() if data["review"] else None
            try:
                activity_record(
                    iro=request.user,
                    child=child,
                    review=review,
                    kind=data["kind"],
                    on=data["on"],
                    seen_alone=data["seen_alone"],
                    note=data["note"],
                )
            except ValidationError as exc:
                for field_name, errors in exc.message_dict.items():
                    form.add_error(field_name if field_name in form.fields else None, errors)
            else:
                messages.success(request, "Recorded.")
                return redirect("reviews:child_activity", child_id=child.pk)
    activities = list(activities_for_child(request.user, child)[:LISTED])
    access_log_record_many(
        user=request.user,
        what="IRO activity",
        purpose=AccessPurpose.CHILD_RECORD,
        records=[(activity.pk, child) for activity in activities],
    )
    today = timezone.localdate()
    # A mistake may be taken back by whoever recorded it, on the day they recorded it.
    mine_today = {
        a.pk for a in activities if a.recorded_by_id == request.user.pk and timezone.localdate(a.recorded_at) == today
    }
    context = {
        "child": child,
        "form": form,
        "activities": activities,
        "may_record": may_record,
        "may_take_back": mine_today,
    }
    return render(request, "reviews/child_activity.html", context, status=status)


@login_required
@require_POST
def child_activity_take_back(request: AuthenticatedHttpRequest, activity_id: int) -> HttpResponse:
    """Whoever recorded an activity takes it back the same day (recorded by mistake)."""
    require_role(request, Role.IRO)
    activity = activity_get_for_user(request.user, activity_id)
    try:
        activity_delete(activity=activity, by=request.user)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Taken back.")
    return redirect("reviews:child_activity", child_id=activity.child_id)
