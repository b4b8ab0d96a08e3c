"""A person's ratings of sessions and resources, and the notes they kept on meetings."""

from apps.accounts.personal_data import Section, mentioning, register, scrub_rows
from apps.feedback.models import MeetingNote, ResourceRating, SessionRating


class FeedbackSection(Section):
    key = "feedback"
    models = (SessionRating, ResourceRating, MeetingNote)

    def _sessions(self, user):
        return SessionRating.objects.filter(enrollment__user=user)

    def _resources(self, user):
        return ResourceRating.objects.filter(enrollment__user=user)

    def _notes(self, user):
        return MeetingNote.objects.filter(author__user=user)

    def count(self, user):
        return (
            self._sessions(user).count()
            + self._resources(user).count()
            + (self._notes(user).count())
        )

    def export(self, user):
        sessions = self._sessions(user).select_related("enrollment__round", "unit")
        resources = self._resources(user).select_related("enrollment__round", "resource__unit")
        notes = self._notes(user).select_related("meeting__cohort", "meeting__unit")
        return {
            "session_ratings": [
                {
                    "round": rating.enrollment.round.name,
                    "session": rating.unit.display_title,
                    "rating": rating.rating,
                    "comment": rating.comment,
                    "updated_at": rating.updated_at,
                }
                for rating in sessions.order_by("unit__number", "pk")
            ],
            "resource_ratings": [
                {
                    "round": rating.enrollment.round.name,
                    "session": rating.resource.unit.display_title,
                    "resource": rating.resource.title,
                    "worth_your_time": rating.worth_it,
                    "note": rating.note,
                    "updated_at": rating.updated_at,
                }
                for rating in resources.order_by("resource__unit__number", "resource__position")
            ],
            "meeting_notes": [
                {
                    "cohort": note.meeting.cohort.name,
                    "session": note.meeting.unit.display_title,
                    "meeting_at": note.meeting.starts_at,
                    "notes": note.text,
                }
                for note in notes.order_by("meeting__starts_at", "pk")
            ],
        }

    def erase(self, user):
        """Ratings stay as numbers, so the round's figures still add up, without the words the
        person wrote with them. Notes they kept as a facilitator stay for the cohort's other
        facilitators and the round's leads, from "a deleted account"; other facilitators'
        notes no longer name them."""
        self._sessions(user).exclude(comment="").update(comment="")
        self._resources(user).exclude(note="").update(note="")
        scrub_rows(
            MeetingNote.objects.exclude(author__user=user).filter(mentioning(user, "text")),
            user,
            "text",
        )


register(FeedbackSection())
