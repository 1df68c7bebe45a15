"""Heard's URLs plus a bare view, so a benchmark can compare against Django doing nothing."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from backend.urls import urlpatterns as heard_urlpatterns

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response />'


@csrf_exempt
def bare(request: HttpRequest) -> HttpResponse:
    """Answer a POST with empty TwiML and touch nothing: the baseline."""
    return HttpResponse(EMPTY_TWIML, content_type="text/xml")


urlpatterns = [path("bench/bare/", bare), *heard_urlpatterns]
