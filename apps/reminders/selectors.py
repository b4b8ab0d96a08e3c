"""Reads for the reminder and notification pages."""

from django.db.models import QuerySet

from apps.reminders.models import Notification


def unread_notifications(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user, read_at__isnull=True)
