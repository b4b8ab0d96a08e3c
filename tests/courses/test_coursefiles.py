"""Courses as folders of YAML files: reading, writing, importing and exporting them."""

import copy
import functools
import io
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.courses.coursefiles import CourseFileError, read_course, write_course
from apps.courses.models import (
    Course,
    Criterion,
    Exercise,
    Level,
    Prompt,
    Resource,
    ResourceCompletion,
    Rubric,
    Unit,
)
from apps.courses.selectors import course_to_spec
from apps.courses.services import course_import, resource_mark_done
from tests.factories import CourseFactory, ResourceFactory, UnitFactory, UserFactory

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO = REPO_ROOT / "demo" / "ai-alignment-fundamentals"
DEMO_SLUG = "ai-alignment-fundamentals"
COURSE_MODELS = [
    Course,
    Rubric,
    Criterion,
    Level,
    Unit,
    Resource,
    Exercise,
    Prompt,
    ResourceCompletion,
]


# Helpers


@pytest.fixture
def course_dir(tmp_path):
    """An editable copy of the demo course."""
    folder = tmp_path / "course"
    shutil.copytree(DEMO, folder)
    return folder


def unit_path(folder: Path, number: int) -> Path:
    return sorted((folder / "units").glob("*.yaml"))[number - 1]


def edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def edit_unit(folder: Path, number: int, change) -> None:
    edit_yaml(unit_path(folder, number), change)


def import_folder(folder: Path) -> Course:
    out = io.StringIO()
    call_command("import_course", str(folder), stdout=out)
    assert "Imported" in out.getvalue()
    return Course.objects.get(slug=read_course(folder)["slug"])


def export_folder(slug: str, folder: Path) -> None:
    call_command("export_course", slug, str(folder), stdout=io.StringIO())


def folder_files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def db_snapshot(course: Course) -> dict:
    """Everything about the course that an import could change."""
    return {
        "spec": course_to_spec(Course.objects.get(pk=course.pk)),
        "counts": {model.__name__: model.objects.count() for model in COURSE_MODELS},
        "ids": {
            model.__name__: sorted(model.objects.values_list("pk", flat=True))
            for model in COURSE_MODELS
        },
    }


# Round trips


@pytest.mark.django_db
def test_the_demo_course_imports_with_all_its_content():
    course = import_folder(DEMO)

    assert course.title == "AI Alignment Fundamentals"
    assert course.is_published
    units = list(course.units.order_by("number"))
    assert [u.number for u in units] == [1, 2, 3, 4, 5]
    assert units[0].slug == "what-is-ai-alignment"
    assert units[4].display_title == "Session 5: Contributing to AI Alignment"
    assert Resource.objects.filter(unit__course=course).count() == sum(
        len(u["resources"]) for u in read_course(DEMO)["units"]
    )
    career, project = units[4].exercises.order_by("position")
    assert (career.kind, career.rubric.slug) == ("career_plan", "career-plan")
    assert (project.kind, project.rubric.slug) == ("project_plan", "project-plan")
    roles = career.prompts.get(slug="future-roles")
    assert (roles.answer, roles.min_items, roles.max_items) == ("list", 3, 5)
    assert roles.item_bounds == "3-5 items"
    assert career.prompts.get(slug="career-capital").timebox_minutes == 5
    assert not career.prompts.get(slug="career-capital").is_required
    levels = sum(
        len(criterion["levels"])
        for rubric in read_course(DEMO)["rubrics"]
        for criterion in rubric["criteria"]
    )
    assert Level.objects.filter(criterion__rubric__course=course).count() == levels > 0
    assert course_to_spec(course) == read_course(DEMO)


@pytest.mark.django_db
def test_export_then_import_then_export_gives_identical_files_and_course(tmp_path):
    import_folder(DEMO)
    export_folder(DEMO_SLUG, tmp_path / "first")
    spec_before = course_to_spec(Course.objects.get(slug=DEMO_SLUG))

    import_folder(tmp_path / "first")
    spec_after = course_to_spec(Course.objects.get(slug=DEMO_SLUG))
    export_folder(DEMO_SLUG, tmp_path / "second")

    assert spec_after == spec_before
    first, second = folder_files(tmp_path / "first"), folder_files(tmp_path / "second")
    assert sorted(first) == sorted(second)
    assert len(first) == 6  # course.yaml and five unit files
    for name in first:
        assert first[name] == second[name], f"{name} changed on the round trip"


