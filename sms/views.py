"""Twilio's webhooks: texts coming in, and delivery status of texts going out."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sms.delivery import sms_status_update
from sms.inbound import sms_inbound_receive
from sms.transport import signature_is_valid, twiml_reply


def _signed_by_twilio(request: HttpRequest) -> bool:
    # Twilio signs the public URL it called, which behind a proxy is not the one Django sees.
    url = f"{settings.PUBLIC_BASE_URL}{request.get_full_path()}"
    return signature_is_valid(
        url=url, params=request.POST.dict(), signature=request.headers.get("X-Twilio-Signature", "")
    )


@csrf_exempt
@require_POST
def inbound(request: HttpRequest) -> HttpResponse:
    """A text arrives: answer in TwiML straight away; notifications happen in tasks."""
    if not _signed_by_twilio(request):
        return HttpResponseForbidden("Invalid signature.")
    message_sid = request.POST.get("MessageSid", "").strip()
    from_number = request.POST.get("From", "").strip()
    if not message_sid or not from_number or len(message_sid) > 64:
        return HttpResponseBadRequest(twiml_reply(), content_type="text/xml")
    reply = sms_inbound_receive(message_sid=message_sid, from_number=from_number, body=request.POST.get("Body", ""))
    return HttpResponse(twiml_reply(reply), content_type="text/xml")


@csrf_exempt
@require_POST
def status(request: HttpRequest) -> HttpResponse:
    """Twilio tells us how a text we sent is getting on."""
    if not _signed_by_twilio(request):
        return HttpResponseForbidden("Invalid signature.")
    message_sid = request.POST.get("MessageSid", "").strip()
    message_status = request.POST.get("MessageStatus", "").strip()
    if not message_sid or not message_status:
        return HttpResponseBadRequest("MessageSid and MessageStatus are required.")
    try:
        sms_status_update(
            provider_sid=message_sid, provider_status=message_status, error_code=request.POST.get("ErrorCode", "")
        )
    except ValidationError as exc:
        return HttpResponseBadRequest(" ".join(exc.messages))
    return HttpResponse(status=204)
