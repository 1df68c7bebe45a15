"""Consultation forms before a review: the open ones with their questions, drafts, and sending."""

from django.utils.translation import get_language
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import AccessPurpose
from consultations.models import EntryMode, Invitation
from consultations.schema import localise
from consultations.selectors import consultations_open_for_child, invitation_get_for_user
from consultations.services import response_save_draft, response_submit
from feedback.models import Channel
from mobile_api.apis.base import (
    IDEMPOTENCY_KEY,
    IF_NONE_MATCH,
    NOT_MODIFIED,
    HeardApi,
    HeardListApi,
    IdCursor,
    caller,
    log_read,
)
from mobile_api.apis.idempotency import idempotent
from mobile_api.serializers import StrictSerializer


def _answer_with_form(request: Request, invitation_id: int, status_code: int = status.HTTP_200_OK) -> Response:
    """Answer with the form and its answers as stored; for staff that is a read of the child's answers, logged."""
    invitation = invitation_get_for_user(caller(request), invitation_id)
    log_read(
        request,
        what="consultation form",
        purpose=AccessPurpose.CONSULTATION,
        records=[(invitation.pk, invitation.review.child)],
    )
    return Response(ConsultationOutput(invitation).data, status=status_code)


class ConsultationOutput(serializers.ModelSerializer):
    title = serializers.SerializerMethodField()
    review_date = serializers.DateField(source="review.date")
    schema = serializers.SerializerMethodField(help_text="The form: its questions, in the caller's language.")
    form_version = serializers.IntegerField(source="version.number")
    draft_answers = serializers.SerializerMethodField()
    submitted_at = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = ["id", "title", "review_date", "expires_at", "form_version", "schema", "draft_answers", "submitted_at"]
        read_only_fields = fields

    def get_title(self, invitation: Invitation) -> str:
        return str(self.get_schema(invitation).get("title", ""))

    def get_schema(self, invitation: Invitation) -> dict:
        # Only the questions asked at the child's age on the review date (a question's from_age).
        return localise(invitation.asked_schema, get_language())

    def get_draft_answers(self, invitation: Invitation) -> dict:
        response = getattr(invitation, "response", None)
        return response.answers if response else {}

    def get_submitted_at(self, invitation: Invitation) -> str | None:
        response = getattr(invitation, "response", None)
        return response.submitted_at.isoformat() if response and response.submitted_at else None


class AnswersInput(StrictSerializer):
    answers = serializers.DictField(help_text="Answers keyed by question id, as the form's schema describes.")
    entry_mode = serializers.ChoiceField(
        choices=EntryMode.choices, required=False, default=EntryMode.OWN_WORDS, help_text="Advocates and IROs."
    )
    consent_given = serializers.BooleanField(
        required=False, default=False, help_text="Entered for the child: the child agreed to these answers."
    )


class ConsultationListApi(HeardListApi):
    """The forms waiting for the signed-in child, with their questions and any draft."""

    serializer_class = ConsultationOutput
    pagination_class = IdCursor

    def get_queryset(self):
        return consultations_open_for_child(caller(self.request))

    @extend_schema(parameters=[IF_NONE_MATCH], responses={200: ConsultationOutput(many=True), 304: NOT_MODIFIED})
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class ConsultationDetailApi(HeardApi):
    """One form: the child's own, or one an advocate or IRO fills in with the child."""

    @extend_schema(parameters=[IF_NONE_MATCH], responses={200: ConsultationOutput, 304: NOT_MODIFIED})
    def get(self, request: Request, invitation_id: int) -> Response:
        return _answer_with_form(request, invitation_id)


class ConsultationDraftApi(HeardApi):
    """Save answers so far; nothing is checked for completeness until the form is sent."""

    @extend_schema(request=AnswersInput, responses={200: ConsultationOutput}, operation_id="consultations_save_draft")
    def put(self, request: Request, invitation_id: int) -> Response:
        invitation = invitation_get_for_user(caller(request), invitation_id)
        data = AnswersInput(data=request.data)
        data.is_valid(raise_exception=True)
        response_save_draft(invitation=invitation, entered_by=caller(request), **data.validated_data)
        return _answer_with_form(request, invitation_id)


class ConsultationSubmitApi(HeardApi):
    """Send the answers to the child's IRO. Sending again returns the first answers, unchanged."""

    @extend_schema(
        request=AnswersInput,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: ConsultationOutput,
            200: OpenApiResponse(ConsultationOutput, description="Already sent: the answers stored first."),
            400: OpenApiResponse(description="An answer is missing or not allowed; each is named by question id."),
            409: OpenApiResponse(description="The Idempotency-Key was used for a different request."),
        },
        operation_id="consultations_submit",
    )
    @idempotent
    def post(self, request: Request, invitation_id: int) -> Response:
        invitation = invitation_get_for_user(caller(request), invitation_id)
        data = AnswersInput(data=request.data)
        data.is_valid(raise_exception=True)
        _, created = response_submit(
            invitation=invitation, entered_by=caller(request), channel=Channel.APP, **data.validated_data
        )
        return _answer_with_form(request, invitation_id, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def replay(self, request: Request, made: str, status_code: int, invitation_id: int) -> Response:
        """A retry: the form and its answers, if the caller may still see them."""
        return _answer_with_form(request, invitation_id, status_code)
