"""Who may see which progress: a 404 for anyone else, so nothing is given away."""

from django.http import Http404

from apps.cohorts.models import Cohort
from apps.cohorts.selectors import cohorts_visible_to
from apps.rounds.models import Round


def cohort_for_viewer(*, user, pk: int) -> Cohort:
    """A cohort the person facilitates (any cohort for staff); 404 for everyone else."""
    try:
        return cohorts_visible_to(user).select_related("round__course").get(pk=pk)
    except Cohort.DoesNotExist:
        raise Http404("No such cohort.") from None


def round_for_viewer(*, user, slug: str) -> Round:
    """Any round for staff; 404 for everyone else, so its existence is not given away."""
    if not user.is_staff:
        raise Http404("No such round.")
    try:
        return Round.objects.select_related("course").get(slug=slug)
    except Round.DoesNotExist:
        raise Http404("No such round.") from None
