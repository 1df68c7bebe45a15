"""Throttles for the API: per signed-in user and per address, so one phone or one script cannot flood it."""

import math

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from backend.cache import count_in_window


class _SettingsRateThrottle(SimpleRateThrottle):
    """A rate read from settings when asked (so a council or a test can change it), counted per window.

    DRF's SimpleRateThrottle keeps every request time of a caller in one cached list, read and
    written whole on each request: thousands of entries for a busy address. A counter per fixed
    window is one Redis round trip; a caller can reach at most twice the rate across a window's
    edge, which still stops a flood.
    """

    num_requests: int  # set by SimpleRateThrottle.__init__ from the rate
    duration: int

    def get_rate(self) -> str | None:
        return settings.HEARD_API_THROTTLE_RATES.get(self.scope or "")

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_ends = (window + 1) * self.duration
        return count_in_window(f"{self.key}:{window}", self.duration) <= self.num_requests

    def wait(self) -> float:
        return max(1, math.ceil(self.window_ends - self.now))


class PerUserThrottle(_SettingsRateThrottle):
    """Requests per signed-in user; callers who are not signed in are left to the address throttle."""

    scope = "user"

    def get_cache_key(self, request, view) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class PerAddressThrottle(_SettingsRateThrottle):
    """Requests per client address, signed in or not (DRF takes the address from REMOTE_ADDR)."""

    scope = "address"

    def get_cache_key(self, request, view) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
