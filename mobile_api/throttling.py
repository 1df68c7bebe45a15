"""Throttles for the API: per signed-in user and per address, so one phone or one script cannot flood it."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class _SettingsRateThrottle(SimpleRateThrottle):
    """Read the rate when asked, so a council (or a test) can change it in settings."""

    def get_rate(self) -> str | None:
        return settings.HEARD_API_THROTTLE_RATES.get(self.scope or "")


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
