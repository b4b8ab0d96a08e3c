from dataclasses import dataclass

from django import forms

from apps.rounds import weekgrid
from apps.rounds.models import ApplicationQuestion, Enrollment
from apps.rounds.services import MAX_COHORTS_CHOICES

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MAX_IMPORT_BYTES = 10 * 1024 * 1024


class ApplicationForm(forms.Form):
    motivation = forms.CharField(
        label="Why do you want to take part?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="A few sentences are enough. Up to 2,000 characters.",
        # The error summary lists these apart from their fields, so each names its question.
        error_messages={"required": "Say why you want to take part."},
    )
    experience = forms.TypedChoiceField(
        label="How much do you know about the field already?",
        choices=Enrollment.Experience.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how much you know about the field already."},
    )

    def __init__(self, *args, questions: list[ApplicationQuestion] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[self.field_name(question)] = self._field_for(question)

    @staticmethod
    def field_name(question: ApplicationQuestion) -> str:
        return f"question_{question.pk}"

    @staticmethod
    def _field_for(question: ApplicationQuestion) -> forms.Field:
        common = {
            "label": question.text,
            "help_text": question.hint,
            "required": question.is_required,
            "error_messages": {"required": f"Answer “{question.text}”."},
        }
        if question.kind == ApplicationQuestion.Kind.CHOICE:
            common["error_messages"]["invalid_choice"] = (
                f"Choose one of the options for “{question.text}”."
            )
            return forms.ChoiceField(
                choices=[(option, option) for option in question.option_list],
                widget=forms.RadioSelect,
                **common,
            )
        limit = question.max_length
        common["error_messages"]["max_length"] = (
            f"Your answer to “{question.text}” is longer than {limit:,} characters; "
            "shorten it a little."
        )
        widget = (
            forms.Textarea(attrs={"rows": 6})
            if question.kind == ApplicationQuestion.Kind.LONG
            else forms.TextInput()
        )
        return forms.CharField(max_length=limit, widget=widget, **common)

    def question_fields(self):
        """The bound fields of the round's questions, each with its question."""
        return [(question, self[self.field_name(question)]) for question in self.questions]

    def answers(self) -> dict[int, str]:
        return {
            question.pk: self.cleaned_data.get(self.field_name(question)) or ""
            for question in self.questions
        }

    @classmethod
    def initial_for(cls, enrollment: Enrollment, answers: dict[int, str]) -> dict:
        initial = {"motivation": enrollment.motivation, "experience": enrollment.experience}
        initial.update({f"question_{pk}": text for pk, text in answers.items()})
        return initial


def _clock(minute: int) -> str:
    minute %= weekgrid.MINUTES_PER_DAY
    return f"{minute // 60:02d}:{minute % 60:02d}"


def cell_value(cell: weekgrid.Cell) -> str:
    day, minute = cell
    return f"{day}-{minute}"


def cell_label(cell: weekgrid.Cell) -> str:
    day, minute = cell
    return f"{DAY_NAMES[day]} {_clock(minute)}–{_clock(minute + weekgrid.CELL_MINUTES)}"


ALL_CELLS = [
    (day, minute)
    for day in range(7)
    for minute in range(0, weekgrid.MINUTES_PER_DAY, weekgrid.CELL_MINUTES)
]
_CELL_BY_VALUE = {cell_value(cell): cell for cell in ALL_CELLS}


@dataclass(frozen=True)
class GridCell:
    value: str
    label: str
    checked: bool


@dataclass(frozen=True)
class GridRow:
    minute: int
    time: str
    on_the_hour: bool
    cells: list[GridCell]


class AvailabilityForm(forms.Form):
    """The weekly grid: one checkbox per half hour, in the person's own zone.

    The template draws the grid from `grid_rows`, so that what a person had
    ticked comes back even when the form is sent back with an error.
    """

    cells = forms.MultipleChoiceField(
        choices=[(cell_value(cell), cell_label(cell)) for cell in ALL_CELLS],
        required=False,
        error_messages={
            "invalid_choice": "The grid sent a time we do not recognise (“%(value)s”). "
            "Your selection is kept below; please save again."
        },
    )
    max_cohorts = forms.TypedChoiceField(
        label="How many cohorts can you run?",
        choices=[(n, str(n)) for n in MAX_COHORTS_CHOICES],
        coerce=int,
        help_text="Each cohort meets once a week for the whole round.",
    )

    def __init__(
        self,
        *args,
        selected: set[weekgrid.Cell],
        is_facilitator: bool,
        max_cohorts: int = 1,
        **kwargs,
    ):
        super().__init__(*args, initial={"max_cohorts": max_cohorts}, **kwargs)
        self.selected = selected
        if not is_facilitator:
            del self.fields["max_cohorts"]
        elif max_cohorts not in MAX_COHORTS_CHOICES:
            # An admin may have agreed a larger number; keep offering it.
            self.fields["max_cohorts"].choices += [(max_cohorts, str(max_cohorts))]

    def selected_cells(self) -> set[weekgrid.Cell]:
        """Cells to draw as ticked: the stored ones, or what was sent (valid values only)."""
        if not self.is_bound:
            return self.selected
        sent = self.data.getlist("cells") if hasattr(self.data, "getlist") else []
        return {_CELL_BY_VALUE[value] for value in sent if value in _CELL_BY_VALUE}

    def clean_cells(self) -> set[weekgrid.Cell]:
        return {_CELL_BY_VALUE[value] for value in self.cleaned_data["cells"]}

    def grid_rows(self) -> list[GridRow]:
        selected = self.selected_cells()
        return [
            GridRow(
                minute=minute,
                time=_clock(minute),
                on_the_hour=minute % 60 == 0,
                cells=[
                    GridCell(
                        value=cell_value((day, minute)),
                        label=cell_label((day, minute)),
                        checked=(day, minute) in selected,
                    )
                    for day in range(7)
                ],
            )
            for minute in range(0, weekgrid.MINUTES_PER_DAY, weekgrid.CELL_MINUTES)
        ]

    def hours_selected(self) -> float:
        return len(self.selected_cells()) * weekgrid.CELL_MINUTES / 60


class EnrollmentImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8 text with a header row; at most 10 MB.",
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError("The file is larger than 10 MB; split it into parts.")
        return upload
