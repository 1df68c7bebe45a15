"""Site-wide pages: the home page that sends each person to their place, and the health check."""

import sys

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views import defaults
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.cache import never_cache

from accounts.models import AuthenticatedHttpRequest, Role
from mobile_api.errors import DATABASE_DOWN, RETRY_AFTER_SECONDS, api_csrf_failure, api_server_error, api_unavailable
from sms.transport import twiml_reply

_HOME_BY_ROLE: dict[str, str] = {
    Role.CHILD: "feedback:my_statements",
    Role.ADVOCATE: "feedback:advocacy",
    Role.IRO: "feedback:inbox",
    Role.MANAGER: "feedback:inbox",
    Role.SOCIAL_WORKER: "feedback:inbox",
    Role.PERSONAL_ADVISER: "feedback:inbox",
    Role.EDT: "feedback:alert_list",
}


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Send each person to the page their role starts on."""
    target = _HOME_BY_ROLE.get(request.user.role)
    if target:
        return redirect(target)
    if request.user.role == Role.ADMIN:
        return redirect("admin:index")
    return redirect("reporting:cicc")


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return False
    return True


def _redis_ok() -> bool:
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
        return bool(client.ping())
    except redis.RedisError:
        return False


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 when the database (and Redis, when configured) answer; 503 otherwise."""
    checks = {"database": "ok" if _database_ok() else "down"}
    if settings.REDIS_URL:
        checks["redis"] = "ok" if _redis_ok() else "down"
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse({"status": "ok" if healthy else "down", "checks": checks}, status=200 if healthy else 503)


def database_down_response(request: HttpRequest) -> HttpResponse:
    """What to answer when the database cannot be reached: nothing is stored, so say to try again."""
    if request.path.startswith("/api/"):
        return api_unavailable(request)
    if request.path == "/sms/inbound/":
        # Twilio does not retry a failed webhook: the child is told, by reply, to send it again.
        return HttpResponse(twiml_reply(SMS_NOT_TAKEN), content_type="text/xml")
    response = HttpResponse(
        "Heard is busy for a moment. Please go back and send it again in a minute.",
        status=503,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


SMS_NOT_TAKEN = "Sorry, Heard couldn't take your text just now. Please send it again in a few minutes."


def server_error(request: HttpRequest) -> HttpResponse:
    """A 500, or a 503 when the database is unreachable (retryable); the API answers in its problem shape."""
    # Under WSGI, and for middleware, Django calls this while handling the exception, so it is still
    # the one in hand; a view's failure under ASGI is caught by DatabaseDownMiddleware instead.
    if isinstance(sys.exc_info()[1], DATABASE_DOWN):
        return database_down_response(request)
    if request.path.startswith("/api/"):
        return api_server_error(request)
    return defaults.server_error(request)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A missing CSRF token: the API answers in its problem shape; pages get Django's page."""
    if request.path.startswith("/api/"):
        return api_csrf_failure(request, reason)

    return django_csrf_failure(request, reason)
