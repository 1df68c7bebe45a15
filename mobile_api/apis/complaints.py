"""Complaints and representations (Children Act 1989 s.26): a child makes one and follows its dates."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import AccessPurpose, Role
from complaints.models import WORDS_MAX_LENGTH, Complaint, ComplaintChannel, Kind, MadeBy, Outcome
from complaints.selectors import complaint_get_for_user, complaints_visible_to
from complaints.services import complaint_make
from feedback.crisis import crisis_help_data
from feedback.models import FoundIn
from feedback.selectors import words_found_raised_alert
from mobile_api.apis.base import (
    IDEMPOTENCY_KEY,
    IF_NONE_MATCH,
    NOT_MODIFIED,
    Cursor,
    HeardApi,
    HeardListApi,
    caller,
    log_read,
)
from mobile_api.apis.idempotency import idempotent
from mobile_api.apis.statements import CrisisHelpOutput
from mobile_api.serializers import StrictSerializer
from reviews.selectors import child_of_user

# A read of a complaint's words is logged for what it was for.
LOG_PURPOSE = AccessPurpose.COMPLAINT


class ComplaintOutput(serializers.ModelSerializer):
    child = serializers.IntegerField(source="child_id")
    kind = serializers.ChoiceField(choices=Kind.choices)
    made_by_relationship = serializers.ChoiceField(choices=MadeBy.choices)
    channel = serializers.ChoiceField(choices=ComplaintChannel.choices)
    stage = serializers.IntegerField(
        min_value=1, max_value=3, help_text="1 local resolution, 2 investigation, 3 panel."
    )
    is_open = serializers.BooleanField(
        help_text="False once answered (the complainant may still escalate) or withdrawn."
    )
    stage1_outcome = serializers.ChoiceField(choices=Outcome.choices, allow_blank=True)
    stage2_outcome = serializers.ChoiceField(choices=Outcome.choices, allow_blank=True)
    stage3_outcome = serializers.ChoiceField(choices=Outcome.choices, allow_blank=True)

    class Meta:
        model = Complaint
        fields = [
            "id",
            "child",
            "kind",
            "words",
            "made_by_relationship",
            "channel",
            "received_on",
            "stage",
            "is_open",
            "acknowledgement_due",
            "acknowledged_on",
            "stage1_due",
            "stage1_extended_due",
            "stage1_responded_on",
            "stage1_outcome",
            "stage2_requested_on",
            "stage2_due",
            "stage2_extended_due",
            "stage2_responded_on",
            "stage2_outcome",
            "stage3_requested_on",
            "stage3_panel_due",
            "stage3_panel_held_on",
            "stage3_findings_due",
            "stage3_response_due",
            "stage3_responded_on",
            "stage3_outcome",
            "closed_at",
            "created_at",
        ]
        read_only_fields = fields


class ComplaintCreatedOutput(ComplaintOutput):
    crisis_help = serializers.SerializerMethodField(
        help_text="When the words told of harm and raised a safeguarding alert: the crisis help to show at once; "
        "otherwise null."
    )

    class Meta(ComplaintOutput.Meta):
        fields = [*ComplaintOutput.Meta.fields, "crisis_help"]
        read_only_fields = fields

    @extend_schema_field(CrisisHelpOutput(allow_null=True))
    def get_crisis_help(self, complaint: Complaint) -> dict | None:
        alerted = words_found_raised_alert(FoundIn.COMPLAINT, complaint.pk)
        return CrisisHelpOutput(crisis_help_data()).data if alerted else None


class ComplaintInput(StrictSerializer):
    kind = serializers.ChoiceField(
        choices=Kind.choices,
        required=False,
        default=Kind.COMPLAINT,
        help_text="A complaint (stages 1-3) or a representation (answered at stage 1).",
    )
    words = serializers.CharField(
        trim_whitespace=True,
        max_length=WORDS_MAX_LENGTH,
        help_text="What is wrong and what the child would like to happen.",
    )
    advocate_wanted = serializers.BooleanField(
        required=False,
        default=False,
        help_text="The child would like an advocate's help (Children Act 1989 s.26A): one is asked for at once.",
    )


class ComplaintListCreateApi(HeardListApi):
    """The caller's complaints (a child's own; an IRO's caseload's; all for managers), or a child makes one."""

    serializer_class = ComplaintOutput
    pagination_class = Cursor

    def get_queryset(self):
        return complaints_visible_to(caller(self.request))

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset) or []
        log_read(self.request, what="complaint", purpose=LOG_PURPOSE, records=[(c.pk, c.child) for c in page])
        return page

    @extend_schema(parameters=[IF_NONE_MATCH], responses={200: ComplaintOutput(many=True), 304: NOT_MODIFIED})
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=ComplaintInput,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: ComplaintCreatedOutput,
            403: OpenApiResponse(description="Only a child makes a complaint here; staff record one on the web."),
            409: OpenApiResponse(description="The Idempotency-Key was used for a different complaint."),
        },
        operation_id="complaints_create",
    )
    @idempotent
    def post(self, request: Request) -> Response:
        data = ComplaintInput(data=request.data)
        data.is_valid(raise_exception=True)
        if caller(request).role != Role.CHILD:
            raise PermissionDenied("Only a child makes a complaint here; staff record one on the web.")
        child = child_of_user(caller(request))
        if child is None:
            raise PermissionDenied("No care record is linked to this account.")
        complaint, _made = complaint_make(
            child=child,
            by=caller(request),
            words=data.validated_data["words"],
            kind=data.validated_data["kind"],
            channel=ComplaintChannel.APP,
            advocate_wanted=data.validated_data["advocate_wanted"],
            idempotency_key=request.headers.get("Idempotency-Key", ""),
        )
        return Response(ComplaintCreatedOutput(complaint).data, status=status.HTTP_201_CREATED)

    def replay(self, request: Request, made: str, status_code: int) -> Response:
        """A retry: the complaint as the caller may see it now."""
        complaint = complaint_get_for_user(caller(request), made)
        return Response(ComplaintCreatedOutput(complaint).data, status=status_code)


class ComplaintDetailApi(HeardApi):
    """One complaint with every date on its statutory clock."""

    @extend_schema(parameters=[IF_NONE_MATCH], responses={200: ComplaintOutput, 304: NOT_MODIFIED})
    def get(self, request: Request, complaint_id: int) -> Response:
        complaint = complaint_get_for_user(caller(request), complaint_id)
        log_read(request, what="complaint", purpose=LOG_PURPOSE, records=[(complaint.pk, complaint.child)])
        return Response(ComplaintOutput(complaint).data)
