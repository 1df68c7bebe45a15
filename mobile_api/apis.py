"""API views: one per operation, each parsing, authorising and calling one service."""

from typing import cast

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role, User
from accounts.services import access_log_record, access_log_record_many
from consultations.models import EntryMode, Invitation
from consultations.selectors import consultations_open_for_child, invitation_get_for_user
from consultations.services import response_save_draft, response_submit
from feedback.models import Category, Channel, Rating, Statement
from feedback.selectors import statement_get_for_user, statements_visible_to
from feedback.service_feedback import child_feedback_request, feedback_give
from feedback.services import statement_mark_read, statement_submit
from reporting.periods import period_from
from reporting.selectors import report_for_user
from reviews.selectors import child_get_for_user, children_visible_to

IDEMPOTENCY_KEY = OpenApiParameter(
    name="Idempotency-Key",
    type=str,
    location=OpenApiParameter.HEADER,
    required=False,
    description="A unique key per submission: a retry with the same key and body is stored once.",
)


def caller(request: Request) -> User:
    """Return the signed-in user (every view here requires one)."""
    return cast(User, request.user)


class StatementOutput(serializers.ModelSerializer):
    child = serializers.IntegerField(source="child_id")
    child_case_reference = serializers.CharField(source="child.case_reference")
    read = serializers.BooleanField(source="is_read")
    review_due_by = serializers.DateField(source="review.due_by", allow_null=True, default=None)

    class Meta:
        model = Statement
        fields = [
            "id",
            "child",
            "child_case_reference",
            "category",
            "body",
            "channel",
            "on_behalf",
            "consent_given",
            "created_at",
            "read",
            "read_at",
            "acknowledged_at",
            "reply",
            "replied_at",
            "is_urgent",
            "review_due_by",
        ]
        read_only_fields = fields


