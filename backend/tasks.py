"""Site-wide periodic tasks (registered by backend/celery.py)."""

from celery import shared_task

from backend.retention import retention_apply


@shared_task
def apply_retention() -> dict[str, int]:
    """Remove what is past its retention period (hourly; each run only removes what is due)."""
    return retention_apply().removed
