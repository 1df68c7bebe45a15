"""What Django's debug page may show: never a password, including those inside connection URLs."""

import re
from typing import Any

from django.views.debug import SafeExceptionReporterFilter

# scheme://user:password@host: DATABASE_URL, REDIS_URL, CELERY_BROKER_URL and the like, wherever they
# appear (settings, the caches' and channel layer's hosts, environment variables in the request).
_URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.\-]*://[^:/@\s]*):[^@/\s]+@", flags=re.IGNORECASE)


class HeardExceptionReporterFilter(SafeExceptionReporterFilter):
    """Django's safe filter, which hides settings by name, also masks passwords inside URLs."""

    def cleanse_setting(self, key: Any, value: Any) -> Any:
        value = super().cleanse_setting(key, value)
        if isinstance(value, str):
            return _URL_PASSWORD.sub(rf"\g<head>:{self.cleansed_substitute}@", value)
        return value