class StatementPagination(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 50


class StatementListCreateApi(APIView):
    """List the statements the caller may see, or submit one."""

    class Input(serializers.Serializer):
        child = serializers.IntegerField(
            required=False, help_text="The child's id. Required for an advocate; a child may leave it out."
        )
        category = serializers.ChoiceField(choices=Category.choices)
        body = serializers.CharField(trim_whitespace=True)
        consent_given = serializers.BooleanField(
            required=False, default=False, help_text="Advocates: the child agreed to this being sent for them."
        )

        def validate_body(self, value: str) -> str:
            limit = settings.HEARD_STATEMENT_MAX_LENGTH
            if len(value) > limit:
                raise ValidationError(f"Please keep it under {limit} characters, or send it in parts.")
            return value

    @extend_schema(responses=StatementOutput(many=True), operation_id="statements_list")
    def get(self, request: Request) -> Response:
        paginator = StatementPagination()
        page = paginator.paginate_queryset(statements_visible_to(caller(request)), request, view=self) or []
        access_log_record_many(user=caller(request), what="statement", records=[(s.pk, s.child) for s in page])
        return paginator.get_paginated_response(StatementOutput(page, many=True).data)

    @extend_schema(
        request=Input,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: StatementOutput,
            200: OpenApiResponse(StatementOutput, description="A retried submission: the statement stored first."),
            400: OpenApiResponse(description="A field is missing or wrong; the field is named."),
            404: OpenApiResponse(description="No such child, or not one the caller may write for."),
            409: OpenApiResponse(description="The Idempotency-Key was used for a different submission."),
        },
        operation_id="statements_create",
    )
    def post(self, request: Request) -> Response:
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        child_id = data.validated_data.get("child")
        if child_id is None:
            if caller(request).role != Role.CHILD:
                raise ValidationError({"child": "Say which child this is for."})
            child = children_visible_to(caller(request)).first()
            if child is None:
                raise PermissionDenied("No care record is linked to this account.")
        else:
            child = child_get_for_user(caller(request), child_id)
        statement, created = statement_submit(
            author=caller(request),
            child=child,
            category=data.validated_data["category"],
            body=data.validated_data["body"],
            channel=Channel.APP,
            consent_given=data.validated_data["consent_given"],
            idempotency_key=request.headers.get("Idempotency-Key", ""),
        )
        statement = statement_get_for_user(caller(request), statement.pk)
        return Response(
            StatementOutput(statement).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class StatementMarkReadApi(APIView):
    """The child's IRO marks a statement read; the child then sees it was read."""

    @extend_schema(
        request=None,
        responses={200: StatementOutput, 403: OpenApiResponse(description="Only the child's IRO marks it read.")},
        operation_id="statements_mark_read",
    )
    def post(self, request: Request, statement_id: int) -> Response:
        statement = statement_get_for_user(caller(request), statement_id)
        access_log_record(user=caller(request), what="statement", object_id=statement.pk, child=statement.child)
        if caller(request).role != Role.IRO:
            raise PermissionDenied("Only the child's IRO can mark a statement read.")
        statement = statement_mark_read(statement=statement, reader=caller(request))
        return Response(StatementOutput(statement).data)


class ConsultationOutput(serializers.ModelSerializer):
    title = serializers.CharField(source="version.schema.title")
    review_date = serializers.DateField(source="review.date")
    schema = serializers.JSONField(source="version.schema")
    form_version = serializers.IntegerField(source="version.number")
    draft_answers = serializers.SerializerMethodField()
    submitted_at = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = ["id", "title", "review_date", "expires_at", "form_version", "schema", "draft_answers", "submitted_at"]
        read_only_fields = fields

    def _response(self, invitation):
        return getattr(invitation, "response", None)

    def get_draft_answers(self, invitation) -> dict:
        response = self._response(invitation)
        return response.answers if response else {}

    def get_submitted_at(self, invitation) -> str | None:
        response = self._response(invitation)
        return response.submitted_at.isoformat() if response and response.submitted_at else None


class _AnswersInput(serializers.Serializer):
    answers = serializers.DictField(help_text="Answers keyed by question id, as the form's schema describes.")
    entry_mode = serializers.ChoiceField(choices=EntryMode.choices, required=False, default=EntryMode.OWN_WORDS)
    consent_given = serializers.BooleanField(required=False, default=False)


class ConsultationListApi(APIView):
    """The consultation forms waiting for the signed-in child, with their questions and any draft."""

    @extend_schema(responses=ConsultationOutput(many=True), operation_id="consultations_list")
    def get(self, request: Request) -> Response:
        invitations = consultations_open_for_child(caller(request))
        return Response(ConsultationOutput(invitations, many=True).data)


class ConsultationDraftApi(APIView):
    """Save answers so far; nothing is checked for completeness until the form is sent."""

    @extend_schema(request=_AnswersInput, responses={200: ConsultationOutput}, operation_id="consultations_save_draft")
    def put(self, request: Request, invitation_id: int) -> Response:
        invitation = invitation_get_for_user(caller(request), invitation_id)
        data = _AnswersInput(data=request.data)
        data.is_valid(raise_exception=True)
        response_save_draft(
            invitation=invitation,
            answers=data.validated_data["answers"],
            entered_by=caller(request),
            entry_mode=data.validated_data["entry_mode"],
            consent_given=data.validated_data["consent_given"],
        )
        invitation = invitation_get_for_user(caller(request), invitation_id)
        return Response(ConsultationOutput(invitation).data)


class ConsultationSubmitApi(APIView):
    """Send the answers to the child's IRO. Sending again returns the first answers, unchanged."""

    @extend_schema(
        request=_AnswersInput,
        responses={
            201: ConsultationOutput,
            200: OpenApiResponse(ConsultationOutput, description="Already sent: the answers stored first."),
            400: OpenApiResponse(description="An answer is missing or not allowed; each is named by question id."),
        },
        operation_id="consultations_submit",
    )
    def post(self, request: Request, invitation_id: int) -> Response:
        invitation = invitation_get_for_user(caller(request), invitation_id)
        data = _AnswersInput(data=request.data)
        data.is_valid(raise_exception=True)
        _, created = response_submit(
            invitation=invitation,
            answers=data.validated_data["answers"],
            entered_by=caller(request),
            entry_mode=data.validated_data["entry_mode"],
            consent_given=data.validated_data["consent_given"],
        )
        invitation = invitation_get_for_user(caller(request), invitation_id)
        return Response(
            ConsultationOutput(invitation).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class ReportApi(APIView):
    """One report as JSON: every row with its count, percentage and base. Managers; an IRO their caseload."""

    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, description="First day, YYYY-MM-DD (default: this reporting year)"),
            OpenApiParameter("to", str, description="Last day, YYYY-MM-DD, inclusive"),
        ],
        responses={200: OpenApiResponse(description="The table."), 404: OpenApiResponse(description="No such report.")},
        operation_id="reports_get",
    )
    def get(self, request: Request, name: str) -> Response:
        period = period_from(
            request.query_params.get("from"), request.query_params.get("to"), today=timezone.localdate()
        )
        table = report_for_user(caller(request), name, period)
        return Response({"period": period.label, **table.as_dict()})


class ReviewFeedbackInput(serializers.Serializer):
    listened = serializers.ChoiceField(choices=Rating.choices)
    made_difference = serializers.ChoiceField(choices=Rating.choices)
    better = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class ReviewFeedbackApi(APIView):
    """A child says how their review went: listened to, made a difference, what would be better."""

    @extend_schema(
        request=ReviewFeedbackInput,
        responses={201: OpenApiResponse(description="Stored."), 200: OpenApiResponse(description="Already given.")},
        operation_id="reviews_feedback",
    )
    def post(self, request: Request, review_id: int) -> Response:
        feedback_request = (
            child_feedback_request(caller(request), review_id) if caller(request).role == Role.CHILD else None
        )
        if feedback_request is None:
            raise NotFound("No review to give feedback on.")
        data = ReviewFeedbackInput(data=request.data)
        data.is_valid(raise_exception=True)
        _, created = feedback_give(request=feedback_request, channel=Channel.APP, **data.validated_data)
        return Response({"stored": True}, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
