"""Grouping runs a person started, and their grouping preferences."""

from apps.accounts.personal_data import Section, register
from apps.grouping.models import GroupingPreference, GroupingRun


class GroupingSection(Section):
    key = "grouping_runs_started"
    models = (GroupingRun,)

    def count(self, user):
        return GroupingRun.objects.filter(requested_by=user).count()

    def export(self, user):
        return [
            {
                "round": str(run.round),
                "started_at": run.created_at,
                "status": run.get_status_display(),
            }
            for run in GroupingRun.objects.filter(requested_by=user)
            .select_related("round__course")
            .order_by("created_at")
        ]

    def erase(self, user):
        """Kept: the round's record of how its cohorts were formed; it now says the run was
        started by "a deleted account". Its list of unplaced people holds ids, not names."""


register(GroupingSection())


class GroupingPreferenceSection(Section):
    key = "grouping_preferences"
    models = (GroupingPreference,)

    def _rows(self, user):
        return GroupingPreference.objects.filter(enrollment__user=user)

    def count(self, user):
        return self._rows(user).count()

    def export(self, user):
        return [
            {
                "round": str(preference.enrollment.round),
                "priority": preference.priority,
                "preferred_size": preference.preferred_size,
                "preferred_times": preference.preferred_times,
                "updated_at": preference.updated_at,
            }
            for preference in self._rows(user)
            .select_related("enrollment__round__course")
            .order_by("pk")
        ]

    def erase(self, user):
        """A priority label can say something personal ("scholarship") and wishes are the
        person's own; neither matters to anyone else once they are gone."""
        self._rows(user).delete()


register(GroupingPreferenceSection())