@pytest.mark.django_db
def test_facilitator_guides_come_in_with_the_course_and_go_back_out_last_in_each_unit(tmp_path):
    course = import_folder(DEMO)
    guides = dict(course.units.values_list("slug", "facilitator_guide"))
    assert all("**Timings**" in guide for guide in guides.values())

    Unit.objects.filter(course=course, number=2).update(facilitator_guide="")
    Unit.objects.filter(course=course, number=3).update(facilitator_guide="Ask: *why* debate?")
    export_folder(DEMO_SLUG, tmp_path / "out")

    second, third = unit_path(tmp_path / "out", 2), unit_path(tmp_path / "out", 3)
    assert "facilitator_guide" not in second.read_text(encoding="utf-8")
    assert list(yaml.safe_load(third.read_text(encoding="utf-8")))[-1] == "facilitator_guide"
    Unit.objects.filter(course=course).update(facilitator_guide="changed in the admin")
    import_folder(tmp_path / "out")
    assert dict(course.units.values_list("slug", "facilitator_guide")) == {
        **guides,
        "reward-misspecification-and-human-feedback": "",
        "scalable-oversight": "Ask: *why* debate?",
    }


@pytest.mark.django_db
def test_strict_item_bounds_are_written_only_where_set_and_read_back(tmp_path):
    import_folder(DEMO)
    career = Exercise.objects.get(slug="career-plan")
    assert career.prompts.get(slug="future-roles").strict_item_bounds
    assert not career.prompts.get(slug="career-capital").strict_item_bounds

    export_folder(DEMO_SLUG, tmp_path / "out")

    def flip(data):
        roles, _, _, assets = data["exercises"][0]["prompts"][:4]
        assert (roles["strict_bounds"], "strict_bounds" in assets) == (True, False)
        del roles["strict_bounds"]
        assets["strict_bounds"] = True

    edit_unit(tmp_path / "out", 5, flip)
    import_folder(tmp_path / "out")
    assert not career.prompts.get(slug="future-roles").strict_item_bounds
    assert career.prompts.get(slug="career-capital").strict_item_bounds


@pytest.mark.django_db
def test_an_exported_course_reads_back_as_the_course_it_came_from(tmp_path):
    course = import_folder(DEMO)
    export_folder(DEMO_SLUG, tmp_path / "out")
    assert read_course(tmp_path / "out") == course_to_spec(course)


def test_writing_a_spec_and_reading_it_back_gives_the_same_spec(tmp_path):
    spec = read_course(DEMO)
    write_course(spec, tmp_path / "out")
    assert read_course(tmp_path / "out") == spec


def test_writing_a_course_replaces_stale_unit_files(tmp_path):
    spec = read_course(DEMO)
    write_course(spec, tmp_path / "out")
    write_course({**spec, "units": spec["units"][:2]}, tmp_path / "out")
    assert len(list((tmp_path / "out" / "units").glob("*.yaml"))) == 2
    assert read_course(tmp_path / "out")["units"] == spec["units"][:2]


def test_text_that_looks_like_other_yaml_values_survives_a_round_trip(tmp_path):
    spec = read_course(DEMO)
    resource = spec["units"][0]["resources"][0]
    resource["title"] = "yes"
    resource["authors"] = "null"
    resource["note"] = "- not a list\n# not a comment\n\n  indented: not a mapping"
    spec["units"][0]["summary"] = "2024"
    spec["title"] = "Alignment: a course # with colons and hashes"
    write_course(spec, tmp_path / "out")
    assert read_course(tmp_path / "out") == spec


@functools.cache
def _demo_spec() -> dict:
    return read_course(DEMO)


