"""A child's reviews: what happened (the IRO's summary for them) and their feedback on how it went."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from feedback.models import Channel, Rating
from feedback.selectors import feedback_request_open_for_child, reviews_held_for_child
from feedback.service_feedback import feedback_give
from mobile_api.apis.base import (
    IDEMPOTENCY_KEY,
    IF_NONE_MATCH,
    NOT_MODIFIED,
    Cursor,
    HeardApi,
    HeardListApi,
    Stored,
    caller,
)
from mobile_api.apis.idempotency import idempotent
from mobile_api.serializers import StrictSerializer
from reviews.models import Review
from reviews.selectors import review_get_for_user


class ChildReviewOutput(serializers.ModelSerializer):
    summary = serializers.SerializerMethodField(help_text="What the IRO wrote for the child, once published.")
    feedback_wanted = serializers.BooleanField(help_text="Whether the child is asked how this review went.")

    class Meta:
        model = Review
        fields = ["id", "held_on", "summary", "feedback_wanted"]
        read_only_fields = fields

    def get_summary(self, review: Review) -> str:
        return review.child_summary if review.summary_published_at else ""


class HeldCursor(Cursor):
    ordering = ("-held_on", "-id")


class ChildReviewListApi(HeardListApi):
    """A child's held reviews, newest first, with the IRO's summary and whether feedback is wanted."""

    serializer_class = ChildReviewOutput
    pagination_class = HeldCursor

    def get_queryset(self):
        return reviews_held_for_child(caller(self.request))

    @extend_schema(parameters=[IF_NONE_MATCH], responses={200: ChildReviewOutput(many=True), 304: NOT_MODIFIED})
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class ReviewFeedbackInput(StrictSerializer):
    listened = serializers.ChoiceField(choices=Rating.choices)
    made_difference = serializers.ChoiceField(choices=Rating.choices)
    better = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class ReviewFeedbackApi(HeardApi):
    """A child says how their review went: listened to, made a difference, what would be better."""

    @extend_schema(
        request=ReviewFeedbackInput,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: OpenApiResponse(Stored, description="Stored."),
            200: OpenApiResponse(Stored, description="Already given: the first answer stands."),
        },
        operation_id="reviews_feedback",
    )
    @idempotent
    def post(self, request: Request, review_id: int) -> Response:
        feedback_request = feedback_request_open_for_child(caller(request), review_id)
        if feedback_request is None:
            raise NotFound("No review to give feedback on.")
        data = ReviewFeedbackInput(data=request.data)
        data.is_valid(raise_exception=True)
        _, created = feedback_give(request=feedback_request, channel=Channel.APP, **data.validated_data)
        return Response({"stored": True}, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def replay(self, request: Request, made: str, status_code: int, review_id: int) -> Response:
        """A retry: stored, if the review is still one the caller may see."""
        review_get_for_user(caller(request), review_id)
        return Response({"stored": True}, status=status_code)
