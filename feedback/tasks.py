"""Tasks for statements: thin, taking ids, safe to run twice."""

from celery import shared_task

from feedback import notifications


@shared_task(autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=300, max_retries=6)
def notify_iro_of_statement(statement_id: int) -> None:
    """Tell the IRO a statement arrived: live in their inbox, and by email."""
    notifications.statement_arrived(statement_id=statement_id)
