"""A Redis cache that fails soft: with Redis down, Heard still takes children's words.

The cache holds only counters and throttles (API throttles, sign-in and SMS rate limits). While
Redis is unreachable they read as empty and writes are dropped, so limits are not enforced for
those minutes; refusing every request instead would stop children being heard.
"""

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, ClassVar

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("heard.cache")
_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)
_last_warning = 0.0


def _warn(exc: Exception) -> None:
    global _last_warning
    if time.monotonic() - _last_warning > 60:  # once a minute, not once a request
        _last_warning = time.monotonic()
        logger.warning("Redis cache unreachable; limits not enforced until it returns: %s", exc)


def _soft(name: str, fallback: Callable[..., Any]) -> Callable[..., Any]:
    """The RedisCache method `name`, answering `fallback(...)` while Redis is unreachable."""

    def method(self, *args, **kwargs):
        try:
            return getattr(RedisCache, name)(self, *args, **kwargs)
        except _DOWN as exc:
            _warn(exc)
            return fallback(*args, **kwargs)

    method.__name__ = name
    return method


def _default(key, default=None, version=None):
    return default


class SharedRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client, with one connection pool and one redis.Redis per process.

    Django keeps a cache object per request context under ASGI, so each request would open its own
    pool (a new connection to Redis), and it builds a new redis.Redis for every call, each filling
    a table of some 200 response callbacks: the benchmark's profile found six a request. Both are
    shared here; a redis.Redis is safe across threads (each command takes a pooled connection).
    """

    _shared: ClassVar[dict[tuple[str, str], Any]] = {}
    _lock = threading.Lock()
    # Set by Django's RedisCacheClient.__init__ (django-stubs does not describe them).
    _servers: list[str]
    _pool_class: Any
    _pool_options: dict[str, Any]
    _client: Any

    def get_client(self, key=None, *, write=False):
        server = self._servers[self._get_connection_pool_index(write)]  # type: ignore[attr-defined]
        shared = (server, repr(sorted(self._pool_options.items())))
        client = self._shared.get(shared)
        if client is None:
            with self._lock:
                client = self._shared.get(shared)
                if client is None:
                    pool = self._pool_class.from_url(server, **self._pool_options)
                    client = self._shared[shared] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """Django's Redis cache; a Redis outage reads as a miss and drops writes, rather than raising."""

    _cache: SharedRedisCacheClient  # Django's cached property, built from _class

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = SharedRedisCacheClient

    get = _soft("get", _default)
    get_many = _soft("get_many", lambda keys, version=None: {})
    has_key = _soft("has_key", lambda *args, **kwargs: False)
    set = _soft("set", lambda *args, **kwargs: None)
    set_many = _soft("set_many", lambda data, *args, **kwargs: list(data))
    add = _soft("add", lambda *args, **kwargs: False)
    incr = _soft("incr", lambda key, delta=1, version=None: delta)
    touch = _soft("touch", lambda *args, **kwargs: False)
    delete = _soft("delete", lambda *args, **kwargs: False)
    delete_many = _soft("delete_many", lambda *args, **kwargs: None)
    clear = _soft("clear", lambda *args, **kwargs: False)


def count_in_window(key: str, seconds: int) -> int:
    """Count one more use of `key` in the window of `seconds` from its first use; return the count so far.

    On Redis one round trip (SET NX with the expiry, then INCR, pipelined); 0 while Redis is
    unreachable, so a limit fails open like the rest of this cache. Other caches (the embedded
    default) add then increment.
    """
    cache = caches["default"]
    if isinstance(cache, ResilientRedisCache):
        name = cache.make_and_validate_key(key)
        try:
            pipe = cache._cache.get_client(name, write=True).pipeline(transaction=False)
            _, count = pipe.set(name, 0, ex=seconds, nx=True).incr(name).execute()
        except _DOWN as exc:
            _warn(exc)
            return 0
        return int(count)
    cache.add(key, 0, seconds)
    try:
        return cache.incr(key)
    except ValueError:  # it ran out between the two
        cache.add(key, 1, seconds)
        return 1