YAML_PIECES = [*":#-'\"|>{}[]&*!%@`,? \t\n\r", "a", "1", "é", "→", "yes", "null", "- ", ": "]
YAML_TRICKY_TEXT = (
    st.lists(st.sampled_from(YAML_PIECES), min_size=1, max_size=20)
    .map(lambda pieces: "".join(pieces).strip())
    .filter(bool)
)


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(title=YAML_TRICKY_TEXT, note=YAML_TRICKY_TEXT, authors=YAML_TRICKY_TEXT)
def test_any_text_survives_writing_and_reading_back(tmp_path, title, note, authors):
    spec = copy.deepcopy(_demo_spec())
    spec["units"] = spec["units"][:1]
    spec["title"] = title
    spec["units"][0]["resources"][0].update(note=note, authors=authors)
    spec["units"][0]["summary"] = note
    folder = tmp_path / f"out-{uuid.uuid4().hex}"
    write_course(spec, folder)
    assert read_course(folder) == spec


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["ftp-link", "unit-slug", "course-slug"])
def test_a_course_the_admin_accepts_exports_and_imports_again(tmp_path, change):
    course = CourseFactory(slug="built-in-admin")
    unit = UnitFactory(course=course, number=1, slug="intro")
    resource = ResourceFactory(unit=unit, position=1)
    if change == "ftp-link":
        resource.url = "ftp://example.com/reading.pdf"
        changed = resource
    elif change == "unit-slug":
        unit.slug = "Intro_1"
        changed = unit
    else:
        course.slug = "Built_In_Admin"
        changed = course
    try:
        changed.full_clean()  # what the admin checks before saving
    except ValidationError:
        return  # the admin refuses it as the files do: consistent
    changed.save()
    before = course_to_spec(course)

    export_folder(course.slug, tmp_path / "out")
    call_command("import_course", str(tmp_path / "out"), stdout=io.StringIO())

    assert course_to_spec(Course.objects.get(slug=course.slug)) == before


@pytest.mark.django_db
def test_importing_under_another_slug_gives_a_second_course_with_the_same_content(course_dir):
    original = import_folder(DEMO)
    original_unit_ids = set(original.units.values_list("pk", flat=True))
    edit_yaml(course_dir / "course.yaml", lambda data: data.update(slug="alignment-copy"))

    copy = import_folder(course_dir)

    assert copy.pk != original.pk
    assert Course.objects.count() == 2
    assert set(original.units.values_list("pk", flat=True)) == original_unit_ids
    assert not set(copy.units.values_list("pk", flat=True)) & original_unit_ids
    copy_spec, original_spec = course_to_spec(copy), course_to_spec(original)
    assert copy_spec["slug"] == "alignment-copy"
    assert {**copy_spec, "slug": DEMO_SLUG} == original_spec
    # The copy's exercises use the copy's rubrics, not the original's.
    assert not Exercise.objects.filter(unit__course=copy, rubric__course=original).exists()
    assert Exercise.objects.filter(unit__course=copy, rubric__course=copy).count() == 2


# Bad files


def _set_resource(number, index, **fields):
    def change(folder):
        edit_unit(folder, number, lambda d: d["resources"][index].update(fields))

    return change


def _set_prompt(number, exercise, index, **fields):
    def change(folder):
        edit_unit(
            folder, number, lambda d: d["exercises"][exercise]["prompts"][index].update(fields)
        )

    return change


def _del_resource_field(number, index, field):
    def change(folder):
        edit_unit(folder, number, lambda d: d["resources"][index].pop(field))

    return change


def _rename_resource_field(number, index, old, new):
    def change(folder):
        def rename(data):
            resource = data["resources"][index]
            resource[new] = resource.pop(old)

        edit_unit(folder, number, rename)

    return change


def _write_text(where, text):
    def change(folder):
        path = folder / "course.yaml" if where == "course" else unit_path(folder, where)
        path.write_text(text, encoding="utf-8")

    return change


def _write_latin1(number):
    def change(folder):
        path = unit_path(folder, number)
        path.write_bytes(path.read_bytes().replace(b"title:", "title: café".encode("latin-1"), 1))

    return change


