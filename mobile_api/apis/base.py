"""What every API view shares: the caller, private caching, the Idempotency-Key header and cursors."""

from collections.abc import Callable
from typing import cast

from django.http import HttpResponseBase
from django.middleware.http import ConditionalGetMiddleware
from django.utils.decorators import decorator_from_middleware
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User

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

_conditional_get = decorator_from_middleware(ConditionalGetMiddleware)


def conditional(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Give a view's answers an ETag from the rendered body; If-None-Match then gets 304 (Django's middleware)."""
    return cast(Callable[..., HttpResponseBase], _conditional_get(view))


def caller(request: Request) -> User:
    """Return the signed-in user (every view here requires one)."""
    return cast(User, request.user)


class PrivateAnswers(APIView):
    """Every answer holds personal data: private to the caller, and checked again before reuse."""

    def finalize_response(self, request, response, *args, **kwargs) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Cache-Control"] = "private, no-cache"
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
