"""Writes to accounts that are not sign-in (allauth owns those)."""

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import AccessLogEntry, AccessPurpose, NotifyBy, Role, User

if TYPE_CHECKING:  # accounts sits below reviews: the type only
    from reviews.models import Child


def user_set_notify_by(*, user: User, notify_by: str) -> User:
    """Record how a person wants to hear about replies: by text, by email or in the app only."""
    if notify_by not in NotifyBy.values:
        raise ValidationError({"notify_by": "Choose text message, email or app."})
    if notify_by == NotifyBy.SMS and not user.phone:
        raise ValidationError({"notify_by": "We don't have a phone number for you. Ask your IRO to add it."})
    if notify_by == NotifyBy.EMAIL and not user.email:
        raise ValidationError({"notify_by": _("We don't have an email address for you. Ask your IRO to add it.")})
    user.notify_by = notify_by
    user.save(update_fields=["notify_by"])
    return user


# Roles whose reads of a child's words are logged (a child reading their own is not).
LOGGED_ROLES = frozenset({Role.IRO, Role.MANAGER, Role.ADMIN, Role.ADVOCATE, Role.EDT})


def access_log_record(
    *,
    user: User,
    what: str,
    purpose: AccessPurpose,
    object_id: object = "",
    child: "Child | None" = None,
    action: AccessLogEntry.Action = AccessLogEntry.Action.VIEW,
    reason: str = "",
) -> None:
    """Write one access log entry for a staff read or export, with its purpose (nothing for anyone else)."""
    access_log_record_many(
        user=user, what=what, purpose=purpose, records=[(object_id, child)], action=action, reason=reason
    )


def access_log_record_many(
    *,
    user: User,
    what: str,
    purpose: AccessPurpose,
    records: Sequence[tuple[object, "Child | None"]],
    action: AccessLogEntry.Action = AccessLogEntry.Action.VIEW,
    reason: str = "",
) -> None:
    """Log one staff read of several records in a single insert: (object id, child) each, all for one purpose."""
    purpose = AccessPurpose(purpose)
    if purpose == AccessPurpose.UNRECORDED:
        raise ValueError("Say why the record was read: 'unrecorded' is only for entries older than purposes.")
    if user.role not in LOGGED_ROLES or not records:
        return
    AccessLogEntry.objects.append(
        user_id=user.pk,
        action=AccessLogEntry.Action(action).value,
        what=what,
        purpose=purpose.value,
        reason=reason[:200],
        records=[(str(object_id)[:40], child.pk if child is not None else None) for object_id, child in records],
    )
