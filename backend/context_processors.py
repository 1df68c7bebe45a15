"""Values every template may use."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from feedback.crisis import crisis_help_data


def heard(request: HttpRequest) -> dict:
    """Return the council's name for page headers, and the crisis help for the pages that show it."""
    # Lazy: worked out, in the page's language, only by a page that shows it.
    return {"LA_NAME": settings.LA_NAME, "crisis_help": SimpleLazyObject(crisis_help_data)}
