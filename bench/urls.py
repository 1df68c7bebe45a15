"""Heard's URLs plus bare views, so a benchmark can compare against Django and DRF doing nothing."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.urls import urlpatterns as heard_urlpatterns

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response />'


@csrf_exempt
def bare(request: HttpRequest) -> HttpResponse:
    """Answer a POST with empty TwiML and touch nothing: the SMS webhook's baseline."""
    return HttpResponse(EMPTY_TWIML, content_type="text/xml")


class BareApi(APIView):
    """DRF doing nothing (no authentication, permission or throttle): the API's baseline."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = ()

    def get(self, request: Request) -> Response:
        return Response({"ok": True})


urlpatterns = [path("bench/bare/", bare), path("bench/bare-api/", BareApi.as_view()), *heard_urlpatterns]
