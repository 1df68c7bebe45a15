"""Telling people that a statement arrived; runs after commit, outside any transaction."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from feedback.models import Statement

logger = logging.getLogger("heard.feedback")


def inbox_group_name(user_id: int) -> str:
    """Return the channel-layer group that carries one staff member's inbox events."""
    return f"inbox.user.{user_id}"


def statement_arrived(*, statement_id: int) -> None:
    """Push a live event to the routed IRO's inbox and email them a link (no child's words)."""
    statement = Statement.objects.select_related("routed_to").filter(pk=statement_id).first()
    if statement is None or statement.routed_to is None:
        return
    iro = statement.routed_to
    layer = get_channel_layer()
    if layer is not None:
        # Events carry ids only: the page fetches what the IRO may see through the usual checks.
        async_to_sync(layer.group_send)(
            inbox_group_name(iro.pk), {"type": "inbox.event", "kind": "statement", "id": statement.pk}
        )
    if iro.email:
        send_mail(
            subject="New message in Heard",
            message=(
                "A child on your caseload has sent a new message in Heard.\n\n"
                f"Read it in your inbox: {settings.PUBLIC_BASE_URL}{reverse('feedback:inbox')}\n"
            ),
            from_email=None,
            recipient_list=[iro.email],
        )
