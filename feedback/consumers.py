"""The live inbox socket: staff receive events for the children they may see, while signed in."""

from importlib import import_module

from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.auth import SESSION_KEY

from accounts.middleware import staff_mfa_missing
from accounts.models import INBOX_ROLES
from feedback.live import inbox_group_name, session_group_name

# Close codes for "not allowed" and "signed out": 4000-4999 are free for applications.
CLOSE_FORBIDDEN = 4403
CLOSE_SIGNED_OUT = 4401


def _signed_in(session_key: str, user_id: int) -> bool:
    """Return True while the session the socket was opened under still signs in this user."""
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)
    return str(session.get(SESSION_KEY)) == str(user_id)


def close_sockets_on_sign_out(sender, request, user, **kwargs) -> None:
    """Close the inbox sockets of a session as it signs out (Django's user_logged_out signal)."""
    layer = get_channel_layer()
    session_key = getattr(getattr(request, "session", None), "session_key", None)
    if layer is not None and session_key:
        async_to_sync(layer.group_send)(session_group_name(session_key), {"type": "session.ended"})


class InboxConsumer(AsyncJsonWebsocketConsumer):
    """Carries inbox events for the signed-in IRO or manager, and nobody else, until they sign out."""

    async def connect(self) -> None:
        user = self.scope.get("user")
        session = self.scope.get("session")
        self.session_key = getattr(session, "session_key", None)
        if user is None or not user.is_authenticated or user.role not in INBOX_ROLES:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        if not self.session_key or await database_sync_to_async(staff_mfa_missing)(user, session):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.user_id = user.pk
        self.groups_joined = [inbox_group_name(user.pk), session_group_name(self.session_key)]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        # The socket only carries events to the browser; anything sent up is ignored.
        return None

    async def inbox_event(self, event: dict) -> None:
        # A session can also end without a sign-out here (signed out elsewhere, expired): check first.
        if not await database_sync_to_async(_signed_in)(self.session_key, self.user_id):
            await self.close(code=CLOSE_SIGNED_OUT)
            return
        await self.send_json({"kind": event["kind"], "id": event["id"]})

    async def session_ended(self, event: dict) -> None:
        await self.close(code=CLOSE_SIGNED_OUT)
