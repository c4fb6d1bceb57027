"""Celery tasks of integrations: send a webhook delivery, sweep, tidy up.

Both run on the default queue; each imports its service inside its body.
A delivery's own row says whether it is due, so a task run twice (a
redelivered message, a sweep overlapping a retry) sends nothing twice.
"""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True)
def deliver_webhook_task(delivery_id: int) -> str:
    """Make the next attempt at delivery `delivery_id`, if it is due."""
    from integrations.services import attempt_delivery

    delivery = attempt_delivery(delivery_id=delivery_id)
    return delivery.state if delivery is not None else "gone"


@shared_task
def sweep_webhook_deliveries_task() -> int:
    """Send the deliveries that are due and have no message on its way (beat)."""
    from integrations.services import sweep_deliveries

    return sweep_deliveries()


@shared_task
def delete_old_webhook_events_task() -> int:
    """Delete finished webhook events past their keeping time (beat, hourly)."""
    from integrations.services import delete_old_events

    return delete_old_events()
