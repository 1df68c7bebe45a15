"""Safeguarding alerts for staff: one alert to act on, under the same gate as its page (and logged)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import AccessPurpose
from feedback.alerts import alert_acknowledge, alert_close
from feedback.models import SafeguardingAlert
from feedback.selectors import AlertPage, alert_get_for_user, alert_page
from mobile_api.apis.base import IDEMPOTENCY_KEY, IF_NONE_MATCH, NOT_MODIFIED, HeardApi, caller, log_read
from mobile_api.apis.idempotency import idempotent
from mobile_api.apis.staff import ChildRef
from mobile_api.serializers import StrictSerializer

NOT_YOURS = OpenApiResponse(
    description="No such alert, or not one the caller may see: a former IRO, a former cover, another IRO's child, "
    "or (for the emergency duty team) one raised in working hours or already closed."
)


class ContactOutput(serializers.Serializer):
    who = serializers.CharField(help_text="Carer, The home, Social worker, IRO, or The child's own phone.")
    name = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True, help_text="E.164, ready to dial.")
    email = serializers.CharField(allow_blank=True)
    note = serializers.CharField(allow_blank=True)


class WordsOutput(serializers.Serializer):
    statement = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    channel = serializers.CharField()
    category = serializers.CharField()
    body = serializers.CharField(allow_blank=True, help_text="Empty when the child chose 'not safe' by text first.")
    on_behalf = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField(), help_text="Why it is urgent, in plain English.")


class EventOutput(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    what = serializers.CharField(help_text='The step in words, e.g. "Passed to the emergency duty team".')
    actor = serializers.CharField(allow_blank=True)
    recipient = serializers.CharField(allow_blank=True)
    detail = serializers.CharField(allow_blank=True)


class AlertDetailOutput(serializers.Serializer):
    id = serializers.IntegerField()
    child = ChildRef()
    child_age = serializers.IntegerField()
    placement_type = serializers.CharField(allow_blank=True)
    placement_address = serializers.CharField(allow_blank=True)
    raised_at = serializers.DateTimeField()
    level = serializers.CharField(help_text="Who holds it: the child's IRO, the duty manager or the next manager.")
    held_by = serializers.CharField(allow_blank=True)
    escalate_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    passed_to_edt_at = serializers.DateTimeField(
        allow_null=True, help_text="When the emergency duty team was given it (out of hours), if it was."
    )
    edt_acknowledged_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    action_taken = serializers.CharField(allow_blank=True)
    contacts = ContactOutput(many=True, help_text="Whom to call about the child.")
    words = WordsOutput(many=True, help_text="The first message, then what the child added, in order.")
    events = EventOutput(many=True, help_text="Every step so far, oldest first.")


def _name(user) -> str:
    return user.display_name if user is not None else ""


def _detail(page: AlertPage) -> dict:
    alert, child = page.alert, page.child
    return {
        "id": alert.pk,
        "child": child,
        "child_age": page.age,
        "placement_type": child.get_placement_type_display(),
        "placement_address": child.placement_address,
        "raised_at": alert.raised_at,
        "level": alert.get_level_display(),
        "held_by": _name(alert.assigned_to),
        "escalate_at": alert.escalate_at,
        "acknowledged_at": alert.acknowledged_at,
        "passed_to_edt_at": alert.passed_to_edt_at,
        "edt_acknowledged_at": alert.edt_acknowledged_at,
        "closed_at": alert.closed_at,
        "action_taken": alert.action_taken,
        "contacts": [
            {"who": p.who, "name": p.name, "phone": p.tel if p.phone else "", "email": p.email, "note": p.note}
            for p in page.contacts
        ],
        "words": [
            {
                "statement": said.statement.pk,
                "created_at": said.statement.created_at,
                "channel": said.statement.channel,
                "category": said.statement.category,
                "body": said.statement.body,
                "on_behalf": said.statement.on_behalf,
                "reasons": said.reasons,
            }
            for said in page.words
        ],
        "events": [
            {
                "at": event.at,
                "kind": event.kind,
                "what": event.get_kind_display(),
                "actor": _name(event.actor),
                "recipient": _name(event.recipient),
                "detail": event.shown_detail,
            }
            for event in page.events
        ],
    }


def _answer(request: Request, alert: SafeguardingAlert) -> Response:
    """The alert as it is now: its answer carries the child's words, so it is a read, logged."""
    alert = alert_get_for_user(caller(request), alert.pk)
    log_read(request, what="safeguarding alert", purpose=AccessPurpose.ALERT, records=[(alert.pk, alert.child)])
    return Response(AlertDetailOutput(_detail(alert_page(alert))).data)


class AlertDetailApi(HeardApi):
    """One safeguarding alert: the child and whom to call, their words, why it is urgent, every step so far."""

    @extend_schema(
        parameters=[IF_NONE_MATCH],
        responses={200: AlertDetailOutput, 304: NOT_MODIFIED, 404: NOT_YOURS},
        operation_id="alert",
    )
    def get(self, request: Request, alert_id: int) -> Response:
        return _answer(request, alert_get_for_user(caller(request), alert_id))


class AlertAcknowledgeApi(HeardApi):
    """Take charge of an alert: it stops escalating (the emergency duty team's is recorded, the clock runs on)."""

    @extend_schema(request=None, responses={200: AlertDetailOutput, 404: NOT_YOURS}, operation_id="alert_acknowledge")
    def post(self, request: Request, alert_id: int) -> Response:
        alert = alert_acknowledge(alert=alert_get_for_user(caller(request), alert_id), user=caller(request))
        return _answer(request, alert)


class CloseInput(StrictSerializer):
    action_taken = serializers.CharField(help_text="What was done: an alert is never closed without it.")
    # As the web page asks (feedback.forms.AlertCloseForm): closing is final, so it is confirmed in so many words.
    safe_to_close = serializers.BooleanField(
        help_text="true: the caller has recorded what was done and the child is safe to close this. Without it "
        "the alert stays open (400)."
    )

    def validate_safe_to_close(self, value: bool) -> bool:
        if not value:
            raise serializers.ValidationError("Confirm the child is safe before closing the alert: it stays open.")
        return value


class AlertCloseApi(HeardApi):
    """Close an alert with the action taken."""

    @extend_schema(
        request=CloseInput,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            200: AlertDetailOutput,
            400: OpenApiResponse(description="No action given, not confirmed safe to close, or already closed."),
            404: NOT_YOURS,
        },
        operation_id="alert_close",
    )
    @idempotent
    def post(self, request: Request, alert_id: int) -> Response:
        alert = alert_get_for_user(caller(request), alert_id)
        data = CloseInput(data=request.data)
        data.is_valid(raise_exception=True)
        alert = alert_close(alert=alert, user=caller(request), action_taken=data.validated_data["action_taken"])
        # A closed alert is no longer the emergency duty team's to see: answer with what was closed.
        log_read(request, what="safeguarding alert", purpose=AccessPurpose.ALERT, records=[(alert.pk, alert.child)])
        return Response(AlertDetailOutput(_detail(alert_page(alert))).data)

    def replay(self, request: Request, made: str, status_code: int, alert_id: int) -> Response:
        """A retry: the closed alert, if the caller may still see it (the duty team may not, once closed)."""
        alert = alert_get_for_user(caller(request), alert_id)
        log_read(request, what="safeguarding alert", purpose=AccessPurpose.ALERT, records=[(alert.pk, alert.child)])
        return Response(AlertDetailOutput(_detail(alert_page(alert))).data, status=status_code)
