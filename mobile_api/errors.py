"""One shape for API errors: RFC 9457 problem details, with each bad field named."""

import logging
from collections.abc import Iterator
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import status
from rest_framework.exceptions import APIException, ErrorDetail, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from feedback.services import IdempotencyConflict

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This request conflicts with an earlier one."
    default_code = "conflict"


class Unavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "Heard cannot reach its database just now. Try again shortly, with the same Idempotency-Key."
    default_code = "unavailable"


# A database that is restarting or unreachable: retryable, never a 500.
DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5


class RequestTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


def _field_errors(detail: Any, path: tuple[str, ...] = ()) -> Iterator[dict[str, str]]:
    """Flatten DRF's nested error detail into one entry per field, each with a JSON pointer."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            yield from _field_errors(value, (*path, str(key)))
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            # A list of messages for one field stays on that field; a list of objects is indexed.
            yield from _field_errors(value, path if not isinstance(value, dict | list) else (*path, str(index)))
    else:
        field = ".".join(part for part in path if part != "non_field_errors")
        pointer = "#/" + "/".join(part for part in path if part != "non_field_errors")
        yield {
            "field": field,
            "pointer": pointer if field else "#",
            "detail": str(detail),
            "code": getattr(detail, "code", "invalid"),
        }


def problem(status_code: int, detail: str, *, code: str = "", errors: list[dict[str, str]] | None = None) -> dict:
    """The body of a problem-details answer."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status_code).phrase,
        "status": status_code,
        "detail": detail,
        "code": code or HTTPStatus(status_code).phrase.lower().replace(" ", "_"),
    }
    if errors is not None:
        body["errors"] = errors
    return body


def _as_drf(exc: Exception) -> Exception:
    if isinstance(exc, DjangoValidationError):
        return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})
    if isinstance(exc, DjangoPermissionDenied):
        return PermissionDenied(str(exc) or None)
    if isinstance(exc, IdempotencyConflict):
        return Conflict(str(exc))
    if isinstance(exc, DATABASE_DOWN):
        logger.warning("Answering 503: the database failed: %s", exc)
        return Unavailable()
    return exc


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """Translate domain exceptions to DRF's, let DRF answer, then reshape the answer as a problem."""
    exc = _as_drf(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ValidationError):
        errors = list(_field_errors(exc.detail))
        summary = "; ".join(f"{e['field']}: {e['detail']}" if e["field"] else e["detail"] for e in errors)
        body = problem(response.status_code, summary or "The request is not valid.", code="invalid", errors=errors)
    else:
        detail = exc.detail if isinstance(exc, APIException) else str(exc)
        code = detail.code if isinstance(detail, ErrorDetail) else ""
        body = problem(response.status_code, str(detail), code=code or "")
    if isinstance(exc, Http404):
        body["detail"] = "Not found."
    if isinstance(exc, Unavailable):
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.data = body
    response.content_type = PROBLEM_JSON
    return response


@csrf_exempt  # it changes nothing; a POST to a wrong path should hear "no such endpoint"
def api_not_found(request: HttpRequest) -> JsonResponse:
    """A path under /api/ that matches no route answers as the API does."""
    return JsonResponse(problem(404, "No such endpoint."), status=404, content_type=PROBLEM_JSON)


def api_csrf_failure(request: HttpRequest, reason: str = "") -> JsonResponse:
    """The web app's session needs its CSRF token on every change; say so in the API's shape."""
    return JsonResponse(
        problem(403, "Send the CSRF token (X-CSRFToken) with a signed-in browser session.", code="csrf_failed"),
        status=403,
        content_type=PROBLEM_JSON,
    )


def api_unavailable(request: HttpRequest) -> JsonResponse:
    """The database failed outside a view (signing the caller in, say): retryable, in the API's shape."""
    response = JsonResponse(problem(503, str(Unavailable.default_detail)), status=503, content_type=PROBLEM_JSON)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def api_server_error(request: HttpRequest) -> JsonResponse:
    """An unexpected failure under /api/ still answers in the documented shape."""
    return JsonResponse(
        problem(500, "Something went wrong on our side. Your request may be retried with the same Idempotency-Key."),
        status=500,
        content_type=PROBLEM_JSON,
    )
