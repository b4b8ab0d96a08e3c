"""The readings a person marked done."""

from apps.accounts.personal_data import Section, register
from apps.courses.models import ResourceCompletion


class ReadingsSection(Section):
    key = "readings_done"
    models = (ResourceCompletion,)

    def _completions(self, user):
        return ResourceCompletion.objects.filter(user=user)

    def count(self, user):
        return self._completions(user).count()

    def export(self, user):
        return [
            {
                "course": done.resource.unit.course.title,
                "session": done.resource.unit.display_title,
                "reading": done.resource.title,
                "done_at": done.completed_at,
            }
            for done in self._completions(user)
            .select_related("resource__unit__course")
            .order_by("completed_at", "pk")
        ]

    def erase(self, user):
        """Kept: a tick with a time and no words, counted in the cohort's reading progress
        and in the course's reading statistics; under a deleted account it says nothing of
        who read."""


register(ReadingsSection())
