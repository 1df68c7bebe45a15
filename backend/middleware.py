"""Site-wide middleware."""

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)


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
        from backend.views import database_down_response
        from mobile_api.errors import DATABASE_DOWN

        if not isinstance(exception, DATABASE_DOWN):
            return None
        logger.warning("Answering 503 for %s: the database failed: %s", request.path, exception)
        return database_down_response(request)
