"""One shape for API errors: Django's and the domain's exceptions become clear 4xx answers."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from feedback.services import IdempotencyConflict


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This request conflicts with an earlier one."
    default_code = "conflict"


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """Translate domain exceptions to DRF ones, then let DRF answer."""
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})
    elif isinstance(exc, DjangoPermissionDenied):
        exc = PermissionDenied(str(exc) or None)
    elif isinstance(exc, IdempotencyConflict):
        exc = Conflict(str(exc))
    return drf_exception_handler(exc, context)
