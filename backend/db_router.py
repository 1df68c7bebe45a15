"""Reports read from a PostgreSQL read replica when one is configured (DATABASE_REPLICA_URL).

Only code that asks for it reads from the replica (`with reads_from_replica():`), because a replica
lags a little: a child's own page must show the message they just sent, but an annual figure can
be a second old. Everything else, and every write, uses the primary.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
_use_replica: ContextVar[bool] = ContextVar("heard_use_replica", default=False)


@contextmanager
def reads_from_replica() -> Iterator[None]:
    """Send the reads inside this block to the replica, if there is one."""
    token = _use_replica.set(True)
    try:
        yield
    finally:
        _use_replica.reset(token)


class ReplicaRouter:
    """Reads inside reads_from_replica() go to the replica; all else to the primary."""

    def db_for_read(self, model, **hints) -> str | None:
        return REPLICA if _use_replica.get() and REPLICA in settings.DATABASES else None

    def db_for_write(self, model, **hints) -> str | None:
        return None

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db != REPLICA  # the replica follows the primary; nothing is migrated on it
