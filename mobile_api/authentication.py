"""How the app proves who it is: allauth's session token, or the browser's session for the web app."""

from allauth.headless.contrib.rest_framework.authentication import XSessionTokenAuthentication


class SessionTokenAuthentication(XSessionTokenAuthentication):
    """allauth's X-Session-Token; a missing or expired token is answered 401, with a challenge."""

    def authenticate_header(self, request) -> str:
        return 'X-Session-Token realm="heard"'