def _duplicate_url(folder):
    def change(data):
        data["resources"][2]["url"] = data["resources"][0]["url"]

    edit_unit(folder, 2, change)


def _duplicate_unit_slug(folder):
    first = yaml.safe_load(unit_path(folder, 1).read_text(encoding="utf-8"))["slug"]
    edit_unit(folder, 3, lambda d: d.update(slug=first))


def _no_units_folder(folder):
    shutil.rmtree(folder / "units")


def _no_prompts(folder):
    edit_unit(folder, 4, lambda d: d["exercises"][0].update(prompts=[]))


def _prompts_missing(folder):
    edit_unit(folder, 4, lambda d: d["exercises"][0].pop("prompts"))


def _unknown_rubric(folder):
    edit_unit(folder, 5, lambda d: d["exercises"][1].update(rubric="no-such-rubric"))


def _level_without_points(folder):
    edit_yaml(
        folder / "course.yaml",
        lambda d: d["rubrics"][1]["criteria"][2]["levels"][0].pop("points"),
    )


def _course_slug(folder):
    edit_yaml(folder / "course.yaml", lambda d: d.update(slug="AI_Alignment"))


def _unit_slug(folder):
    edit_unit(folder, 4, lambda d: d.update(slug="mech interp!"))


def _guide_as_list(folder):
    edit_unit(folder, 2, lambda d: d.update(facilitator_guide=["Ask about proxies"]))


UNIT = {n: f"units/{unit_path(DEMO, n).name}" for n in range(1, 6)}

