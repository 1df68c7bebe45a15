"""Writes to accounts that are not sign-in (allauth owns those)."""

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import ABOUT_ME_MAX_LENGTH, AccessLogEntry, AccessPurpose, NotifyBy, Role, User
from accounts.photos import photo_reencode

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


# AbstractUser's first_name.
FIRST_NAME_MAX_LENGTH = 150
# People who may show children a name, a photo and a few words about themselves.
PROFILE_ROLES = frozenset({Role.IRO, Role.MANAGER, Role.ADVOCATE, Role.EDT, Role.SOCIAL_WORKER, Role.PERSONAL_ADVISER})


@transaction.atomic
def user_set_profile(*, user: User, first_name: str, about_me: str, photo=None, remove_photo: bool = False) -> User:
    """Record what a member of staff tells children about themself; a new photo is re-encoded first."""
    if user.role not in PROFILE_ROLES:
        raise ValidationError({"about_me": "Only staff who work with children have a profile for them."})
    first_name, about_me = first_name.strip(), about_me.strip()
    errors = {}
    if not first_name:
        errors["first_name"] = "Write the first name children will know you by."
    elif len(first_name) > FIRST_NAME_MAX_LENGTH:
        errors["first_name"] = "That name is too long."
    if len(about_me) > ABOUT_ME_MAX_LENGTH:
        errors["about_me"] = f"Keep it to {ABOUT_ME_MAX_LENGTH} characters or fewer."
    if errors:
        raise ValidationError(errors)
    clean_photo = photo_reencode(photo) if photo is not None else None
    old_name = user.photo.name if (clean_photo is not None or remove_photo) else ""
    user.first_name, user.about_me = first_name, about_me
    if clean_photo is not None:
        user.photo.save(clean_photo.name, clean_photo, save=False)
    elif remove_photo:
        user.photo = ""
    user.save(update_fields=["first_name", "about_me", "photo"])
    if old_name:
        storage = user.photo.storage
        # The old file goes only once the new record is safe: a rollback keeps the photo it points at.
        transaction.on_commit(lambda: storage.delete(old_name))
    return user


# Roles whose reads of a child's words are logged (a child reading their own is not).
LOGGED_ROLES = frozenset(
    {
        Role.IRO,
        Role.MANAGER,
        Role.ADMIN,
        Role.ADVOCATE,
        Role.EDT,
        Role.SOCIAL_WORKER,
        Role.PERSONAL_ADVISER,
        Role.CASE_SYSTEM,
    }
)


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
