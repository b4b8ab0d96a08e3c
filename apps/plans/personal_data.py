"""Check-ins on a person's project plan milestones."""

from django.db.models import Q

from apps.accounts.personal_data import Section, register
from apps.plans.models import MilestoneCheckin


def _checkins(user):
    """Check-ins on the person's milestones, and any they wrote (the views let only the
    milestone's owner check in, but the author is kept apart from the owner)."""
    return MilestoneCheckin.objects.filter(
        Q(milestone__submission__enrollment__user=user) | Q(author=user)
    )


class PlansSection(Section):
    key = "milestone_checkins"
    models = (MilestoneCheckin,)

    def count(self, user):
        return _checkins(user).count()

    def export(self, user):
        return [
            {
                "exercise": checkin.milestone.submission.exercise.title,
                "milestone": checkin.milestone.title,
                "target_date": checkin.milestone.target_date,
                "outcome": checkin.get_outcome_display(),
                "note": checkin.note,
                "updated_at": checkin.updated_at,
            }
            for checkin in _checkins(user)
            .select_related("milestone__submission__exercise")
            .order_by("milestone__target_date", "pk")
        ]

    def erase(self, user):
        """The outcome stays for the cohort's view of the sprint; the note goes."""
        _checkins(user).update(note="")


register(PlansSection())