# Each case: how to break the folder, then the file, field and words of the error.
BAD_FILES = [
    pytest.param(
        _write_text(2, "slug: x\ntitle: [unclosed\n"), UNIT[2], "", "line 3", id="invalid-yaml"
    ),
    pytest.param(
        _write_text("course", "slug: x\n  title: y\n"),
        "course.yaml",
        "",
        "line 2",
        id="invalid-yaml-course",
    ),
    pytest.param(
        _write_text("course", "- slug: x\n"), "course.yaml", "", "mapping", id="top-level-list"
    ),
    pytest.param(_write_text(3, "just some words\n"), UNIT[3], "", "mapping", id="top-level-text"),
    pytest.param(_write_text(3, ""), UNIT[3], "", "mapping", id="empty-file"),
    pytest.param(
        _del_resource_field(2, 3, "minutes"),
        UNIT[2],
        "resources[3].minutes",
        "required",
        id="missing-minutes",
    ),
    pytest.param(
        _del_resource_field(1, 1, "url"), UNIT[1], "resources[1].url", "required", id="missing-url"
    ),
    pytest.param(
        _del_resource_field(1, 2, "title"),
        UNIT[1],
        "resources[2].title",
        "required",
        id="missing-title",
    ),
    pytest.param(
        _set_resource(2, 0, minutes="ten"),
        UNIT[2],
        "resources[0].minutes",
        "whole number",
        id="minutes-as-words",
    ),
    pytest.param(
        _set_resource(2, 1, minutes=0),
        UNIT[2],
        "resources[1].minutes",
        "at least 1",
        id="minutes-zero",
    ),
    pytest.param(
        _set_resource(2, 1, minutes=7.5),
        UNIT[2],
        "resources[1].minutes",
        "whole number",
        id="minutes-fraction",
    ),
    pytest.param(
        _set_resource(3, 0, core="yes"),
        UNIT[3],
        "resources[0].core",
        "true or false",
        id="core-as-text",
    ),
    pytest.param(
        _set_resource(3, 1, year=24),
        UNIT[3],
        "resources[1].year",
        "between 1000 and",
        id="year-two-digits",
    ),
    pytest.param(
        _set_resource(3, 1, kind="book"), UNIT[3], "resources[1].kind", "“book”", id="unknown-kind"
    ),
    pytest.param(
        _set_resource(3, 1, title=["a"]),
        UNIT[3],
        "resources[1].title",
        "must be text",
        id="title-as-list",
    ),
    pytest.param(
        _rename_resource_field(1, 1, "minutes", "minuts"),
        UNIT[1],
        "resources[1].minuts",
        "unknown field",
        id="typo-minuts",
    ),
    pytest.param(_duplicate_unit_slug, UNIT[3], "slug", "appears twice", id="duplicate-unit-slug"),
    pytest.param(_duplicate_url, UNIT[2], "resources[2].url", "appears twice", id="duplicate-url"),
    pytest.param(
        _set_resource(1, 0, url="ftp://example.com/a"),
        UNIT[1],
        "resources[0].url",
        "http",
        id="ftp-url",
    ),
    pytest.param(
        _set_resource(1, 0, url="example.com/a"),
        UNIT[1],
        "resources[0].url",
        "http",
        id="url-without-scheme",
    ),
    pytest.param(
        _set_prompt(3, 0, 1, min_items=5),
        UNIT[3],
        "exercises[0].prompts[1].max_items",
        "below min_items",
        id="min-above-max",
    ),
    pytest.param(
        _set_prompt(1, 0, 0, min_items=2),
        UNIT[1],
        "exercises[0].prompts[0].min_items",
        "answer: list",
        id="min-items-on-text",
    ),
    pytest.param(
        _set_prompt(1, 0, 1, max_items=2),
        UNIT[1],
        "exercises[0].prompts[1].max_items",
        "answer: list",
        id="max-items-on-text",
    ),
    pytest.param(
        _set_prompt(5, 0, 3, strict_bounds="yes"),
        UNIT[5],
        "exercises[0].prompts[3].strict_bounds",
        "must be true or false",
        id="strict-bounds-not-true-or-false",
    ),
    pytest.param(
        _set_prompt(5, 0, 1, strict_bounds=True),
        UNIT[5],
        "exercises[0].prompts[1].strict_bounds",
        "only applies with min_items or max_items",
        id="strict-bounds-without-bounds",
    ),
    pytest.param(
        _set_prompt(4, 0, 1, timebox_minutes=0),
        UNIT[4],
        "exercises[0].prompts[1].timebox_minutes",
        "at least 1",
        id="zero-timebox",
    ),
    pytest.param(
        _set_prompt(4, 0, 1, answer="essay"),
        UNIT[4],
        "exercises[0].prompts[1].answer",
        "“essay”",
        id="unknown-answer",
    ),
    pytest.param(
        _unknown_rubric, UNIT[5], "exercises[1].rubric", "no-such-rubric", id="unknown-rubric"
    ),
    pytest.param(
        _level_without_points,
        "course.yaml",
        "rubrics[1].criteria[2].levels[0].points",
        "required",
        id="level-without-points",
    ),
    pytest.param(_no_units_folder, "units/", "", "no unit files", id="no-units-folder"),
    pytest.param(
        _no_prompts,
        UNIT[4],
        "exercises[0].prompts",
        "at least one",
        id="exercise-with-empty-prompts",
    ),
    pytest.param(
        _prompts_missing, UNIT[4], "exercises[0].prompts", "required", id="exercise-without-prompts"
    ),
    pytest.param(_write_latin1(4), UNIT[4], "", "UTF-8", id="not-utf-8"),
    pytest.param(_course_slug, "course.yaml", "slug", "lower-case letters", id="bad-course-slug"),
    pytest.param(_unit_slug, UNIT[4], "slug", "lower-case letters", id="bad-unit-slug"),
    pytest.param(
        _guide_as_list, UNIT[2], "facilitator_guide", "must be text", id="guide-as-a-list"
    ),
]


@pytest.mark.parametrize(("breaks", "file", "field", "problem"), BAD_FILES)
def test_reading_a_bad_file_names_the_file_the_field_and_the_problem(
    course_dir, breaks, file, field, problem
):
    breaks(course_dir)
    with pytest.raises(CourseFileError) as caught:
        read_course(course_dir)
    error = caught.value
    assert (error.file, error.field) == (file, field)
    assert problem in error.problem
    assert str(error).startswith(f"{file}: {field}: " if field else f"{file}: ")


