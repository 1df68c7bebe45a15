"""Sessions kept in the database and read from the cache: Django's cached_db, with a short cache life.

Every request with an app session token (and every page) loads its session; from the cache that is
no query. The cache keeps a session at most CACHE_SECONDS: the cache fails soft (backend/cache.py),
so a sign-out while Redis is unreachable loses its cache delete, and the database, where the
session is gone, decides again within minutes rather than when the session would have expired.
"""

from typing import Any

from django.conf import settings
from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.core.cache import caches

CACHE_SECONDS = 300
_KEY_CHARS = frozenset(VALID_KEY_CHARS)


class _ShortLived:
    """The session cache, with every entry's life capped at CACHE_SECONDS."""

    def __init__(self, cache: Any) -> None:
        self._cache = cache

    def __contains__(self, key: str) -> bool:
        return key in self._cache

    def set(self, key: str, value: Any, timeout: float | None = None, version: int | None = None) -> None:
        life = CACHE_SECONDS if timeout is None else min(timeout, CACHE_SECONDS)
        self._cache.set(key, value, life, version=version)

    async def aset(self, key: str, value: Any, timeout: float | None = None, version: int | None = None) -> None:
        life = CACHE_SECONDS if timeout is None else min(timeout, CACHE_SECONDS)
        await self._cache.aset(key, value, life, version=version)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cache, name)


class SessionStore(cached_db.SessionStore):
    """Django's cached_db session store, its cache entries short-lived."""

    def __init__(self, session_key: str | None = None) -> None:
        super().__init__(session_key)
        self._cache = _ShortLived(caches[settings.SESSION_CACHE_ALIAS])

    def _validate_session_key(self, key: str | None) -> bool:
        # Only keys Django could have made (8 to 40 lower-case letters and digits): a made-up token
        # is turned away before it reaches the cache or the database.
        return bool(key) and 8 <= len(key) <= 40 and set(key) <= _KEY_CHARS  # type: ignore[arg-type]
