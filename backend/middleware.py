"""Site-wide middleware."""

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control

from backend.json_depth import MAX_JSON_DEPTH, json_too_deep
from backend.views import database_down_response
from mobile_api.errors import DATABASE_DOWN

logger = logging.getLogger(__name__)


class PrivateByDefaultMiddleware:
    """Every answer is `Cache-Control: no-store, private` unless its view chose otherwise.

    Pages and API answers hold children's words and names, and children share phones and
    computers: nothing may be kept by the browser or a shared cache. Only a view that serves no
    personal data (the manifest, the service worker) sets its own policy.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, private=True)
        return response


class SignInJsonDepthMiddleware:
    """allauth's app API parses JSON itself: a body nested to exhaust the parser gets a 400 here, not a 500.

    The app API of Heard's own (/api/) checks the same in its parser (mobile_api/parsers.py).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        signing_in = request.path.startswith("/_allauth/") and request.content_type == "application/json"
        if signing_in and json_too_deep(request.body):
            # allauth's own error shape, so the app reads it like any other sign-in error.
            message = f"JSON nested more than {MAX_JSON_DEPTH} levels deep."
            return JsonResponse({"status": 400, "errors": [{"message": message, "code": "invalid"}]}, status=400)
        return self.get_response(request)


class DatabaseDownMiddleware:
    """A view that cannot reach the database answers a retryable 503 (the SMS webhook: a reply to text again).

    Under ASGI Django builds the error page in another thread, where the exception is no longer in
    hand, so handler500 alone answered 500; the exception reaches this hook in every server.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DATABASE_DOWN):
            return None
        logger.warning("Answering 503 for %s: the database failed: %s", request.path, exception)
        return database_down_response(request)
