"""Lab grids wait behind task seeds on the shared generation queue (Redis)."""

from __future__ import annotations

import uuid

from kombu import Queue

from config.celery import app
from generation.tasks import generate_seeds_task, paint_lab_grid_task


def test_a_waiting_task_seed_job_is_served_before_an_earlier_lab_grid():
    queue = Queue(f"lab-priority-{uuid.uuid4().hex[:8]}")
    with app.connection_for_write() as connection:
        bound = queue(connection.default_channel)
        bound.declare()
        try:
            # The lab grid is sent first, the task's seeds second, as the
            # routes say (only the queue is a private one for the test).
            paint_lab_grid_task.apply_async(
                args=[1], queue=queue, connection=connection
            )
            generate_seeds_task.apply_async(
                args=[2], queue=queue, connection=connection
            )
            served = []
            with connection.SimpleQueue(queue) as simple:
                for _ in range(2):
                    message = simple.get(timeout=5)
                    served.append(message.headers["task"])
                    message.ack()
        finally:
            bound.delete()
    assert served == [generate_seeds_task.name, paint_lab_grid_task.name]
