"""Periodic reminder work. Beat runs `tick` every minute and `plan` every few minutes."""

import math

from celery import shared_task

from apps.reminders.selectors import reminders_due_count
from apps.reminders.services import reminders_plan, reminders_send_batch

BATCH_SIZE = 200
MAX_BATCHES_PER_TICK = 500


@shared_task(name="reminders.plan")
def plan() -> int:
    return reminders_plan()


@shared_task(name="reminders.tick")
def tick() -> int:
    """Queue enough batch tasks for what is due now; each claims its own rows.

    Queuing a few too many is harmless: a batch that finds nothing left to
    claim returns at once.
    """
    batches = min(math.ceil(reminders_due_count() / BATCH_SIZE), MAX_BATCHES_PER_TICK)
    for _ in range(batches):
        send_batch.delay()
    return batches


@shared_task(name="reminders.send_batch", acks_late=True)
def send_batch() -> int:
    return reminders_send_batch(batch_size=BATCH_SIZE).sent
