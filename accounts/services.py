"""Writes to accounts that are not sign-in (allauth owns those)."""

from typing import Any

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


# Roles whose reads of a child's words are logged (a child reading their own is not).
LOGGED_ROLES = frozenset({"iro", "manager", "admin", "advocate"})


def access_log_record(
    *, user: User, what: str, object_id: object = "", child=None, action: str = "view", reason: str = ""
) -> None:
    """Write one access log entry for a staff read or export (nothing for anyone else)."""
    from accounts.models import AccessLogEntry

    if user.role not in LOGGED_ROLES:
        return
    AccessLogEntry.objects.create(
        user=user, action=action, what=what, object_id=str(object_id)[:40], child=child, reason=reason[:200]
    )


def access_log_record_many(*, user: User, what: str, records: list[tuple[object, Any]]) -> None:
    """Log a staff read of several records at once (a list through the API): (object id, child) each."""
    from accounts.models import AccessLogEntry

    if user.role not in LOGGED_ROLES or not records:
        return
    AccessLogEntry.objects.bulk_create(
        [
            AccessLogEntry(user=user, action="view", what=what, object_id=str(oid)[:40], child=child)
            for oid, child in records
        ]
    )
