"""A round's sessions in the order they run, with what there is to do in each."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count

from apps.rounds.models import Round, RoundUnit


@dataclass(frozen=True)
class ExerciseColumn:
    pk: int
    slug: str
    title: str


@dataclass(frozen=True)
class Session:
    """One unit as scheduled in a round, and when someone has done all of it."""

    unit_id: int
    number: int
    title: str
    week_starts_on: date
    due_at: datetime
    resources_total: int
    exercises: tuple[ExerciseColumn, ...]

    @property
    def display_title(self) -> str:
        return f"Session {self.number}: {self.title}"

    @property
    def has_readings(self) -> bool:
        return self.resources_total > 0

    @property
    def has_exercises(self) -> bool:
        return bool(self.exercises)

    def all_read(self, done: int) -> bool:
        """Whether `done` resources marked done are all of this session's readings."""
        return self.has_readings and done >= self.resources_total

    def all_handed_in(self, handed_in: int) -> bool:
        """Whether `handed_in` exercises handed in are all of this session's."""
        return self.has_exercises and handed_in >= len(self.exercises)


def round_schedule(*, round: Round) -> list[Session]:
    """The round's sessions in the order they run, each with its resource count and exercises.

    One query: a row per exercise, or one without for a session that has none.
    Resources are joined alongside and counted distinct, so the exercises do
    not multiply them.
    """
    rows = (
        RoundUnit.objects.filter(round=round)
        .annotate(resources_total=Count("unit__resources", distinct=True))
        .values_list(
            "unit_id",
            "unit__number",
            "unit__title",
            "week_starts_on",
            "due_at",
            "resources_total",
            "unit__exercises__pk",
            "unit__exercises__slug",
            "unit__exercises__title",
        )
        .order_by("week_starts_on", "unit__number", "unit__exercises__position")
    )
    scheduled: dict[int, tuple] = {}
    exercises = defaultdict(list)
    for *session, exercise_pk, slug, title in rows:
        scheduled.setdefault(session[0], session)
        if exercise_pk is not None:
            exercises[session[0]].append(ExerciseColumn(pk=exercise_pk, slug=slug, title=title))
    return [
        Session(
            unit_id=unit_id,
            number=number,
            title=title,
            week_starts_on=week_starts_on,
            due_at=due_at,
            resources_total=resources_total,
            exercises=tuple(exercises[unit_id]),
        )
        for unit_id, number, title, week_starts_on, due_at, resources_total in scheduled.values()
    ]
