"""A Redis cache that fails soft: with Redis down, Heard still takes children's words.

The cache holds only counters and throttles (API throttles, sign-in and SMS rate limits). While
Redis is unreachable they read as empty and writes are dropped, so limits are not enforced for
those minutes; refusing every request instead would stop children being heard.
"""

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache
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


class ResilientRedisCache(RedisCache):
    """Django's Redis cache; a Redis outage reads as a miss and drops writes, rather than raising."""

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
