"""Writes to accounts that are not sign-in (allauth owns those)."""

from django.core.exceptions import ValidationError

from accounts.models import NotifyBy, User


def user_set_notify_by(*, user: User, notify_by: str) -> User:
    """Record how a person wants to hear about replies: by text or in the app only."""
    if notify_by not in NotifyBy.values:
        raise ValidationError({"notify_by": "Choose text message or app."})
    if notify_by == NotifyBy.SMS and not user.phone:
        raise ValidationError({"notify_by": "We don't have a phone number for you. Ask your IRO to add it."})
    user.notify_by = notify_by
    user.save(update_fields=["notify_by"])
    return user
