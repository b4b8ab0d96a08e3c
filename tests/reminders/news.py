"""Helpers for the tests of news: messages shown in the app at once and emailed once.

Shared by tests/reminders/test_news.py and the event tests of the apps where
the news happens (submissions, reviews, certificates).
"""

from datetime import UTC, datetime

import time_machine
from django.core import mail

from apps.reminders.models import Notification, Reminder
from apps.reminders.services import reminders_send_batch

# Tuesday 16 March 2027: noon and half past eleven at night in London (GMT until the
# 28th), and seven the next morning, when quiet hours end there.
NOON = datetime(2027, 3, 16, 12, 0, tzinfo=UTC)
NIGHT = datetime(2027, 3, 16, 23, 30, tzinfo=UTC)
MORNING = datetime(2027, 3, 17, 7, 0, tzinfo=UTC)


def at(moment):
    return time_machine.travel(moment, tick=False)


def notices(user) -> list[Notification]:
    return list(Notification.objects.filter(user=user))


def emails_to(user) -> list:
    return [email for email in mail.outbox if any(user.email in to for to in email.to)]


def news(kind: str) -> list[Reminder]:
    return list(Reminder.objects.filter(kind=kind))


def send(moment):
    """One dispatch batch at `moment`, as the minute's tick would run it."""
    with at(moment):
        return reminders_send_batch()
