"""The waiting list in the background: beat runs `admissions.tick` every minute.

Each run notes places freed since the last one, passes on offers not confirmed in
time and offers open places to the next person waiting. The rows are the to-do
list and are claimed with SKIP LOCKED, so duplicate or overlapping ticks are harmless.
"""

from celery import shared_task

from apps.admissions.services import waitlist_advance


@shared_task(name="admissions.tick")
def tick() -> dict[str, int]:
    return waitlist_advance()
