"""Fixed-window counters in the cache (Redis in production) for SMS rate limits."""

import hashlib

from django.core.cache import cache


def number_key(phone: str) -> str:
    """Return a stable hash of a phone number, so limits need not store the number itself."""
    return hashlib.sha256(phone.encode()).hexdigest()[:32]


def take(name: str, limit: int, window_seconds: int = 3600) -> bool:
    """Count one use of `name`; return False once the limit for this window is used up."""
    key = f"sms-limit:{name}"
    cache.add(key, 0, timeout=window_seconds)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        used = 1
    return used <= limit
