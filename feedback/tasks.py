"""Notification tasks for statements and alerts: thin, taking ids, queued by the services after commit."""

from celery import shared_task

from feedback import notifications

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


@shared_task(**_RETRY)
def notify_iro_of_reply(reply_id: int) -> None:
    """Tell the child's IRO the child (or their advocate) replied: live in their inbox, and by email."""
    notifications.reply_arrived(reply_id=reply_id)


@shared_task(**_RETRY)
def notify_child_about_reply(reply_id: int) -> None:
    """Tell the child their IRO replied, by the channel they chose (a text or an email with no words)."""
    notifications.child_told_about_reply(reply_id=reply_id)
