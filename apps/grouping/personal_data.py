"""Grouping runs a person started."""

from apps.accounts.personal_data import Section, register
from apps.grouping.models import GroupingRun


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
