"""Statements: a child or advocate writes to the IRO; the IRO reads and replies."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import AccessPurpose, Role
from consultations.pictures import PICTURES
from feedback.crisis import CHILDLINE_NUMBER, EMERGENCY_NUMBER, CrisisNumber, crisis_help_data
from feedback.models import EVERYONE, AssistedHow, Category, Channel, Feeling, FoundIn, Recipient, Statement
from feedback.receipts import statement_mark_read
from feedback.selectors import statement_get_for_user, statement_sent_with_key, statements_visible_to
from feedback.services import (
    ASSISTED_NOTE_MAX_LENGTH,
    FEELING_REFUSED,
    AssistedSession,
    statement_max_length,
    statement_reply,
    statement_submit,
    statement_too_long_message,
    statement_withdraw,
)
from mobile_api.apis.base import (
    IDEMPOTENCY_KEY,
    IF_NONE_MATCH,
    NOT_MODIFIED,
    Cursor,
    HeardApi,
    HeardListApi,
    caller,
    datetime_data,
    log_read,
)
from mobile_api.apis.idempotency import idempotent, idempotent_by_unique_key
from mobile_api.errors import Conflict
from mobile_api.serializers import StrictSerializer
from reviews.selectors import child_get_for_user, child_of_user

# Literal (the schema is English), in the order of feedback.models.Feeling.
FEELING_HELP = (
    'How the child said they feel: 1 "Really bad", 2 "Not good", 3 "OK", 4 "Good", 5 "Really good"; '
    "null when no face was chosen."
)


class StatementOutput(serializers.ModelSerializer):
    child = serializers.IntegerField(source="child_id")
    child_case_reference = serializers.CharField(source="child.case_reference")
    read = serializers.BooleanField(source="is_read")
    review_due_by = serializers.DateField(source="review.due_by", allow_null=True, default=None)
    feeling = serializers.IntegerField(
        allow_null=True, min_value=Feeling.REALLY_BAD, max_value=Feeling.REALLY_GOOD, help_text=FEELING_HELP
    )
    feeling_label = serializers.CharField(
        source="get_feeling_display",
        allow_null=True,
        help_text="The face's word in the caller's language (null when none was chosen).",
    )
    recipients = serializers.ListField(
        child=serializers.ChoiceField(choices=Recipient.choices),
        help_text="Who the child chose to read it. Whatever they chose, urgent words reach the IRO and social worker.",
    )
    assisted_how = serializers.CharField(
        help_text=(
            "For views a worker recorded in a session with the child, how the child gave them (one of "
            f"{', '.join(AssistedHow.values)}); empty otherwise."
        ),
    )
    pictures = serializers.ListField(
        child=serializers.CharField(), help_text="Pictures or symbols the child chose in an assisted session."
    )
    found_in = serializers.ChoiceField(
        choices=FoundIn.choices,
        allow_blank=True,
        help_text="Empty for a message. Otherwise where the words were written (a complaint, a consultation form, "
        "feedback after a review, a request for an advocate): they told of harm, so they are kept here with their "
        "safeguarding alert.",
    )

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
            "feeling",
            "feeling_label",
            "recipients",
            "assisted",
            "assisted_how",
            "pictures",
            "found_in",
        ]
        read_only_fields = fields


def statement_data(statement: Statement) -> dict:
    """What StatementOutput gives, built directly: the inbox lists hundreds, and DRF's field
    machinery was a fifth of its time in the benchmark's profile. A test keeps the two the same."""
    return {
        "id": statement.pk,
        "child": statement.child_id,
        "child_case_reference": statement.child.case_reference,
        "category": statement.category,
        "body": statement.body,
        "channel": statement.channel,
        "on_behalf": statement.on_behalf,
        "consent_given": statement.consent_given,
        "created_at": datetime_data(statement.created_at),
        "read": statement.read_at is not None,
        "read_at": datetime_data(statement.read_at),
        "acknowledged_at": datetime_data(statement.acknowledged_at),
        "reply": statement.reply,
        "replied_at": datetime_data(statement.replied_at),
        "is_urgent": statement.is_urgent,
        "review_due_by": _review_due_by(statement),
        "feeling": statement.feeling,
        "feeling_label": statement.get_feeling_display() if statement.feeling is not None else None,
        "recipients": statement.recipients,
        "assisted": statement.assisted,
        "assisted_how": statement.assisted_how,
        "pictures": statement.pictures,
        "found_in": statement.found_in,
    }


