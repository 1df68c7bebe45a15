"""What every API view shares: the caller, private caching, the Idempotency-Key header and cursors."""

from collections.abc import Callable, Sequence
from functools import partial, wraps
from typing import cast

from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpResponseBase
from django.middleware.http import ConditionalGetMiddleware
from django.template.response import SimpleTemplateResponse
from django.utils import translation
from django.utils.decorators import decorator_from_middleware
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import AccessPurpose, User
from accounts.services import access_log_record_many
from reviews.models import Child
from reviews.selectors import child_language_in_session

IDEMPOTENCY_KEY = OpenApiParameter(
    name="Idempotency-Key",
    type=str,
    location=OpenApiParameter.HEADER,
    required=False,
    description="A unique key per submission, such as a UUID. A retry with the same key and body gets the "
    "first answer again (with Idempotent-Replayed: true); the same key with a different body gets 409.",
)
IF_NONE_MATCH = OpenApiParameter(
    name="If-None-Match",
    type=str,
    location=OpenApiParameter.HEADER,
    required=False,
    description="The ETag of the copy the app already has: 304 with no body if nothing changed.",
)
NOT_MODIFIED = OpenApiResponse(description="Not modified since the ETag sent in If-None-Match.")


class _ConditionalGetForApps(ConditionalGetMiddleware):
    """Django's ETag and 304, also for answers the browser must not store: the app keeps its own copy."""

    def needs_etag(self, response: HttpResponseBase) -> bool:
        return True


_conditional_get = decorator_from_middleware(_ConditionalGetForApps)


# Where `conditional` keeps the access log entries a view noted, until it knows the answer is not a 304.
_PENDING_READS = "heard_pending_reads"


def conditional(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Give a view's answers an ETag from the rendered body; If-None-Match then gets 304 (Django's middleware).

    A 304 carries none of the child's words, so the reads the view noted (`log_read`) are written to
    the access log only when the answer is a success with its body: an app polling with its ETag is
    not logged again and again for what it already has.
    """
    conditional_view = cast(Callable[..., HttpResponseBase], _conditional_get(view))

    @wraps(view)
    def view_logging_reads_sent(request, *args, **kwargs) -> HttpResponseBase:
        pending: list[Callable[[], None]] = []
        setattr(request, _PENDING_READS, pending)
        response = conditional_view(request, *args, **kwargs)

        def write_if_sent(final: HttpResponseBase) -> None:
            if 200 <= final.status_code < 300:
                for write in pending:
                    write()

        if isinstance(response, SimpleTemplateResponse):
            # The ETag needs the rendered body, so the middleware swaps in the 304 after rendering;
            # this callback comes after the middleware's and is handed the final answer.
            response.add_post_render_callback(write_if_sent)
        else:
            write_if_sent(response)
        return response

    return view_logging_reads_sent


_DATETIME = serializers.DateTimeField()


def datetime_data(value) -> str | None:
    """A moment as the API's serializers write it (ISO 8601 in UK time), for answers built directly."""
    return None if value is None else _DATETIME.to_representation(value)


def caller(request: Request) -> User:
    """Return the signed-in user (every view here requires one)."""
    return cast(User, request.user)


def log_read(
    request: Request, *, what: str, purpose: AccessPurpose, records: Sequence[tuple[object, Child | None]]
) -> None:
    """Log a staff read of these records, in one insert, with the answer that carries them (not a 304)."""
    write = partial(access_log_record_many, user=caller(request), what=what, purpose=purpose, records=records)
    pending = getattr(request, _PENDING_READS, None)  # a DRF request reads it from the Django request beneath
    if pending is None:
        write()
    else:
        pending.append(write)


def api_session(request: Request) -> SessionBase:
    """Return the caller's session: the app's X-Session-Token one, or the browser's."""
    return request.auth if isinstance(request.auth, SessionBase) else request._request.session


def activate_child_language(request: Request) -> None:
    """Answer a child in the language on their record, kept in their session (LocaleMiddleware ran before sign-in)."""
    session = api_session(request)
    language = child_language_in_session(caller(request), session)
    if request.auth is session and session.modified:
        # The app's session is saved only by allauth at sign-in: keep the language looked up once.
        session.save()
    if language:
        translation.activate(language)
        request._request.LANGUAGE_CODE = language


class PrivateAnswers(APIView):
    """Every answer holds personal data: private to the caller and never stored (phones are shared)."""

    def initial(self, request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        activate_child_language(request)

    def finalize_response(self, request, response, *args, **kwargs) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response


class HeardApi(PrivateAnswers, APIView):
    """An API operation."""


class HeardListApi(PrivateAnswers, generics.ListAPIView):
    """A paginated list (drf-spectacular describes the page)."""


class Cursor(CursorPagination):
    """Stable cursors, newest first: new records never shift the pages an app is reading."""

    ordering: tuple[str, ...] = ("-created_at", "-id")
    page_size = 50
    max_page_size = 100
    page_size_query_param = "page_size"

    def get_page_size(self, request) -> int:
        """A page_size that is not a whole number from 1 to 100 is an error, not silently ignored."""
        values = request.query_params.getlist(self.page_size_query_param)
        if not values:
            return self.page_size
        if len(values) > 1 or not values[0].isdigit() or not 1 <= int(values[0]) <= self.max_page_size:
            raise ValidationError({self.page_size_query_param: f"Use a whole number from 1 to {self.max_page_size}."})
        return int(values[0])

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_page_size})
        return parameters


class IdCursor(Cursor):
    ordering = ("-id",)


class Stored(serializers.Serializer):
    stored = serializers.BooleanField()
