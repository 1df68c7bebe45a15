"""API permissions shared by every endpoint."""

from django.contrib.sessions.backends.base import SessionBase
from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.middleware import staff_mfa_missing
from accounts.models import Role


class StaffHaveMFA(BasePermission):
    """Staff who can read children's words must have set up two-step sign-in."""

    message = "Set up two-step sign-in (an authenticator app) before using Heard."

    def has_permission(self, request, view) -> bool:
        user = request.user
        # The app's session comes as the token's session (request.auth); the web app's as the cookie's.
        session = request.auth if isinstance(request.auth, SessionBase) else getattr(request, "session", None)
        return not (user and user.is_authenticated and staff_mfa_missing(user, session))


class CaseSystemReadsOnly(BasePermission):
    """The case system's integration fetches what a webhook names; it changes nothing in Heard."""

    message = "The case system's key reads only."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return not (user and user.is_authenticated and user.role == Role.CASE_SYSTEM) or request.method in SAFE_METHODS