def _review_due_by(statement: Statement) -> str | None:
    """The date the statement's review is due: as the API's inbox read it (a column), else from its review."""
    if hasattr(statement, "review_due_by"):  # annotated by feedback.selectors.inbox_read
        due_by = statement.review_due_by
    else:
        due_by = statement.review.due_by if statement.review is not None else None
    return due_by.isoformat() if due_by is not None else None


class CrisisNumberOutput(serializers.Serializer):
    number = serializers.CharField(help_text=f'As people write it, e.g. "{CHILDLINE_NUMBER}".')
    # The API's word for it; django-stubs types a serializer's own `label` attribute as text.
    label = serializers.CharField(help_text="What it is for, in the child's language.")  # type: ignore[assignment]
    href = serializers.CharField(help_text=f'The tel: link to dial, e.g. "{CrisisNumber(CHILDLINE_NUMBER, "").href}".')


class CrisisHelpOutput(serializers.Serializer):
    """What a child who is not safe can do right now: the same words and numbers as the web pages and texts."""

    heading = serializers.CharField()
    lead = serializers.CharField(help_text=f"The first thing to say: call {EMERGENCY_NUMBER} if in danger now.")
    numbers = CrisisNumberOutput(
        many=True,
        help_text=f"Numbers to tap and call, most urgent first: {EMERGENCY_NUMBER} and Childline, then the council's.",
    )
    advice = serializers.CharField(allow_blank=True, help_text="The council's own words, if any.")
    text = serializers.CharField(help_text="All of it as plain text, as it is texted.")


class StatementCreatedOutput(StatementOutput):
    crisis_help = serializers.SerializerMethodField(
        help_text="For an urgent statement: the crisis help to show the child at once; otherwise null."
    )

    class Meta(StatementOutput.Meta):
        fields = [*StatementOutput.Meta.fields, "crisis_help"]
        read_only_fields = fields

    @extend_schema_field(CrisisHelpOutput(allow_null=True))
    def get_crisis_help(self, statement: Statement) -> dict | None:
        return CrisisHelpOutput(crisis_help_data()).data if statement.is_urgent else None


# What a child may choose to read a message: each reader, or everyone who works with them.
RECIPIENT_CHOICES = [*Recipient.choices, (EVERYONE, "Everyone who works with me")]


class AssistedInput(StrictSerializer):
    """A session in which a worker sat with the child and recorded the child's own views."""

    how = serializers.ChoiceField(choices=AssistedHow.choices, help_text="How the child gave their views.")
    note = serializers.CharField(
        required=False,
        default="",
        allow_blank=True,
        max_length=ASSISTED_NOTE_MAX_LENGTH,
        help_text="The worker's note on the session (required when `how` is \"other\"). Not the child's words.",
    )
    pictures = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(PICTURES)),
        required=False,
        default=list,
        max_length=len(PICTURES),
        help_text="Pictures or symbols the child chose, in order (slugs of Heard's own set).",
    )


