"""Send a text through whichever backend the settings chose."""

from django.conf import settings
from django.utils.module_loading import import_string


def get_backend():
    """Return an instance of the configured SMS backend."""
    return import_string(settings.SMS_BACKEND)()


def sms_send(*, to: str, body: str) -> str:
    """Send one text; return the provider's message id."""
    return get_backend().send(to=to, body=body)
