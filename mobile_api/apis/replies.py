"""The conversation on a statement: the child (or their advocate) and their IRO reply back and forth."""

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import AccessPurpose
from feedback.models import CONTROL_CHARACTERS, Reply, ReplyFrom
from feedback.receipts import replies_mark_read
from feedback.selectors import replies_on, reply_sent_with_key, statement_get_for_user
from feedback.services import reply_post
from mobile_api.apis.base import IDEMPOTENCY_KEY, Cursor, HeardListApi, caller, datetime_data, log_read
from mobile_api.apis.idempotency import idempotent_by_unique_key
from mobile_api.errors import Conflict
from mobile_api.serializers import StrictSerializer

WRITE_SOMETHING = _("Please write something before you send it.")


class ReplyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    # "from" is a Python keyword: declared through the class namespace, so the API can use the word.
    locals()["from"] = serializers.ChoiceField(
        choices=ReplyFrom.values, help_text='Who wrote it: "child", "advocate" (for the child) or "iro".'
    )
    author_name = serializers.CharField(
        allow_null=True,
        help_text='The first name of the IRO or advocate who wrote it, e.g. "Ben"; null for the child\'s own.',
    )
    body = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(
        allow_null=True,
        help_text="When the other side first read it (the child for the IRO's, the IRO for the child's side's).",
    )


def reply_data(reply: Reply) -> dict:
    """One reply in ReplyOutput's shape; a child's own replies name nobody."""
    staff = reply.sender != ReplyFrom.CHILD
    return {
        "id": reply.pk,
        "from": reply.sender,
        "author_name": (reply.author.first_name or None) if staff else None,
        "body": reply.body,
        "created_at": datetime_data(reply.created_at),
        "read_at": datetime_data(reply.read_at),
    }


class ConversationReplyInput(StrictSerializer):
    body = serializers.CharField(
        help_text="The reply. A child's may be as long as a statement; an IRO's at most 1,000 characters.",
        error_messages={"blank": WRITE_SOMETHING, "required": WRITE_SOMETHING},
    )


class ThreadCursor(Cursor):
    """Oldest first, 20 a page: a conversation reads from its start, and new replies join its end."""

    ordering = ("created_at", "id")
    page_size = 20

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound as exc:  # DRF answers a bad cursor 404; it is a bad request, not a missing thing
            raise ValidationError({"cursor": "This is not a cursor from Heard: start again without it."}) from exc


class ReplyListCreateApi(HeardListApi):
    """The replies on a statement, oldest first; or one more from the caller (the child's side or their IRO).

    Reading the list marks the other side's replies read: the child's marks their IRO's, the IRO's
    the child's side's. Anyone who may not read the statement gets 404, whoever they are.
    """

    serializer_class = ReplyOutput
    pagination_class = ThreadCursor

    def get_queryset(self):
        return Reply.objects.none()  # for the schema only: the list is read through the statement's gate

    @extend_schema(
        responses={200: ReplyOutput(many=True), 404: OpenApiResponse(description="No such statement for the caller.")},
        operation_id="statements_replies_list",
    )
    def get(self, request: Request, statement_id: int) -> Response:
        statement = statement_get_for_user(caller(request), statement_id)
        with transaction.atomic():  # a bad cursor or page size leaves nothing marked read
            replies_mark_read(statement=statement, reader=caller(request))
            page = self.paginate_queryset(replies_on(statement)) or []
        log_read(request, what="statement", purpose=AccessPurpose.STATEMENT, records=[(statement.pk, statement.child)])
        return self.get_paginated_response([reply_data(reply) for reply in page])

    @extend_schema(
        request=ConversationReplyInput,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: ReplyOutput,
            400: OpenApiResponse(description="No words, or too many."),
            403: OpenApiResponse(description="Not in this conversation: only the child, their advocate or their IRO."),
            404: OpenApiResponse(description="No such statement for the caller."),
            409: OpenApiResponse(description="The Idempotency-Key was used for a different reply."),
        },
        operation_id="statements_replies_create",
    )
    @idempotent_by_unique_key
    def post(self, request: Request, statement_id: int) -> Response:
        statement = statement_get_for_user(caller(request), statement_id)
        data = ConversationReplyInput(data=request.data)
        data.is_valid(raise_exception=True)
        reply, _created = reply_post(
            statement=statement,
            author=caller(request),
            body=data.validated_data["body"],
            idempotency_key=request.headers.get("Idempotency-Key", ""),
            retry_answered_by_caller=True,  # @idempotent_by_unique_key
        )
        return Response(reply_data(reply), status=status.HTTP_201_CREATED)

    def replay(self, request: Request, made: str, status_code: int, statement_id: int) -> Response:
        """A retry: the reply as the caller may see it now (404 once the statement is not theirs to read)."""
        statement = statement_get_for_user(caller(request), statement_id)
        reply = replies_on(statement).filter(pk=made).first() if made.isdigit() else None
        if reply is None:
            raise Http404("No such reply.")
        return Response(reply_data(reply), status=status_code)

    def made_by_key(self, request: Request, key: str) -> str | None:
        """The reply this caller sent with this key, once its record has gone (409 for other words)."""
        found = reply_sent_with_key(caller(request), key)
        if found is None:
            return None
        data = request.data if isinstance(request.data, dict) else {}
        body = CONTROL_CHARACTERS.sub("", str(data.get("body", "")).replace("\r\n", "\n")).strip()
        if (found.statement_id, found.body) != (self.kwargs.get("statement_id"), body):
            raise Conflict("The Idempotency-Key was already used for a different request.")
        return str(found.pk)
