"""Staff: the IRO's inbox and the pre-review pack, under the same rules as their pages (and logged)."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import INBOX_ROLES, AccessPurpose, Role
from consultations.selectors import review_get_for_pack, review_pack, wellbeing_history
from consultations.wellbeing import DOMAINS
from feedback.inbox_filters import (
    REVIEW_WITHIN_MAX_DAYS,
    SEARCH_MAX_LENGTH,
    inbox_after,
    inbox_cursor,
    inbox_filter_from,
)
from feedback.models import Category
from feedback.selectors import inbox_position, inbox_read
from mobile_api.apis.base import IF_NONE_MATCH, NOT_MODIFIED, HeardApi, caller, datetime_data, log_read
from mobile_api.apis.statements import StatementOutput, statement_data


class ChildRef(serializers.Serializer):
    id = serializers.IntegerField()
    case_reference = serializers.CharField()
    known_as = serializers.CharField()


class ReviewRef(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    booked = serializers.BooleanField()


class InboxGroupOutput(serializers.Serializer):
    child = ChildRef()
    review = ReviewRef(allow_null=True)
    unread = serializers.IntegerField()
    statements = StatementOutput(many=True)


class AlertOutput(serializers.Serializer):
    id = serializers.IntegerField()
    child = ChildRef()
    raised_at = serializers.DateTimeField()
    acknowledged = serializers.BooleanField()
    out_of_hours = serializers.BooleanField(help_text="Passed to the emergency duty team out of hours.")


class InboxOutput(serializers.Serializer):
    alerts = AlertOutput(many=True, help_text="Open safeguarding alerts, oldest first (on the first page only).")
    groups = InboxGroupOutput(many=True, help_text="One per child, soonest review first.")
    next = serializers.URLField(allow_null=True, help_text="The next page of children, if there is one.")


INBOX_PAGE_SIZE, INBOX_MAX_PAGE_SIZE = 20, 100
INBOX_CURSOR = OpenApiParameter(
    name="cursor", type=str, required=False, description="From `next`: where the next page starts."
)
INBOX_FILTERS = [
    OpenApiParameter(
        name="q",
        type=str,
        required=False,
        description=f"Search the messages' words and the children's names and case references "
        f"(at most {SEARCH_MAX_LENGTH} characters).",
    ),
    OpenApiParameter(name="category", type=str, enum=Category.values, required=False, description="Only this topic."),
    OpenApiParameter(
        name="unread", type=bool, required=False, description="Only messages unread, or with a new reply."
    ),
    OpenApiParameter(name="urgent", type=bool, required=False, description="Only urgent messages."),
    OpenApiParameter(
        name="review_within",
        type=int,
        required=False,
        description=f"Only children whose next review is within this many days (0 to {REVIEW_WITHIN_MAX_DAYS}).",
    ),
    OpenApiParameter(name="child", type=int, required=False, description="Only this child (their id)."),
]
INBOX_PAGE = OpenApiParameter(
    name="page_size",
    type=int,
    required=False,
    description=f"Children a page, 1 to {INBOX_MAX_PAGE_SIZE} (default {INBOX_PAGE_SIZE}).",
)


def _inbox_page_size(request: Request) -> int:
    values = request.query_params.getlist("page_size")
    if not values:
        return INBOX_PAGE_SIZE
    if len(values) > 1 or not values[0].isdigit() or not 1 <= int(values[0]) <= INBOX_MAX_PAGE_SIZE:
        raise ValidationError({"page_size": f"Use a whole number from 1 to {INBOX_MAX_PAGE_SIZE}."})
    return int(values[0])


def _child(child) -> dict:
    return {"id": child.pk, "case_reference": child.case_reference, "known_as": child.known_as}


def _review(review) -> dict | None:
    if review is None:
        return None
    return {"id": review.pk, "date": review.date.isoformat(), "booked": review.scheduled_for is not None}


class InboxApi(HeardApi):
    """The IRO's inbox: open alerts, then each child's upcoming review with the messages waiting for it.

    A page of children at a time (soonest review first; `next` for the rest), the alerts on the
    first page. The emergency duty team's holds only the open alerts passed to it out of hours.
    """

    @extend_schema(
        parameters=[IF_NONE_MATCH, INBOX_CURSOR, INBOX_PAGE, *INBOX_FILTERS],
        responses={200: InboxOutput, 304: NOT_MODIFIED, 404: OpenApiResponse(description="Not staff: no inbox.")},
        operation_id="inbox",
    )
    def get(self, request: Request) -> Response:
        user = caller(request)
        if user.role not in (*INBOX_ROLES, Role.EDT):
            raise NotFound("No inbox for this account.")
        after, size = inbox_after(request.query_params), _inbox_page_size(request)
        filters = inbox_filter_from(request.query_params)
        # One more than the page, to know whether another follows; the API answers without page_extras.
        inbox = inbox_read(user, page_extras=False, after=after, limit=size + 1, filters=filters, alerts=after is None)
        groups, more = inbox.groups[:size], len(inbox.groups) > size
        following = None
        if more:
            query = request.query_params.copy()
            query["cursor"] = inbox_cursor(inbox_position(groups[-1]))
            following = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
        statements = [statement for group in groups for statement in group.statements]
        log_read(request, what="statement", purpose=AccessPurpose.INBOX, records=[(s.pk, s.child) for s in statements])
        body = {
            "alerts": [
                {
                    "id": alert.pk,
                    "child": _child(alert.child),
                    "raised_at": datetime_data(alert.raised_at),
                    "acknowledged": alert.acknowledged_at is not None,
                    "out_of_hours": alert.passed_to_edt_at is not None,
                }
                for alert in inbox.alerts
            ],
            "groups": [
                {
                    "child": _child(group.child),
                    "review": _review(group.review),
                    "unread": group.unread_count,
                    "statements": [statement_data(statement) for statement in group.statements],
                }
                for group in groups
            ],
            "next": following,
        }
        # Built directly in InboxOutput's shape (tests hold them to it): DRF's nested serializers
        # cost more than the rest of the request for a caseload of 60.
        return Response(body)


class AnswerOutput(serializers.Serializer):
    question = serializers.CharField()
    answer = serializers.CharField()
    not_shared = serializers.BooleanField(help_text="The child asked for this not to be shared beyond the IRO.")


class PackEntryOutput(serializers.Serializer):
    audience = serializers.CharField()
    from_child = serializers.BooleanField()
    respondent = serializers.CharField(help_text="The child, or the contact's role and name.")
    submitted_at = serializers.DateTimeField(allow_null=True)
    entry_mode = serializers.CharField(allow_blank=True)
    answers = AnswerOutput(many=True)


class FeelingOutput(serializers.Serializer):
    at = serializers.DateTimeField(help_text="When the message with this face was sent.")
    feeling = serializers.IntegerField(help_text='1 "Really bad" to 5 "Really good".')


class WellbeingPointOutput(serializers.Serializer):
    review = serializers.IntegerField(source="review_sequence", help_text="The review's number for the child.")
    date = serializers.DateField(source="review_date")
    score = serializers.IntegerField(help_text="1 doing well or 0 not, for a share; 0 to 10 for an ONS scale.")


class WellbeingLineOutput(serializers.Serializer):
    indicator = serializers.CharField(source="indicator.slug")
    # The API's word for it; django-stubs types a serializer's own `label` attribute as text.
    label = serializers.CharField(source="indicator.label")  # type: ignore[assignment]
    domain = serializers.ChoiceField(source="indicator.domain", choices=DOMAINS)
    scale = serializers.BooleanField(source="indicator.scale", help_text="An ONS 0-10 question.")
    higher_is_better = serializers.BooleanField(source="indicator.higher_is_better")
    fell = serializers.BooleanField(help_text="The latest answer is worse than the one before it.")
    points = WellbeingPointOutput(many=True, help_text="Oldest first, up to the last six reviews.")


class PackOutput(serializers.Serializer):
    review = ReviewRef()
    child = ChildRef()
    child_age = serializers.IntegerField()
    answered = PackEntryOutput(many=True)
    waiting = PackEntryOutput(many=True, help_text="Invited, not yet answered.")
    statements = StatementOutput(many=True, help_text="Messages since the last review.")
    feelings = FeelingOutput(
        many=True, help_text="How the child said they felt on those messages (those with a face), oldest first."
    )
    wellbeing = WellbeingLineOutput(many=True, help_text="The child's wellbeing check across their reviews.")


def _entry(entry) -> dict:
    invitation, response = entry.invitation, entry.response
    contact = invitation.contact
    return {
        "audience": invitation.audience,
        "from_child": contact is None,
        "respondent": "The child" if contact is None else f"{contact.get_role_display()}: {contact.name}",
        "submitted_at": response.submitted_at if response else None,
        "entry_mode": response.entry_mode if response else "",
        "answers": [{"question": r.question, "answer": r.answer, "not_shared": r.not_shared} for r in entry.rows],
    }


class ReviewPackApi(HeardApi):
    """Everything the IRO should read before a review: every answer, who has not answered, messages since."""

    @extend_schema(parameters=[IF_NONE_MATCH], responses={200: PackOutput, 304: NOT_MODIFIED}, operation_id="pack")
    def get(self, request: Request, review_id: int) -> Response:
        review = review_get_for_pack(caller(request), review_id)
        log_read(request, what="pre-review pack", purpose=AccessPurpose.PACK, records=[(review.pk, review.child)])
        pack = review_pack(review)
        body = {
            "review": _review(review),
            "child": _child(review.child),
            "child_age": pack.child_age,
            "answered": [_entry(entry) for entry in pack.answered],
            "waiting": [_entry(entry) for entry in pack.waiting],
            "statements": pack.statements,
            "feelings": [{"at": point.at, "feeling": point.feeling} for point in pack.feelings],
            "wellbeing": wellbeing_history(review.child, up_to=review),
        }
        return Response(PackOutput(body).data)