@pytest.mark.django_db
@pytest.mark.parametrize(("breaks", "file", "field", "problem"), BAD_FILES)
def test_importing_a_bad_file_is_a_command_error_that_names_the_file_and_field(
    course_dir, breaks, file, field, problem
):
    breaks(course_dir)
    with pytest.raises(CommandError) as caught:
        call_command("import_course", str(course_dir), stdout=io.StringIO())
    message = str(caught.value)
    assert "Nothing was imported" in message
    assert (f"{file}: {field}:" if field else f"{file}:") in message
    assert problem in message
    assert not Course.objects.exists()


def test_invalid_yaml_says_which_line_and_column(course_dir):
    _write_text(2, "slug: x\ntitle: [unclosed\n")(course_dir)
    with pytest.raises(CourseFileError, match=r"line \d+, column \d+"):
        read_course(course_dir)


def test_a_missing_course_file_is_named(course_dir):
    (course_dir / "course.yaml").unlink()
    with pytest.raises(CourseFileError) as caught:
        read_course(course_dir)
    assert caught.value.file == "course.yaml"
    assert "not found" in caught.value.problem


def test_a_path_that_is_not_a_folder_is_refused(tmp_path):
    with pytest.raises(CommandError, match="is not a folder"):
        call_command("import_course", str(tmp_path / "nowhere"))


TOO_LARGE = 2**31  # one above the largest value the database's integer columns hold

