"""Heard's URLs plus bare views, so a benchmark can compare against Django and DRF doing nothing.

The floors do the least any Django service could do for the same request, with DRF configured as
Heard configures it (authentication, permissions, throttles): what is left above a floor is Heard's
own work, and a goal below the floor cannot be reached by changing Heard.
"""

from uuid import uuid4

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from backend.celery import app as celery_app
from backend.urls import urlpatterns as heard_urlpatterns
from feedback.models import Statement
from mobile_api.models import IdempotentRequest
from sms.models import InboundMessage
from sms.transport import signature_is_valid

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response />'
# What the inbox API shows of each message, read as columns.
INBOX_COLUMNS = (
    "id", "child_id", "child__case_reference", "category", "body", "channel", "on_behalf", "consent_given",
    "created_at", "read_at", "acknowledged_at", "reply", "replied_at", "is_urgent", "review__due_by", "feeling",
    "for_iro", "for_social_worker", "for_advocate", "for_personal_adviser", "assisted", "assisted_how", "pictures",
    "found_in",
)  # fmt: skip


@csrf_exempt
def bare(request: HttpRequest) -> HttpResponse:
    """Answer a POST with empty TwiML and touch nothing: the SMS webhook's baseline."""
    return HttpResponse(EMPTY_TWIML, content_type="text/xml")


@csrf_exempt
def sms_floor(request: HttpRequest) -> HttpResponse:
    """The least a webhook that keeps a child's text can do: the signature checked, the sender found by number,
    the text written in a transaction and one empty task sent after commit, then empty TwiML."""
    url = settings.PUBLIC_BASE_URL + request.path
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature_is_valid(url=url, params=request.POST.dict(), signature=signature):
        return HttpResponse(status=403)
    phone, sid = request.POST.get("From", ""), request.POST.get("MessageSid", "")
    sender = User.objects.filter(phone=phone).first() if phone and sid else None
    if sender is None:
        return HttpResponse(EMPTY_TWIML, content_type="text/xml")
    with transaction.atomic():
        row = InboundMessage.objects.create(
            message_sid=sid, from_number=phone, user=sender, body=request.POST.get("Body", "")
        )
        transaction.on_commit(lambda: celery_app.send_task("celery.accumulate", (row.pk,)))
    return HttpResponse(EMPTY_TWIML, content_type="text/xml")


class BareApi(APIView):
    """DRF doing nothing (no authentication, permission or throttle): the API's baseline."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = ()

    def get(self, request: Request) -> Response:
        return Response({"ok": True})


class SignedInFloor(APIView):
    """DRF with Heard's authentication, permissions and throttles, doing nothing: what every API request pays."""

    def get(self, request: Request) -> Response:
        return Response({"ok": True})


class _Words(serializers.Serializer):
    category = serializers.CharField(max_length=40)
    body = serializers.CharField(max_length=5000)


class WriteFloor(APIView):
    """Signed in, a body validated, one row written in a transaction and one empty task sent after commit.

    The least a submission that keeps the words and tells someone can do: the row is an
    IdempotentRequest (a small table), the task Celery's own `celery.accumulate`, which does nothing.
    """

    def post(self, request: Request) -> Response:
        words = _Words(data=request.data)
        words.is_valid(raise_exception=True)
        with transaction.atomic():
            row = IdempotentRequest.objects.create(
                user=request.user,
                key=f"floor-{request.headers.get('Idempotency-Key') or uuid4().hex}",
                fingerprint="",
                status_code=201,
            )
            transaction.on_commit(lambda: celery_app.send_task("celery.accumulate", (row.pk,)))
        return Response({"id": row.pk}, status=201)


class ReadFloor(APIView):
    """Signed in, `n` of the caller's messages read as columns in one query and answered as JSON.

    In the order their index gives them: sorted, PostgreSQL would read all of an IRO's thousands.
    """

    def get(self, request: Request) -> Response:
        asked = request.query_params.get("n", "")
        n = min(int(asked), 500) if asked.isdigit() else 50
        rows = Statement.objects.filter(routed_to=request.user).values(*INBOX_COLUMNS)[:n]
        return Response({"statements": list(rows)})


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/floor/sms/", sms_floor),
    path("bench/bare-api/", BareApi.as_view()),
    path("bench/floor/signed-in/", SignedInFloor.as_view()),
    path("bench/floor/write/", WriteFloor.as_view()),
    path("bench/floor/read/", ReadFloor.as_view()),
    *heard_urlpatterns,
]
