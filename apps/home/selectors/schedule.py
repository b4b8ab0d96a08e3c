"""Where a round stands this week, counted in the weeks of its schedule."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count

from apps.rounds.models import RoundUnit


@dataclass(frozen=True)
class RoundWeek:
    """ "Week N of M" of a round on a given day, and that week's sessions.

    Weeks are the weeks that have a session, so a round of eight sessions has
    eight weeks. A week without a session (a break) keeps the number and the
    sessions of the week before it, whose work may well still be due.
    """

    today: date
    starts_on: date
    number: int = 0
    total: int = 0
    ends_on: date | None = None
    sessions: list[RoundUnit] = field(default_factory=list)

    @property
    def is_scheduled(self) -> bool:
        return self.total > 0

    @property
    def is_before(self) -> bool:
        return self.today < self.starts_on

    @property
    def is_over(self) -> bool:
        return self.ends_on is not None and self.today > self.ends_on

    @property
    def is_running(self) -> bool:
        return self.is_scheduled and not self.is_before and not self.is_over


def round_week(schedule: list[RoundUnit], *, today: date, starts_on: date) -> RoundWeek:
    """Where the round stands on `today`; `starts_on` is used until it has a schedule."""
    weeks = sorted({entry.week_starts_on for entry in schedule})
    if not weeks:
        return RoundWeek(today=today, starts_on=starts_on)
    started = [week for week in weeks if week <= today]
    ends_on = weeks[-1] + timedelta(days=6)
    sessions = []
    if started and today <= ends_on:
        sessions = [entry for entry in schedule if entry.week_starts_on == started[-1]]
    return RoundWeek(
        today=today,
        starts_on=weeks[0],
        number=len(started),
        total=len(weeks),
        ends_on=ends_on,
        sessions=sessions,
    )


def schedules(round_ids: Iterable[int]) -> dict[int, list[RoundUnit]]:
    """Each round's sessions in the order they run, with `resources_total`: one query."""
    entries = (
        RoundUnit.objects.filter(round_id__in=set(round_ids))
        .select_related("unit__course")
        .annotate(resources_total=Count("unit__resources"))
        .order_by("week_starts_on", "unit__number")
    )
    by_round = defaultdict(list)
    for entry in entries:
        by_round[entry.round_id].append(entry)
    return by_round
