"""Values every template may use."""

from django.conf import settings
from django.http import HttpRequest


def heard(request: HttpRequest) -> dict:
    """Return the council's name for page headers."""
    return {"LA_NAME": settings.LA_NAME}
