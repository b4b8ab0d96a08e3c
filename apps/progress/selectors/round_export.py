"""Every cohort's grid of a round, for the round's CSV export, read a batch at a time."""

from collections.abc import Iterator

from django.utils import timezone

from apps.cohorts.models import Cohort
from apps.progress.selectors.cohort_grid import CohortGrid, cohort_grids
from apps.progress.selectors.schedule import Session
from apps.rounds.models import Round

# How many cohorts are read at a time: large enough that a typical round is
# one batch, small enough to keep memory flat for huge ones.
COHORTS_PER_BATCH = 50


def round_grids(
    *, round: Round, sessions: list[Session], batch_size: int | None = None, now=None
) -> Iterator[CohortGrid]:
    """Every cohort's grid, read a batch of cohorts at a time: five queries per batch."""
    batch_size = batch_size or COHORTS_PER_BATCH
    now = now or timezone.now()
    cohorts = list(Cohort.objects.filter(round=round).order_by("name", "pk"))
    for start in range(0, len(cohorts), batch_size):
        yield from cohort_grids(
            cohorts=cohorts[start : start + batch_size], sessions=sessions, now=now
        )
