"""Consultation tasks: the daily invitations and reminders."""

from celery import shared_task

from consultations.services import invitations_due


@shared_task
def send_due_invitations() -> tuple[int, int]:
    """Invite for reviews the lead time away, and send the one reminder (safe to run often)."""
    return invitations_due()