class StatementInput(StrictSerializer):
    child = serializers.IntegerField(
        required=False, help_text="The child's id. Required for an advocate or a worker; a child leaves it out."
    )
    category = serializers.ChoiceField(choices=Category.choices)
    body = serializers.CharField(
        trim_whitespace=True,
        allow_blank=True,
        help_text="The child's words. Empty only in an assisted session where the child chose pictures or a face.",
    )
    recipients = serializers.ListField(
        child=serializers.ChoiceField(choices=RECIPIENT_CHOICES),
        required=False,
        allow_empty=False,
        max_length=len(Recipient.values) + 1,
        help_text=(
            'Who should read it: any of "iro", "social_worker", "personal_adviser", "advocate" the child has, or '
            '["everyone"]. Left out: their IRO. Whatever is chosen, urgent words reach the IRO and social worker.'
        ),
    )
    assisted = AssistedInput(
        required=False,
        help_text=(
            "Only for the child's IRO, social worker or advocate recording a session with the child "
            "(with consent_given true): the child's own views, marked as assisted."
        ),
    )
    consent_given = serializers.BooleanField(
        required=False, default=False, help_text="Advocates: the child agreed to this being sent for them."
    )
    quote_consent = serializers.BooleanField(
        required=False, default=False, help_text="Children: the council may quote these words, without my name."
    )
    feeling = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=Feeling.REALLY_BAD,
        max_value=Feeling.REALLY_GOOD,
        error_messages={"min_value": FEELING_REFUSED, "max_value": FEELING_REFUSED},
        help_text=FEELING_HELP,
    )

    def validate_body(self, value: str) -> str:
        if len(value) > statement_max_length():
            raise ValidationError(statement_too_long_message())
        return value

    def validate(self, attrs: dict) -> dict:
        # Blank words are for an assisted session only (the service checks a picture or face was chosen).
        if not attrs.get("body") and "assisted" not in attrs:
            raise ValidationError({"body": "This field may not be blank."})
        return attrs


class StatementListCreateApi(HeardListApi):
    """List the statements the caller may see, newest first, or send one."""

    serializer_class = StatementOutput
    pagination_class = Cursor

    def get_queryset(self):
        return statements_visible_to(caller(self.request))

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset) or []
        log_read(
            self.request, what="statement", purpose=AccessPurpose.MESSAGES, records=[(s.pk, s.child) for s in page]
        )
        return page

    @extend_schema(parameters=[IF_NONE_MATCH], responses={200: StatementOutput(many=True), 304: NOT_MODIFIED})
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=StatementInput,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: StatementCreatedOutput,
            404: OpenApiResponse(description="No such child, or not one the caller may write for."),
            409: OpenApiResponse(description="The Idempotency-Key was used for a different submission."),
        },
        operation_id="statements_create",
    )
    @idempotent_by_unique_key
    def post(self, request: Request) -> Response:
        data = StatementInput(data=request.data)
        data.is_valid(raise_exception=True)
        child_id = data.validated_data.get("child")
        if child_id is None:
            if caller(request).role != Role.CHILD:
                raise ValidationError({"child": "Say which child this is for."})
            child = child_of_user(caller(request))
            if child is None:
                raise PermissionDenied("No care record is linked to this account.")
        else:
            child = child_get_for_user(caller(request), child_id)
        statement, _ = statement_submit(
            author=caller(request),
            child=child,
            category=data.validated_data["category"],
            body=data.validated_data["body"],
            channel=Channel.APP,
            consent_given=data.validated_data["consent_given"],
            quote_consent=data.validated_data["quote_consent"] and caller(request).role == Role.CHILD,
            feeling=data.validated_data["feeling"],
            idempotency_key=request.headers.get("Idempotency-Key", ""),
            retry_answered_by_caller=True,  # @idempotent_by_unique_key
            recipients=data.validated_data.get("recipients"),
            assisted=AssistedSession(**assisted) if (assisted := data.validated_data.get("assisted")) else None,
        )
        # Just made by the caller for a child they may write for: answered as made, not read again.
        return Response(StatementCreatedOutput(statement).data, status=status.HTTP_201_CREATED)

    def replay(self, request: Request, made: str, status_code: int) -> Response:
        """A retry: the statement as the caller may see it now (404 once taken back)."""
        statement = statement_get_for_user(caller(request), made)
        return Response(StatementCreatedOutput(statement).data, status=status_code)

    def made_by_key(self, request: Request, key: str) -> str | None:
        """The statement this caller sent with this key, once its record has gone (409 for other words)."""
        found = statement_sent_with_key(caller(request), key)
        if found is None:
            return None
        data = request.data if isinstance(request.data, dict) else {}
        sent = (data.get("category"), str(data.get("body", "")).strip(), data.get("feeling"))
        if sent != (found.category, found.body, found.feeling):
            raise Conflict("The Idempotency-Key was already used for a different request.")
        return str(found.pk)


