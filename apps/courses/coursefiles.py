"""Read and write courses as folders of YAML files (format: docs/course-format.md).

Reading produces plain dictionaries that have been checked field by field, so
the database step never sees a malformed value. Every problem is reported as
"file: field: what is wrong", the way a person editing the file needs it.
"""

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import yaml

from apps.courses.sections import ExerciseSection, exercise_sections

COURSE_FILE = "course.yaml"
UNITS_DIR = "units"
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RESOURCE_KINDS = ("article", "paper", "video", "podcast", "other")
EXERCISE_KINDS = ("free_response", "career_plan", "project_plan")
ANSWER_KINDS = ("text", "list", "milestones")
# The largest value the database's integer columns hold.
_LARGEST_WHOLE = 2_147_483_647


class CourseFileError(Exception):
    def __init__(self, file: str, field: str, problem: str):
        self.file, self.field, self.problem = file, field, problem
        where = f"{file}: {field}" if field else file
        super().__init__(f"{where}: {problem}")


@dataclass
class Reader:
    """Checks the values of one mapping in one file, remembering where it is."""

    file: str
    path: str
    data: dict

    def fail(self, field: str, problem: str):
        raise CourseFileError(self.file, self.at(field), problem)

    def at(self, field: str) -> str:
        """The path of a field of this mapping, as error messages name it."""
        return f"{self.path}.{field}" if self.path and field else (self.path or field)

    def check_fields(self, allowed: tuple[str, ...]) -> None:
        for name in self.data:
            if name not in allowed:
                self.fail(str(name), f"unknown field; expected one of {', '.join(allowed)}")

    def text(self, field: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = self.data.get(field)
        if value is None or value == "":
            if required:
                self.fail(field, "is required")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.fail(field, "must be text")
        value = str(value)
        if max_length and len(value) > max_length:
            self.fail(field, f"is {len(value)} characters long; the limit is {max_length}")
        return value.strip()

    def slug(self, field: str) -> str:
        value = self.text(field, required=True, max_length=50)
        if not _SLUG.match(value):
            self.fail(field, f"“{value}” must be lower-case letters, digits and hyphens")
        return value

    def boolean(self, field: str, default: bool) -> bool:
        value = self.data.get(field, default)
        if not isinstance(value, bool):
            self.fail(field, "must be true or false")
        return value

    def whole(self, field: str, *, minimum: int, maximum: int = _LARGEST_WHOLE) -> int | None:
        value = self.data.get(field)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(field, "must be a whole number")
        if value < minimum and maximum == _LARGEST_WHOLE:
            self.fail(field, f"must be a whole number of at least {minimum}")
        if not minimum <= value <= maximum:
            self.fail(field, f"must be a whole number between {minimum} and {maximum:,}")
        return value

    def choice(self, field: str, choices: tuple[str, ...], default: str) -> str:
        value = self.data.get(field, default)
        if value not in choices:
            self.fail(field, f"“{value}” is not one of {', '.join(choices)}")
        return value

    def rubric(self, field: str, rubric_slugs: set[str]) -> str | None:
        """The slug of a rubric in the course file, or None when the field is left out."""
        rubric = self.text(field) or None
        if rubric is not None and rubric not in rubric_slugs:
            self.fail(field, f"“{rubric}” is not a rubric in {COURSE_FILE}")
        return rubric

    def items(self, field: str, *, required: bool = False) -> list["Reader"]:
        value = self.data.get(field)
        if value is None:
            if required:
                self.fail(field, "is required and must list at least one entry")
            return []
        if not isinstance(value, list) or (required and not value):
            self.fail(field, "must be a list with at least one entry")
        readers = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                self.fail(f"{field}[{index}]", "must be a mapping of field: value")
            readers.append(Reader(self.file, self.at(f"{field}[{index}]"), item))
        return readers


def _unique(readers: list[Reader], values: list[str], field: str) -> None:
    seen = set()
    for reader, value in zip(readers, values, strict=True):
        if value in seen:
            reader.fail(field, f"“{value}” appears twice; it must be unique here")
        seen.add(value)


def _load_yaml(path: Path, name: str) -> Reader:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CourseFileError(name, "", "file not found") from None
    except UnicodeDecodeError:
        raise CourseFileError(name, "", "is not UTF-8 text") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise CourseFileError(name, "", f"is not valid YAML ({where}{problem})") from None
    if not isinstance(data, dict):
        raise CourseFileError(name, "", "must be a mapping of field: value at the top level")
    return Reader(name, "", data)


def _read_rubric(r: Reader) -> dict:
    r.check_fields(("slug", "title", "criteria"))
    criteria = r.items("criteria", required=True)
    spec = {"slug": r.slug("slug"), "title": r.text("title", required=True, max_length=200)}
    spec["criteria"] = [_read_criterion(c) for c in criteria]
    _unique(criteria, [c["slug"] for c in spec["criteria"]], "slug")
    return spec


def _read_criterion(r: Reader) -> dict:
    r.check_fields(("slug", "title", "description", "levels"))
    levels = []
    for level in r.items("levels", required=True):
        level.check_fields(("title", "description", "points"))
        points = level.whole("points", minimum=0)
        if points is None:
            level.fail("points", "is required")
        levels.append(
            {
                "title": level.text("title", required=True, max_length=200),
                "description": level.text("description"),
                "points": points,
            }
        )
    return {
        "slug": r.slug("slug"),
        "title": r.text("title", required=True, max_length=200),
        "description": r.text("description"),
        "levels": levels,
    }


def _read_resource(r: Reader) -> dict:
    r.check_fields(("title", "url", "authors", "year", "kind", "core", "minutes", "note"))
    url = r.text("url", required=True, max_length=1000)
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        r.fail("url", f"“{url}” must be a full http:// or https:// link")
    minutes = r.whole("minutes", minimum=1)
    if minutes is None:
        r.fail("minutes", "is required: estimated minutes, a whole number above 0")
    return {
        "title": r.text("title", required=True, max_length=300),
        "url": url,
        "authors": r.text("authors", max_length=300),
        "year": r.whole("year", minimum=1000, maximum=2999),
        "kind": r.choice("kind", RESOURCE_KINDS, "article"),
        "core": r.boolean("core", True),
        "minutes": minutes,
        "note": r.text("note"),
    }


def _read_prompt(r: Reader) -> dict:
    r.check_fields(
        (
            "slug",
            "text",
            "help",
            "required",
            "answer",
            "min_items",
            "max_items",
            "strict_bounds",
            "timebox_minutes",
        )
    )
    answer = r.choice("answer", ANSWER_KINDS, "text")
    low, high = r.whole("min_items", minimum=0), r.whole("max_items", minimum=1)
    if answer == "text" and (low is not None or high is not None):
        r.fail(
            "min_items" if low is not None else "max_items",
            "only applies to answer: list or answer: milestones",
        )
    if low is not None and high is not None and low > high:
        r.fail("max_items", f"is {high}, below min_items ({low})")
    strict = r.boolean("strict_bounds", False)
    if strict and low is None and high is None:
        r.fail("strict_bounds", "only applies with min_items or max_items")
    return {
        "slug": r.slug("slug"),
        "text": r.text("text", required=True),
        "help": r.text("help"),
        "required": r.boolean("required", True),
        "answer": answer,
        "min_items": low,
        "max_items": high,
        "strict_bounds": strict,
        "timebox_minutes": r.whole("timebox_minutes", minimum=1),
    }


def _read_section(r: Reader, section: ExerciseSection, rubric_slugs: set[str]) -> dict | None:
    """Another app's mapping under the exercise, checked by that app; None when left out."""
    value = r.data.get(section.field)
    if value is None:
        return None
    if not isinstance(value, dict):
        r.fail(section.field, "must be a mapping of field: value (use {} for all defaults)")
    reader = Reader(r.file, r.at(section.field), value)
    reader.check_fields(tuple(section.defaults))
    return section.read(reader, rubric_slugs=rubric_slugs)


def _read_exercise(r: Reader, rubric_slugs: set[str]) -> dict:
    sections = exercise_sections()
    r.check_fields(
        ("slug", "title", "kind", "instructions", "rubric", "prompts")
        + tuple(section.field for section in sections)
    )
    rubric = r.rubric("rubric", rubric_slugs)
    prompts = r.items("prompts", required=True)
    spec = {
        "slug": r.slug("slug"),
        "title": r.text("title", required=True, max_length=200),
        "kind": r.choice("kind", EXERCISE_KINDS, "free_response"),
        "instructions": r.text("instructions"),
        "rubric": rubric,
        "prompts": [_read_prompt(p) for p in prompts],
    }
    for section in sections:
        spec[section.field] = _read_section(r, section, rubric_slugs)
    _unique(prompts, [p["slug"] for p in spec["prompts"]], "slug")
    return spec


def _read_unit(r: Reader, rubric_slugs: set[str]) -> dict:
    r.check_fields(("slug", "title", "summary", "facilitator_guide", "resources", "exercises"))
    resources, exercises = r.items("resources"), r.items("exercises")
    spec = {
        "slug": r.slug("slug"),
        "title": r.text("title", required=True, max_length=200),
        "summary": r.text("summary"),
        "resources": [_read_resource(x) for x in resources],
        "exercises": [_read_exercise(x, rubric_slugs) for x in exercises],
        # Last in the file: it is for facilitators, and the longest text in it.
        "facilitator_guide": r.text("facilitator_guide"),
    }
    _unique(resources, [x["url"] for x in spec["resources"]], "url")
    _unique(exercises, [x["slug"] for x in spec["exercises"]], "slug")
    return spec


def read_course(folder: Path) -> dict:
    """Read and check a course folder; raise CourseFileError on the first problem."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CourseFileError(str(folder), "", "is not a folder")
    course = _load_yaml(folder / COURSE_FILE, COURSE_FILE)
    course.check_fields(("slug", "title", "summary", "published", "share_plans", "rubrics"))
    rubric_readers = course.items("rubrics")
    spec = {
        "slug": course.slug("slug"),
        "title": course.text("title", required=True, max_length=200),
        "summary": course.text("summary"),
        "published": course.boolean("published", True),
        "share_plans": course.boolean("share_plans", True),
        "rubrics": [_read_rubric(r) for r in rubric_readers],
    }
    _unique(rubric_readers, [r["slug"] for r in spec["rubrics"]], "slug")
    rubric_slugs = {r["slug"] for r in spec["rubrics"]}

    unit_files = sorted((folder / UNITS_DIR).glob("*.yaml"))
    if not unit_files:
        raise CourseFileError(f"{UNITS_DIR}/", "", "holds no unit files (*.yaml)")
    units, readers = [], []
    for path in unit_files:
        reader = _load_yaml(path, f"{UNITS_DIR}/{path.name}")
        units.append(_read_unit(reader, rubric_slugs))
        readers.append(reader)
    _unique(readers, [u["slug"] for u in units], "slug")
    spec["units"] = units
    return spec


class _BlockDumper(yaml.SafeDumper):
    """Writes multi-line text as block scalars and indents lists, as people write YAML."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _represent_str)

# Fields left out of the files when they hold their default, to keep them short.
_DEFAULTS = {
    "summary": "",
    "facilitator_guide": "",
    "description": "",
    "authors": "",
    "note": "",
    "instructions": "",
    "help": "",
    "year": None,
    "rubric": None,
    "min_items": None,
    "max_items": None,
    "strict_bounds": False,
    "timebox_minutes": None,
    "published": True,
    "share_plans": True,
    "core": True,
    "required": True,
    "answer": "text",
}


def _compact(value):
    """Drop fields that hold their default; the reader puts them back."""
    if isinstance(value, list):
        return [_compact(v) for v in value]
    if not isinstance(value, dict):
        return value
    sections = {section.field: section for section in exercise_sections()}
    out = {}
    for key, item in value.items():
        if key in sections:
            if item is not None:
                out[key] = _compact_section(item, sections[key].defaults)
            continue
        if key in _DEFAULTS and item == _DEFAULTS[key]:
            continue
        if key in ("rubrics", "resources", "exercises") and item == []:
            continue
        out[key] = _compact(item)
    return out


def _compact_section(data: dict, defaults: dict) -> dict:
    """Only the fields that differ from the defaults; `{}` still says the exercise has it."""
    return {key: value for key, value in data.items() if value != defaults.get(key, object())}


def _dump(data: dict, path: Path) -> None:
    text = yaml.dump(
        _compact(data), Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=100
    )
    path.write_text(text, encoding="utf-8")


def write_course(spec: dict, folder: Path) -> None:
    """Write a course spec (as read_course returns) to a folder, replacing its unit files."""
    folder = Path(folder)
    units_dir = folder / UNITS_DIR
    units_dir.mkdir(parents=True, exist_ok=True)
    for stale in units_dir.glob("*.yaml"):
        stale.unlink()
    course = {key: value for key, value in spec.items() if key != "units"}
    _dump(course, folder / COURSE_FILE)
    for number, unit in enumerate(spec["units"], start=1):
        resources = [_without_default_kind(r, "article") for r in unit["resources"]]
        exercises = [_without_default_kind(e, "free_response") for e in unit["exercises"]]
        _dump(
            {**unit, "resources": resources, "exercises": exercises},
            units_dir / f"{number:02d}-{unit['slug']}.yaml",
        )


def _without_default_kind(item: dict, default: str) -> dict:
    return {k: v for k, v in item.items() if not (k == "kind" and v == default)}
