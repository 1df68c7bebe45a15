"""Fixed-window counters in the cache (Redis in production) for SMS rate limits."""

import hashlib

from backend.cache import count_in_window


def number_key(phone: str) -> str:
    """Return a stable hash of a phone number, so limits need not store the number itself."""
    return hashlib.sha256(phone.encode()).hexdigest()[:32]


def take(name: str, limit: int, window_seconds: int = 3600) -> bool:
    """Count one use of `name`; return False once the limit for this window is used up."""
    return count_in_window(f"sms-limit:{name}", window_seconds) <= limit