class StatementDetailApi(HeardApi):
    """One statement: the child polls it to see whether it was read and what the IRO replied, or takes it back."""

    @extend_schema(parameters=[IF_NONE_MATCH], responses={200: StatementOutput, 304: NOT_MODIFIED})
    def get(self, request: Request, statement_id: int) -> Response:
        statement = statement_get_for_user(caller(request), statement_id)
        log_read(request, what="statement", purpose=AccessPurpose.STATEMENT, records=[(statement.pk, statement.child)])
        return Response(StatementOutput(statement).data)

    @extend_schema(
        responses={
            204: None,
            400: OpenApiResponse(description="Already read, or it raised a safeguarding alert: it stays."),
            403: OpenApiResponse(description="Only the child who sent it takes it back."),
        },
        operation_id="statements_withdraw",
    )
    def delete(self, request: Request, statement_id: int) -> Response:
        statement = statement_get_for_user(caller(request), statement_id)
        statement_withdraw(statement=statement, child_user=caller(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class StatementMarkReadApi(HeardApi):
    """The child's IRO marks a statement read; the child then sees it was read."""

    @extend_schema(
        request=None,
        responses={200: StatementOutput, 403: OpenApiResponse(description="Only the child's IRO marks it read.")},
        operation_id="statements_mark_read",
    )
    def post(self, request: Request, statement_id: int) -> Response:
        statement = statement_get_for_user(caller(request), statement_id)
        if caller(request).role not in (Role.IRO, Role.SOCIAL_WORKER, Role.PERSONAL_ADVISER):
            raise PermissionDenied("Only someone the child wrote to can mark a statement read.")
        statement = statement_mark_read(statement=statement, reader=caller(request))
        # The answer carries the child's words, so it is a read too, logged for what it was for.
        log_read(request, what="statement", purpose=AccessPurpose.MARK_READ, records=[(statement.pk, statement.child)])
        return Response(StatementOutput(statement).data)


class ReplyInput(StrictSerializer):
    reply = serializers.CharField(help_text="A short reply the child will see (and be told about).")


class StatementReplyApi(HeardApi):
    """The child's IRO replies; the child is told by text or in the app, as they chose."""

    @extend_schema(
        request=ReplyInput,
        parameters=[IDEMPOTENCY_KEY],
        responses={200: StatementOutput, 403: OpenApiResponse(description="Only the child's IRO replies.")},
        operation_id="statements_reply",
    )
    @idempotent
    def post(self, request: Request, statement_id: int) -> Response:
        statement = statement_get_for_user(caller(request), statement_id)
        data = ReplyInput(data=request.data)
        data.is_valid(raise_exception=True)
        statement = statement_reply(statement=statement, iro=caller(request), text=data.validated_data["reply"])
        statement = statement_get_for_user(caller(request), statement.pk)
        # The answer carries the child's words, so it is a read too, logged for what it was for.
        log_read(request, what="statement", purpose=AccessPurpose.REPLY, records=[(statement.pk, statement.child)])
        return Response(StatementOutput(statement).data)

    def replay(self, request: Request, made: str, status_code: int, statement_id: int) -> Response:
        """A retry: the statement with its reply, if the caller may still read it (not after re-allocation)."""
        statement = statement_get_for_user(caller(request), statement_id)
        log_read(request, what="statement", purpose=AccessPurpose.REPLY, records=[(statement.pk, statement.child)])
        return Response(StatementOutput(statement).data, status=status_code)
