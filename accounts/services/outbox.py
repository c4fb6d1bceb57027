"""Hand Celery work over after commit without ever failing the write.

`send_on_commit(task, *args)` records the call as an `OutboxMessage` in the
caller's transaction and publishes it once that transaction commits. A
broker that is down (or slow to answer) is logged and the row stays
pending; `flush_outbox`, run by Celery beat, publishes what is left once
the broker answers again. The Celery tasks this carries are idempotent, so
the rare double publish (a crash between publishing and deleting the row)
changes nothing.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial

from celery import Task
from kombu.exceptions import ChannelError

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import OutboxMessage

logger = logging.getLogger(__name__)

# An outbox row younger than this may still be on its way out through its
# own on-commit publish; the sweeper leaves it alone.
OUTBOX_GRACE = timedelta(seconds=10)


def publish(task: Task, *args: object) -> bool:
    """Send `task(*args)` to the broker now; return False if it could not go.

    Never raises: a committed write must not turn into an error because the
    broker is unreachable. The publish retry policy in settings keeps the
    wait short.
    """
    try:
        task.delay(*args)
    except Exception as exc:  # whatever the broker's failure, the row stays
        logger.warning("could not send %s%r to the broker: %s", task.name, args, exc)
        return False
    return True


def _publish_message(task: Task, message_id: int, args: tuple) -> None:
    if publish(task, *args):
        OutboxMessage.objects.filter(pk=message_id).delete()
    else:
        OutboxMessage.objects.filter(pk=message_id).update(
            attempts=1, last_error="broker unreachable at commit"
        )


def send_on_commit(task: Task, *args: int | str) -> OutboxMessage:
    """Record `task(*args)` in this transaction and send it after commit.

    Use it instead of `delay_on_commit`: the call is stored with the write,
    so a broker outage delays the work but never loses it.
    """
    message = OutboxMessage.objects.create(task=task.name, args=list(args))
    transaction.on_commit(partial(_publish_message, task, message.pk, args))
    return message


def send_each_on_commit(task: Task, calls: list[tuple]) -> list[OutboxMessage]:
    """Record one `task(*args)` per entry of `calls`, sent together after commit."""
    messages = OutboxMessage.objects.bulk_create(
        [OutboxMessage(task=task.name, args=list(args)) for args in calls],
        batch_size=500,
    )
    if messages:
        transaction.on_commit(partial(_publish_all, task, messages))
    return messages


def _publish_all(task: Task, messages: list[OutboxMessage]) -> None:
    for message in messages:
        if not publish(task, *message.args):
            return  # the broker is down: the sweeper sends the rest
        OutboxMessage.objects.filter(pk=message.pk).delete()


def queue_depth(task: Task) -> int | None:
    """Return how many messages wait in `task`'s queue; None when unknown.

    Messages a worker has taken (running, or lost with a killed worker) are
    not counted: Redis keeps those aside until they are acknowledged.
    """
    from config.celery import app

    queue = app.amqp.router.route({}, task.name)["queue"].name
    try:
        with app.connection_for_read() as connection:
            connection.ensure_connection(max_retries=1)
            channel = connection.default_channel
            return channel.queue_declare(queue=queue, passive=True).message_count
    except ChannelError:  # Redis keeps no key for an empty queue
        return 0
    except Exception as exc:  # the broker is down: nothing can be sent anyway
        logger.warning("could not count the %s queue: %s", queue, exc)
        return None


def flush_outbox(*, limit: int = 500) -> int:
    """Publish pending outbox messages older than the grace period; count them.

    Rows are claimed with `skip_locked`, so two overlapping sweeps never
    send the same row twice; the first failure stops the run, since the
    broker is then down for the rest of it too.
    """
    from config.celery import app

    app.loader.import_default_modules()
    sent = 0
    cutoff = timezone.now() - OUTBOX_GRACE
    with transaction.atomic():
        pending = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(created_at__lt=cutoff)
            .order_by("id")[:limit]
        )
        for message in pending:
            task = app.tasks.get(message.task)
            if task is None:
                logger.error("outbox message %s names no task", message.pk)
                message.attempts += 1
                message.last_error = "unknown Celery task"
                message.save(update_fields=["attempts", "last_error"])
                continue
            if not publish(task, *message.args):
                OutboxMessage.objects.filter(pk=message.pk).update(
                    attempts=F("attempts") + 1, last_error="broker unreachable"
                )
                break
            message.delete()
            sent += 1
    return sent
