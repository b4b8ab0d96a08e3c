"""Reads: what is due for dispatch, who asked for a digest, and the pages' data."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from apps.reminders import registry
from apps.reminders.models import Notification, Preference, Reminder, RoundReminderPause

# How long a claim protects its rows; settings.REMINDER_CLAIM_TIMEOUT_SECONDS overrides it.
CLAIM_TIMEOUT = timedelta(minutes=10)


def unread_notifications(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user, read_at__isnull=True)


def claim_timeout() -> timedelta:
    """How old a claim must be before another dispatcher may take its rows over."""
    seconds = getattr(settings, "REMINDER_CLAIM_TIMEOUT_SECONDS", None)
    return CLAIM_TIMEOUT if seconds is None else timedelta(seconds=seconds)


def due_reminders(*, now: datetime) -> QuerySet[Reminder]:
    """Pending and due, or claimed by a dispatcher that has not confirmed them in time.

    Reminders of a paused round wait.
    """
    return (
        Reminder.objects.filter(
            Q(status=Reminder.Status.PENDING, due_at__lte=now)
            | Q(status=Reminder.Status.SENDING, claimed_at__lt=now - claim_timeout())
        )
        .exclude(round_id__in=RoundReminderPause.objects.values("round_id"))
        .order_by("due_at")
    )


def reminders_due_count(*, now: datetime | None = None) -> int:
    return due_reminders(now=now or timezone.now()).count()


def subscribers(*, kind: str, user_ids=None) -> set[int]:
    """Who asked for a kind that nobody gets unless they ask, such as a digest."""
    preferences = Preference.objects.filter(kind=kind, email=True)
    if user_ids is not None:
        preferences = preferences.filter(user_id__in=user_ids)
    return set(preferences.values_list("user_id", flat=True))


def preference_sections(*, user) -> list[tuple[str, list[tuple[registry.Kind, bool]]]]:
    """The preferences form: per audience, each kind with whether this person gets it by email.

    Without a choice of their own people get every kind except digests, which
    are asked for; a digest comes last in its audience, after the kinds it
    can stand in for.
    """
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "email"))
    sections = []
    for audience, heading in registry.AUDIENCES.items():
        kinds = sorted(
            (kind for kind in registry.kinds() if kind.audience == audience),
            key=lambda kind: kind.is_digest,
        )
        sections.append(
            (heading, [(kind, chosen.get(kind.slug, not kind.is_digest)) for kind in kinds])
        )
    return sections
