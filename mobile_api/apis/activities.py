"""The IRO's visits and activity between reviews for one child: their IRO records it; they and managers read it."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import AccessPurpose
from mobile_api.apis.base import IDEMPOTENCY_KEY, Cursor, HeardListApi, caller, log_read
from mobile_api.apis.idempotency import idempotent
from mobile_api.serializers import StrictSerializer
from reviews.activities import activities_for_child, activity_child_get_for_user, activity_get_for_user, activity_record
from reviews.models import ACTIVITY_NOTE_MAX_LENGTH, IroActivity, IroActivityKind, Review

LOG_WHAT = "IRO activity"


class ActivityOutput(serializers.ModelSerializer):
    child = serializers.IntegerField(source="child_id")
    review = serializers.IntegerField(
        source="review_id", allow_null=True, help_text="The review it is about (for a visit, the next review)."
    )
    kind = serializers.ChoiceField(choices=IroActivityKind.choices)
    recorded_by = serializers.IntegerField(source="recorded_by_id")

    class Meta:
        model = IroActivity
        fields = ["id", "child", "review", "kind", "on", "seen_alone", "note", "recorded_by", "recorded_at"]
        read_only_fields = fields


class ActivityInput(StrictSerializer):
    kind = serializers.ChoiceField(choices=IroActivityKind.choices)
    on = serializers.DateField(help_text="The day it happened: not in the future, not before the child came into care.")
    review = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text="One of the child's reviews; needed for seen_before_review, care_plan_updated and report_shared. "
        "Left out for a visit or a midway review, the next review is taken.",
    )
    seen_alone = serializers.BooleanField(
        required=False, default=False, help_text="Only for visit and seen_before_review."
    )
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=ACTIVITY_NOTE_MAX_LENGTH, help_text="Staff words."
    )


class ActivityCursor(Cursor):
    ordering = ("-on", "-id")


class ActivityListCreateApi(HeardListApi):
    """The child's recorded IRO activity, latest first (their IRO and managers), or their IRO records one."""

    serializer_class = ActivityOutput
    pagination_class = ActivityCursor

    def get_queryset(self):
        user = caller(self.request)
        child = activity_child_get_for_user(user, self.kwargs["child_id"])
        return activities_for_child(user, child)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset) or []
        log_read(
            self.request, what=LOG_WHAT, purpose=AccessPurpose.CHILD_RECORD, records=[(a.pk, a.child) for a in page]
        )
        return page

    @extend_schema(
        request=ActivityInput,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: ActivityOutput,
            403: OpenApiResponse(description="Only the child's IRO records their activity (a manager reads it)."),
            409: OpenApiResponse(description="The Idempotency-Key was used for a different activity."),
        },
        operation_id="child_activities_create",
    )
    @idempotent
    def post(self, request: Request, child_id: int) -> Response:
        child = activity_child_get_for_user(caller(request), child_id)
        data = ActivityInput(data=request.data)
        data.is_valid(raise_exception=True)
        review = None
        review_id = data.validated_data["review"]
        if review_id is not None:
            review = Review.objects.filter(pk=review_id).first()
            if review is None:
                raise ValidationError({"review": "Choose one of this child's reviews."})
        activity = activity_record(
            iro=caller(request),
            child=child,
            review=review,
            kind=data.validated_data["kind"],
            on=data.validated_data["on"],
            seen_alone=data.validated_data["seen_alone"],
            note=data.validated_data["note"],
        )
        return Response(ActivityOutput(activity).data, status=status.HTTP_201_CREATED)

    def replay(self, request: Request, made: str, status_code: int, child_id: int) -> Response:
        """A retry: the activity as the caller may see it now (404 once they may not)."""
        activity = activity_get_for_user(caller(request), made)
        return Response(ActivityOutput(activity).data, status=status_code)
