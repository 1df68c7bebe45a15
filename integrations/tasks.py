"""Webhook tasks: thin, taking ids, queued by the events after commit."""

from celery import shared_task

from integrations import delivery


@shared_task
def deliver_webhooks(delivery_ids: list[int]) -> int:
    """Try each delivery once now; a failure waits for its retry time, sent by the periodic job."""
    return sum(delivery.delivery_send(delivery_id=delivery_id) for delivery_id in delivery_ids)
