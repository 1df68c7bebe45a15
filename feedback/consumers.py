"""The live inbox socket: staff receive events for the children they may see."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from accounts.middleware import staff_mfa_missing
from accounts.models import Role
from feedback.notifications import inbox_group_name

# Close code for "not allowed": 4000-4999 are free for applications.
CLOSE_FORBIDDEN = 4403


class InboxConsumer(AsyncJsonWebsocketConsumer):
    """Carries inbox events for the signed-in IRO or manager, and nobody else."""

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or user.role not in (Role.IRO, Role.MANAGER):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        if await database_sync_to_async(staff_mfa_missing)(user):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.group = inbox_group_name(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs) -> None:
        # The socket only carries events to the browser; anything sent up is ignored.
        return None

    async def inbox_event(self, event: dict) -> None:
        await self.send_json({"kind": event["kind"], "id": event["id"]})
