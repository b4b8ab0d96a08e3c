"""What the platform told a person, the reminders it sent or planned, and their choices."""

from apps.accounts.personal_data import Section, mentioning, register, scrub_rows
from apps.reminders.models import Notification, Preference, Reminder, RoundReminderPause

# Given as the skip reason of the reminders a deleted account still had waiting.
ACCOUNT_DELETED = "the account was deleted"


class RemindersSection(Section):
    key = "reminders"
    models = (Reminder, Notification, Preference, RoundReminderPause)

    def count(self, user):
        return (
            Notification.objects.filter(user=user).count()
            + Reminder.objects.filter(user=user).count()
        )

    def export(self, user):
        return {
            "notifications": [
                {
                    "title": notification.title,
                    "body": notification.body,
                    "link": notification.url,
                    "at": notification.created_at,
                    "read_at": notification.read_at,
                }
                for notification in Notification.objects.filter(user=user).order_by("created_at")
            ],
            "reminders": [
                {
                    "kind": reminder.get_kind_display(),
                    "about": reminder.occasion,
                    "due_at": reminder.due_at,
                    "status": reminder.get_status_display(),
                    "sent_at": reminder.sent_at,
                }
                for reminder in Reminder.objects.filter(user=user).order_by("due_at", "pk")
            ],
            "choices": [
                {"kind": preference.get_kind_display(), "by_email": preference.email}
                for preference in Preference.objects.filter(user=user).order_by("kind")
            ],
            "rounds_paused": [
                {"round": str(pause.round), "paused_at": pause.paused_at}
                for pause in RoundReminderPause.objects.filter(paused_by=user).select_related(
                    "round__course"
                )
            ],
        }

    def erase(self, user):
        """Nothing more goes out: reminders still waiting are skipped, not deleted, so that
        planning does not make them again for the same occasion. Sent ones stay as the
        round's delivery record, without their error text, which may quote the address.
        The in-app copies and the person's choices go, and other people's notifications
        (a facilitator's "Pat submitted ...") call them "a deleted account"."""
        mine = Reminder.objects.filter(user=user)
        mine.filter(status__in=[Reminder.Status.PENDING, Reminder.Status.SENDING]).update(
            status=Reminder.Status.SKIPPED, skip_reason=ACCOUNT_DELETED, claimed_at=None
        )
        mine.exclude(last_error="").update(last_error="")
        Notification.objects.filter(user=user).delete()
        Preference.objects.filter(user=user).delete()
        scrub_rows(
            Notification.objects.filter(mentioning(user, "title", "body")), user, "title", "body"
        )


register(RemindersSection())
