"""Keys for the case system's integration: made for a case-system account, checked on each API call, revoked."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role, User
from integrations.models import KEY_PREFIX, IntegrationKey, key_digest

# A key's last use is noted at most this often: a busy integration must not write on every call.
LAST_USED_EVERY = timedelta(minutes=5)


def integration_key_make(*, user: User, name: str) -> tuple[IntegrationKey, str]:
    """Make a key for an active case-system account; return it and the key, which is shown once."""
    if user.role != Role.CASE_SYSTEM or not user.is_active:
        raise ValidationError({"user": "Keys are only for an active account with the case-system role."})
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationError({"name": "Name the system that will use the key (up to 100 characters)."})
    return IntegrationKey.make(user=user, name=name)


def integration_key_user(key: str) -> User | None:
    """Return the case-system account this key belongs to, or None for a key that is unknown, revoked or not theirs."""
    if not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    found = (
        IntegrationKey.objects.select_related("user").filter(digest=key_digest(key), revoked_at__isnull=True).first()
    )
    if found is None or not found.user.is_active or found.user.role != Role.CASE_SYSTEM:
        return None
    now = timezone.now()
    if found.last_used_at is None or found.last_used_at < now - LAST_USED_EVERY:
        IntegrationKey.objects.filter(pk=found.pk).update(last_used_at=now)
    return found.user


def integration_keys_revoke(keys) -> int:
    """Revoke these keys from now on; return how many were still in use."""
    return keys.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
