"""Tasks for statements and alerts: thin, taking ids."""

from celery import shared_task

from feedback import notifications
from feedback.alerts import alerts_escalate_due, alerts_follow_cover, alerts_pass_to_edt

_RETRY = {"autoretry_for": (Exception,), "retry_backoff": True, "retry_backoff_max": 300, "max_retries": 6}


@shared_task(**_RETRY)
def notify_iro_of_statement(statement_id: int) -> None:
    """Tell the IRO a statement arrived: live in their inbox, and by email."""
    notifications.statement_arrived(statement_id=statement_id)


@shared_task(**_RETRY)
def notify_alert(alert_id: int, reason: str) -> None:
    """Tell the people who must act on a safeguarding alert, by every channel they have."""
    notifications.alert_notify(alert_id=alert_id, reason=reason)


@shared_task(**_RETRY)
def notify_child_about_statement(statement_id: int, what: str) -> None:
    """Tell the child their IRO read or replied, when they asked to be told by text."""
    notifications.child_told_about_statement(statement_id=statement_id, what=what)


@shared_task
def escalate_due_alerts() -> int:
    """Alerts follow the IRO responsible today, go to the duty team out of hours if untaken, escalate (each minute)."""
    alerts_follow_cover()
    alerts_pass_to_edt()
    return alerts_escalate_due()


@shared_task
def catch_up() -> tuple[int, int]:
    """Do what was never queued while the broker was down: IRO notices, alert notices, texts (every minute)."""
    from sms.outbound import sms_pending_requeue

    return notifications.notifications_catch_up(), sms_pending_requeue()
