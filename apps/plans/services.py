from apps.plans.models import MilestoneCheckin
from apps.submissions.models import Milestone


def milestone_check_in(
    *, milestone: Milestone, author, outcome: str, note: str
) -> MilestoneCheckin:
    """Record (or correct) how a milestone went; the cohort sees it beside the plan."""
    if outcome not in MilestoneCheckin.Outcome.values:
        raise ValueError(f"Unknown outcome {outcome!r}")
    checkin, _ = MilestoneCheckin.objects.update_or_create(
        milestone=milestone, defaults={"outcome": outcome, "note": note.strip(), "author": author}
    )
    return checkin
