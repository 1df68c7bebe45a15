"""Heard's periodic jobs as Celery tasks; backend/schedule.py says how often each runs."""

from celery import shared_task

from backend.retention import retention_apply
from consultations.services import invitations_due
from feedback.alerts import alerts_escalate_due, alerts_follow_cover, alerts_pass_to_edt
from feedback.notifications import notifications_catch_up
from integrations.delivery import deliveries_send_due
from reporting.care_records_import import care_records_import_due
from sms.outbound import sms_pending_requeue


@shared_task
def escalate_due_alerts() -> int:
    """Alerts follow the IRO responsible today, go to the duty team out of hours if untaken, escalate (each minute)."""
    alerts_follow_cover()
    alerts_pass_to_edt()
    return alerts_escalate_due()


@shared_task
def catch_up() -> tuple[int, int]:
    """Do what was never queued while the broker was down: IRO notices, alert notices, texts (every minute)."""
    return notifications_catch_up(), sms_pending_requeue()


@shared_task
def send_due_invitations() -> tuple[int, int]:
    """Invite for reviews the lead time away, and send the one reminder (safe to run often)."""
    return invitations_due()


@shared_task
def apply_retention() -> dict[str, int]:
    """Remove what is past its retention period (hourly; each run only removes what is due)."""
    return retention_apply().removed


@shared_task
def send_due_webhooks() -> int:
    """Send webhooks to the case system that are due: first tries never started, and retries (each minute)."""
    return deliveries_send_due()


@shared_task
def import_care_records() -> dict[str, object] | None:
    """Import the case system's files from HEARD_CARE_RECORDS_FOLDER when they have changed (hourly check)."""
    return care_records_import_due()
