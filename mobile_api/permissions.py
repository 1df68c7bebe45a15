"""API permissions shared by every endpoint."""

from django.contrib.sessions.backends.base import SessionBase
from rest_framework.permissions import BasePermission

from accounts.middleware import staff_mfa_missing


class StaffHaveMFA(BasePermission):
    """Staff who can read children's words must have set up two-step sign-in."""

    message = "Set up two-step sign-in (an authenticator app) before using Heard."

    def has_permission(self, request, view) -> bool:
        user = request.user
        # The app's session comes as the token's session (request.auth); the web app's as the cookie's.
        session = request.auth if isinstance(request.auth, SessionBase) else getattr(request, "session", None)
        return not (user and user.is_authenticated and staff_mfa_missing(user, session))
