"""Form pieces for course content that other apps' forms share."""

from dataclasses import dataclass

from django import forms

from apps.courses.models import Criterion, Level


@dataclass(frozen=True)
class LevelOption:
    level: Level
    input_id: str
    checked: bool


@dataclass(frozen=True)
class CriterionRow:
    criterion: Criterion
    field: forms.BoundField
    options: list[LevelOption]


class RubricFieldsMixin:
    """One radio group per rubric criterion, for graders and peer reviewers alike.

    Call `add_rubric_fields` from `__init__`; templates lay the groups out
    from `rubric_rows()`, and `points`/`max_points` give the running total.
    """

    def add_rubric_fields(self, criteria: list[Criterion], *, required: bool) -> None:
        self.criteria = criteria
        self._levels: dict[str, dict[str, Level]] = {}
        for criterion in criteria:
            name = self.criterion_field_name(criterion)
            levels = {str(level.pk): level for level in criterion.levels.all()}
            self._levels[name] = levels
            self.fields[name] = forms.ChoiceField(
                label=criterion.title,
                choices=[(pk, level.title) for pk, level in levels.items()],
                widget=forms.RadioSelect,
                required=required,
                error_messages={
                    "required": f"Choose a level for “{criterion.title}”.",
                    "invalid_choice": f"That level is not part of “{criterion.title}”; "
                    "choose one of the levels shown.",
                },
            )

    @staticmethod
    def criterion_field_name(criterion: Criterion) -> str:
        return f"criterion-{criterion.pk}"

    def chosen_level(self, criterion: Criterion) -> Level | None:
        name = self.criterion_field_name(criterion)
        value = self[name].value()
        return self._levels[name].get(str(value)) if value is not None else None

    def chosen_levels(self) -> list[Level]:
        """The valid levels chosen, after validation."""
        return [
            self._levels[name][self.cleaned_data[name]]
            for name in self._levels
            if self.cleaned_data.get(name)
        ]

    def rubric_rows(self) -> list[CriterionRow]:
        rows = []
        for criterion in self.criteria:
            name = self.criterion_field_name(criterion)
            chosen = self.chosen_level(criterion)
            rows.append(
                CriterionRow(
                    criterion=criterion,
                    field=self[name],
                    options=[
                        LevelOption(
                            level=level,
                            input_id=f"id_{name}_{level.pk}",
                            checked=chosen is not None and chosen.pk == level.pk,
                        )
                        for level in self._levels[name].values()
                    ],
                )
            )
        return rows

    @property
    def points(self) -> int:
        """The total of the levels chosen so far, as the live total shows it."""
        return sum(level.points for c in self.criteria if (level := self.chosen_level(c)))

    @property
    def max_points(self) -> int:
        return sum(
            max((level.points for level in levels.values()), default=0)
            for levels in self._levels.values()
        )