# (how to break the folder, file, field) for numbers too large for the database.
TOO_LARGE_NUMBERS = {
    "minutes": (_set_resource(2, 0, minutes=TOO_LARGE), UNIT[2], "resources[0].minutes"),
    "huge-minutes": (_set_resource(2, 0, minutes=10**20), UNIT[2], "resources[0].minutes"),
    "timebox": (
        _set_prompt(4, 0, 1, timebox_minutes=TOO_LARGE),
        UNIT[4],
        "exercises[0].prompts[1].timebox_minutes",
    ),
    "max-items": (
        _set_prompt(3, 0, 1, max_items=TOO_LARGE),
        UNIT[3],
        "exercises[0].prompts[1].max_items",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("breaks", "file", "field"), TOO_LARGE_NUMBERS.values(), ids=TOO_LARGE_NUMBERS.keys()
)
def test_numbers_too_large_for_the_database_are_a_file_error(course_dir, breaks, file, field):
    breaks(course_dir)
    with pytest.raises(CourseFileError) as caught:
        read_course(course_dir)
    assert (caught.value.file, caught.value.field) == (file, field)
    with pytest.raises(CommandError) as command_error:
        call_command("import_course", str(course_dir), stdout=io.StringIO())
    assert f"{file}: {field}: must be a whole number" in str(command_error.value)
    assert not Course.objects.exists()


def test_the_largest_number_the_database_holds_is_accepted(course_dir):
    _set_resource(2, 0, minutes=TOO_LARGE - 1)(course_dir)
    assert read_course(course_dir)["units"][1]["resources"][0]["minutes"] == TOO_LARGE - 1


# All or nothing


@pytest.mark.django_db
def test_a_bad_file_deep_inside_the_course_changes_nothing(course_dir):
    course = import_folder(DEMO)
    participant = UserFactory()
    resource_mark_done(user=participant, resource=Resource.objects.first(), done=True)
    before = db_snapshot(course)

    # Many good changes first, then one mistake in the last prompt of the last unit.
    edit_yaml(course_dir / "course.yaml", lambda d: d.update(title="Renamed", published=False))
    edit_unit(course_dir, 1, lambda d: d.update(title="Changed", resources=d["resources"][:1]))
    edit_unit(course_dir, 2, lambda d: d["resources"].reverse())
    _set_prompt(5, 1, -1, min_items=2)(course_dir)  # min_items on a text answer

    with pytest.raises(CommandError) as caught:
        call_command("import_course", str(course_dir), stdout=io.StringIO())

    assert f"{UNIT[5]}: exercises[1].prompts[10].min_items:" in str(caught.value)
    assert db_snapshot(course) == before


@pytest.mark.django_db
def test_a_database_error_late_in_an_import_rolls_back_the_whole_import():
    course = import_folder(DEMO)
    before = db_snapshot(course)
    spec = read_course(DEMO)
    spec["title"] = "Renamed"
    spec["units"][0]["title"] = "Changed"
    spec["units"][0]["resources"].reverse()
    spec["units"].append({**spec["units"][0], "slug": "a-new-unit"})
    # Past the file checks, a prompt the database refuses: more items asked than allowed.
    last_prompt = spec["units"][4]["exercises"][1]["prompts"][-1]
    last_prompt.update(answer="list", min_items=5, max_items=2)

    with pytest.raises(IntegrityError):
        course_import(spec=spec)

    assert db_snapshot(course) == before


# Updating in place


@pytest.mark.django_db
def test_reimporting_updates_in_place_and_keeps_progress(course_dir):
    course = import_folder(DEMO)
    participant = UserFactory()
    unit_two = course.units.get(number=2)
    done = unit_two.resources.get(position=2)
    resource_mark_done(user=participant, resource=done, done=True)
    completion_id = ResourceCompletion.objects.get().pk
    unit_ids = dict(course.units.values_list("slug", "pk"))
    resource_ids = {
        (r.unit.slug, r.url): r.pk for r in Resource.objects.select_related("unit").all()
    }
    prompt_ids = {
        (p.exercise.slug, p.slug): p.pk for p in Prompt.objects.select_related("exercise").all()
    }
    exercise_ids = dict(Exercise.objects.values_list("slug", "pk"))
    criterion_ids = dict(Criterion.objects.values_list("slug", "pk"))
    unit_one = course.units.get(number=1)
    dropped = unit_one.resources.get(position=4)

    # Swap sessions 1 and 2 by renaming their files, retitle a unit.
    first, second = unit_path(course_dir, 1), unit_path(course_dir, 2)
    first.rename(course_dir / "units" / ("02-" + first.name[3:]))
    second.rename(course_dir / "units" / ("01-" + second.name[3:]))
    edit_unit(course_dir, 3, lambda d: d.update(title="Scalable oversight, revisited"))

    # In (old) session 2: retitle the done resource and reverse the reading order.
    def reorder(data):
        data["resources"][1]["title"] = "A new title for the same reading"
        data["resources"].reverse()

    edit_unit(course_dir, 1, reorder)
    # In (old) session 1: drop the last resource, add a new one.
    edit_unit(
        course_dir,
        2,
        lambda d: d.update(
            resources=d["resources"][:3]
            + [{"title": "New", "url": "https://example.com/new", "minutes": 5}]
        ),
    )
    # Reverse the prompts of the career plan and drop its last one.
    edit_unit(
        course_dir,
        5,
        lambda d: d["exercises"][0].update(prompts=d["exercises"][0]["prompts"][:-1][::-1]),
    )
    # Swap the two exercises of the last unit.
    edit_unit(course_dir, 5, lambda d: d["exercises"].reverse())
    # Reverse a rubric's criteria.
    edit_yaml(course_dir / "course.yaml", lambda d: d["rubrics"][0]["criteria"].reverse())

    course = import_folder(course_dir)

    assert course_to_spec(course) == read_course(course_dir)
    # The participant's progress is still on the same, retitled resource.
    completion = ResourceCompletion.objects.get()
    assert completion.pk == completion_id
    assert completion.resource_id == done.pk
    assert completion.resource.title == "A new title for the same reading"
    assert completion.resource.unit.number == 1
    assert completion.resource.position == 3  # of four, reversed
    # Units swapped numbers and kept their identity.
    assert dict(course.units.values_list("slug", "pk")) == unit_ids
    assert course.units.get(number=1).pk == unit_two.pk
    assert course.units.get(number=2).pk == unit_one.pk
    assert course.units.get(number=3).title == "Scalable oversight, revisited"
    # Matched rows keep their ids; removed rows are gone; new rows are new.
    for resource in Resource.objects.select_related("unit"):
        key = (resource.unit.slug, resource.url)
        if resource.url == "https://example.com/new":
            assert key not in resource_ids
        else:
            assert resource_ids[key] == resource.pk
    assert not Resource.objects.filter(pk=dropped.pk).exists()
    assert not Prompt.objects.filter(
        pk=prompt_ids[("career-plan", "rare-valuable-skills")]
    ).exists()
    for prompt in Prompt.objects.select_related("exercise"):
        assert prompt_ids[(prompt.exercise.slug, prompt.slug)] == prompt.pk
    assert dict(Exercise.objects.values_list("slug", "pk")) == exercise_ids
    assert dict(Criterion.objects.values_list("slug", "pk")) == criterion_ids
    career = Exercise.objects.get(slug="career-plan")
    assert career.position == 2
    assert list(career.prompts.order_by("position").values_list("slug", flat=True))[:2] == [
        "icebreaker-goals",
        "job-likes-dislikes",
    ]


@pytest.mark.django_db
def test_reimporting_without_a_unit_removes_it_and_its_progress(course_dir):
    course = import_folder(DEMO)
    participant = UserFactory()
    last = course.units.get(number=5)
    resource_mark_done(user=participant, resource=last.resources.first(), done=True)
    unit_path(course_dir, 5).unlink()

    course = import_folder(course_dir)

    assert list(course.units.values_list("number", flat=True)) == [1, 2, 3, 4]
    assert not Unit.objects.filter(pk=last.pk).exists()
    assert not ResourceCompletion.objects.exists()
    assert not Exercise.objects.filter(kind="career_plan").exists()


@pytest.mark.django_db
def test_reimporting_with_a_renamed_unit_slug_replaces_that_unit(course_dir):
    course = import_folder(DEMO)
    old = course.units.get(number=2)
    edit_unit(course_dir, 2, lambda d: d.update(slug="rewards"))

    course = import_folder(course_dir)

    new = course.units.get(number=2)
    assert new.slug == "rewards"
    assert new.pk != old.pk
    assert not Unit.objects.filter(pk=old.pk).exists()
    assert course.units.count() == 5


@pytest.mark.django_db
def test_reimporting_without_a_rubric_removes_it_and_unlinks_its_exercises(course_dir):
    course = import_folder(DEMO)
    edit_yaml(course_dir / "course.yaml", lambda d: d.update(rubrics=d["rubrics"][:1]))
    edit_unit(course_dir, 5, lambda d: d["exercises"][1].pop("rubric"))

    course = import_folder(course_dir)

    assert list(course.rubrics.values_list("slug", flat=True)) == ["career-plan"]
    assert Exercise.objects.get(slug="project-plan").rubric is None
    assert course_to_spec(course) == read_course(course_dir)


@pytest.mark.django_db
def test_reordering_rubric_levels_on_reimport_updates_points_in_place(course_dir):
    import_folder(DEMO)

    def reverse_levels(data):
        levels = data["rubrics"][0]["criteria"][0]["levels"]
        levels.reverse()

    edit_yaml(course_dir / "course.yaml", reverse_levels)
    course = import_folder(course_dir)

    criterion = Criterion.objects.get(rubric__course=course, slug="range-of-options")
    assert list(criterion.levels.order_by("position").values_list("points", flat=True)) == [
        2,
        1,
        0,
    ]
    assert course_to_spec(course) == read_course(course_dir)


# The command line


def test_the_import_command_line_reports_a_bad_file_and_exits_non_zero(course_dir, tmp_path):
    _set_resource(2, 3, minutes="ten")(course_dir)
    database = tmp_path / "cli.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "courseplatform.settings.test",
        "DATABASE_URL": f"sqlite:///{database}",
    }

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    migrated = manage("migrate", "courses", "--verbosity", "0")  # only what the import needs
    assert migrated.returncode == 0, migrated.stderr

    result = manage("import_course", str(course_dir))

    assert result.returncode == 2
    assert f"{UNIT[2]}: resources[3].minutes:" in result.stderr
    assert "whole number" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Imported" not in result.stdout
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT COUNT(*) FROM courses_course").fetchone() == (0,)


@pytest.mark.django_db
def test_exporting_an_unknown_course_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="no-such-course") as caught:
        call_command("export_course", "no-such-course", str(tmp_path / "out"))
    assert caught.value.returncode == 2
    assert not (tmp_path / "out").exists()
