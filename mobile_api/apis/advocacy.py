"""Advocacy: a child asks for an advocate; an advocate sees the children assigned to them."""

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import AccessPurpose
from feedback.models import Channel
from mobile_api.apis.base import IDEMPOTENCY_KEY, Cursor, HeardListApi, IdCursor, caller, log_read
from mobile_api.apis.idempotency import idempotent
from mobile_api.serializers import StrictSerializer
from reviews.models import AdvocacyRequest, AdvocacyRequestOutcome, Child, Review
from reviews.selectors import (
    advocacy_request_get_for_user,
    advocacy_requests_visible_to,
    child_of_user,
    children_worked_with,
)
from reviews.services import advocacy_request_make


class AdvocacyRequestOutput(serializers.ModelSerializer):
    child = serializers.IntegerField(source="child_id")
    outcome = serializers.ChoiceField(
        choices=AdvocacyRequestOutcome.choices, allow_blank=True, help_text="Empty while the request is open."
    )

    class Meta:
        model = AdvocacyRequest
        fields = ["id", "child", "note", "created_at", "resolved_at", "outcome"]
        read_only_fields = fields


class AdvocacyRequestInput(StrictSerializer):
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="What the child would like help with, if anything."
    )


class AdvocacyRequestListCreateApi(HeardListApi):
    """A child's requests for an advocate (their IRO and managers see their children's), or ask for one."""

    serializer_class = AdvocacyRequestOutput
    pagination_class = Cursor

    def get_queryset(self):
        return advocacy_requests_visible_to(caller(self.request))

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset) or []
        log_read(
            self.request,
            what="advocacy request",
            purpose=AccessPurpose.ADVOCACY_REQUEST,
            records=[(a.pk, a.child) for a in page],
        )
        return page

    @extend_schema(
        request=AdvocacyRequestInput,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: AdvocacyRequestOutput,
            200: OpenApiResponse(AdvocacyRequestOutput, description="Already asked: the open request."),
            403: OpenApiResponse(description="Only a child asks for their own advocate."),
        },
        operation_id="advocacy_requests_create",
    )
    @idempotent
    def post(self, request: Request) -> Response:
        data = AdvocacyRequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        child = child_of_user(caller(request))
        if child is None:
            raise PermissionDenied("Only a child asks for their own advocate.")
        advocacy, created = advocacy_request_make(
            child=child, requested_by=caller(request), note=data.validated_data["note"], channel=Channel.APP
        )
        return Response(
            AdvocacyRequestOutput(advocacy).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    def replay(self, request: Request, made: str, status_code: int) -> Response:
        """A retry: the request as the caller may see it now."""
        try:
            advocacy = advocacy_request_get_for_user(caller(request), made)
        except Http404 as exc:
            raise NotFound("No such request.") from exc
        return Response(AdvocacyRequestOutput(advocacy).data, status=status_code)


class ChildOutput(serializers.ModelSerializer):
    next_review = serializers.SerializerMethodField()

    class Meta:
        model = Child
        fields = ["id", "case_reference", "known_as", "next_review"]
        read_only_fields = fields

    def get_next_review(self, child: Child) -> str | None:
        upcoming: list[Review] = getattr(child, "upcoming", [])
        return upcoming[0].date.isoformat() if upcoming else None


class ChildListApi(HeardListApi):
    """The children the caller works with: an advocate's assigned children, an IRO's caseload, all for managers."""

    serializer_class = ChildOutput
    pagination_class = IdCursor

    def get_queryset(self):
        return children_worked_with(caller(self.request))

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset) or []
        log_read(
            self.request, what="child record", purpose=AccessPurpose.CHILD_RECORD, records=[(c.pk, c) for c in page]
        )
        return page
