"""Live events for open pages over the channel layer: inbox and session group names, and pushes."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from redis.exceptions import RedisError

logger = logging.getLogger("heard.feedback")


def inbox_group_name(user_id: int) -> str:
    """Return the channel-layer group that carries one staff member's inbox events."""
    return f"inbox.user.{user_id}"


def push_inbox_event(user_id: int, kind: str, object_id: int) -> None:
    """Send a live event to one staff member's open inbox pages (ids only); best effort.

    The inbox page shows everything when it is next opened, and email is the notice that must
    arrive, so a channel layer that is down (Redis) is logged, not raised.
    """
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(
            inbox_group_name(user_id), {"type": "inbox.event", "kind": kind, "id": object_id}
        )
    except (OSError, RedisError) as exc:
        logger.warning("Live inbox event not sent (%s): %s", kind, exc)


def session_group_name(session_key: str) -> str:
    """The channel group of the sockets opened under one sign-in session."""
    return f"session.{session_key}"
