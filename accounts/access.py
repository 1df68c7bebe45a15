"""The one role check for pages: a page for another role is "not found", like a record they may not see."""

from django.http import Http404

from accounts.models import AuthenticatedHttpRequest


def require_role(request: AuthenticatedHttpRequest, *roles: str) -> None:
    """Answer 404 unless the signed-in user has one of these roles."""
    if request.user.role not in roles:
        raise Http404


def posted_id(value: str | None) -> int:
    """Read a record id from a form, or 0 (which matches nothing) when it is not a whole number."""
    return int(value) if value and value.isdigit() else 0
