"""A signed-in child's pages come in the language on their record, ahead of their browser's."""

from collections.abc import Callable

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.i18n import set_language as django_set_language

from accounts.models import Role, User
from reviews.models import Child
from reviews.selectors import AVATAR_SESSION_KEY, LANGUAGE_SESSION_KEY, child_language_in_session, child_of_user
from reviews.services import child_set_avatar, child_set_language


class ChildLanguageMiddleware:
    """After LocaleMiddleware and sign-in: a child's chosen language wins over the browser's and the cookie's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and hasattr(request, "session"):
            # Read from the session, which every page loads anyway: no query per request.
            language = child_language_in_session(user, request.session)
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)


def remember_language_at_sign_in(sender, request: HttpRequest | None, user: User, **kwargs) -> None:
    """Note a child's chosen language in their new session at sign-in, so their pages need not look it up."""
    if request is None or not hasattr(request, "session") or user.role != Role.CHILD:
        return
    child = child_of_user(user)
    request.session[LANGUAGE_SESSION_KEY] = child.preferred_language if child else ""
    # The picture they chose is shown in the header of each of their pages: noted now for the same reason.
    request.session[AVATAR_SESSION_KEY] = child.avatar if child else ""


def child_choose_language(*, child: Child, session: SessionBase, language: str) -> None:
    """Save the child's choice on their record (the service refuses an unknown one) and in this session."""
    child_set_language(child=child, language=language)
    session[LANGUAGE_SESSION_KEY] = language


def child_choose_avatar(*, child: Child, session: SessionBase, avatar: str) -> None:
    """Save the child's picture on their record (the service refuses an unknown one) and in this session."""
    child_set_avatar(child=child, avatar=avatar)
    session[AVATAR_SESSION_KEY] = avatar


def set_language(request: HttpRequest) -> HttpResponse:
    """The footer's switch: Django's cookie for everyone; for a signed-in child, their record's choice too.

    Otherwise the record would win over the switch on the next page, and the child's texts would
    stay in a language they had just turned away from.
    """
    response = django_set_language(request)
    language = request.POST.get("language", "")
    child = child_of_user(request.user) if request.method == "POST" and isinstance(request.user, User) else None
    if child is not None and language in dict(settings.LANGUAGES):
        child_choose_language(child=child, session=request.session, language=language)
    return response
