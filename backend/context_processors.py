"""Values every template may use."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from feedback.crisis import crisis_help_data
from reviews.models import Avatar
from reviews.selectors import child_avatar_in_session


def _child_avatar(request: HttpRequest) -> dict | None:
    """The signed-in child's chosen picture for the header: its static path and its name, or None."""
    user = getattr(request, "user", None)
    if user is None or not hasattr(request, "session"):
        return None
    avatar = child_avatar_in_session(user, request.session)
    if avatar not in Avatar.values:
        return None
    return {"value": avatar, "label": Avatar(avatar).label, "path": f"heard/avatars/{avatar}.svg"}


def heard(request: HttpRequest) -> dict:
    """Return the council's name for page headers, the crisis help, and a child's picture for their header."""
    # Lazy: worked out, in the page's language, only by a page that shows it.
    return {
        "LA_NAME": settings.LA_NAME,
        "crisis_help": SimpleLazyObject(crisis_help_data),
        "child_avatar": SimpleLazyObject(lambda: _child_avatar(request)),
    }
