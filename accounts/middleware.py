"""Staff who can read children's words must have a second factor before they do anything else."""

from collections.abc import Callable
from types import SimpleNamespace

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

# Paths a staff member without TOTP may still reach: the sign-in and MFA set-up pages, and
# the static files those pages use.
_ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz", "/_allauth/")


class StaffMFARequiredMiddleware:
    """Send IROs, managers and admins to TOTP set-up until they have it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.needs_mfa
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and staff_mfa_missing(user, request.session)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": "Set up two-step sign-in (an authenticator app) before using Heard."},
                    status=403,
                )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


def staff_mfa_missing(user, session: SessionBase | None) -> bool:
    """Return True when this user's role needs TOTP and they have not set it up."""
    if not user.needs_mfa:
        return False
    if session is not None and _signed_in_with_totp(session, user):
        # They gave a TOTP code to sign in to this session, so they had TOTP set up: no need to ask
        # the database on every request.
        return False
    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def _signed_in_with_totp(session: SessionBase, user) -> bool:
    """Whether allauth recorded a TOTP code among the ways this user signed in to this session."""
    records = get_authentication_records(SimpleNamespace(session=session), user)
    return any(record.get("method") == "mfa" and record.get("type") == Authenticator.Type.TOTP for record in records)
