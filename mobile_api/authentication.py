"""How the app proves who it is: allauth's session token, or the browser's session for the web app."""

from allauth.headless.contrib.rest_framework.authentication import XSessionTokenAuthentication
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from integrations.keys import integration_key_user


class SessionTokenAuthentication(XSessionTokenAuthentication):
    """allauth's X-Session-Token; a missing or expired token is answered 401, with a challenge."""

    def authenticate_header(self, request) -> str:
        return 'X-Session-Token realm="heard"'


class IntegrationKeyAuthentication(BaseAuthentication):
    """The case system's integration: "Authorization: Bearer heard_…", a key made by manage.py integration_key."""

    keyword = b"bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword:
            return None
        if len(header) != 2:
            raise AuthenticationFailed("Send the key as: Authorization: Bearer <key>.")
        user = integration_key_user(header[1].decode("latin-1"))
        if user is None:
            raise AuthenticationFailed("That key is not known, or was revoked.")
        return user, None

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="heard"'
