"""What other apps keep for each exercise, carried along in course files and course copies.

Courses is the ground app and knows nothing of the apps built on it, yet some
of them keep settings per exercise that belong to the course's content (peer
review, for one). Such an app subclasses ExerciseSection in its own
`coursefiles.py` and registers an instance; CoursesConfig.ready() imports every
app's `coursefiles` module at start-up, the way the admin finds `admin.py`.
From then on the section is one more mapping under each exercise in unit files
(`<field>:`), exported, imported and copied with the rest of the course.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from apps.courses.coursefiles import Reader
    from apps.courses.models import Exercise, Rubric


class ExerciseSection:
    """One app's mapping under each exercise: read from files, exported, stored and copied.

    In a unit file the mapping may be left out (the exercise has none) or be
    `{}` (all defaults). The data passed around is a plain dict holding every
    field in `defaults`, as `read` returns it.
    """

    # The key under the exercise in unit files.
    field: ClassVar[str]
    # Every field of the mapping with the value it takes when left out; written
    # files leave out the fields that hold these values.
    defaults: ClassVar[dict[str, Any]]

    def read(self, reader: Reader, *, rubric_slugs: set[str]) -> dict:
        """Check the mapping (`reader.data`, fields already known) and return it as plain data.

        Report a problem with `reader.fail(field, problem)`, which names the
        file and the field. `rubric_slugs` are the rubrics of the course file.
        """
        raise NotImplementedError

    def export(self, exercises: list[Exercise]) -> dict[int, dict]:
        """The data of each exercise that has the section, by exercise pk.

        A fixed number of queries however many exercises.
        """
        raise NotImplementedError

    def store(self, *, exercise: Exercise, data: dict | None, rubrics: dict[str, Rubric]) -> None:
        """Make what is stored for the exercise match `data`; None removes it.

        Runs inside the import's transaction. `rubrics` are the course's, by slug.
        """
        raise NotImplementedError

    def copy(self, *, exercises: dict[int, Exercise], rubrics: dict[int, Rubric]) -> None:
        """Copy the section of each original exercise to its copy.

        `exercises` and `rubrics` map each original's pk to its copy. Runs
        inside the duplication's transaction.
        """
        raise NotImplementedError


_sections: dict[str, ExerciseSection] = {}


def register(section: ExerciseSection) -> ExerciseSection:
    if section.field in _sections:
        raise ImproperlyConfigured(f"Two exercise sections are called “{section.field}”.")
    _sections[section.field] = section
    return section


def exercise_sections() -> list[ExerciseSection]:
    """The registered sections, in the order their apps are installed."""
    return list(_sections.values())
