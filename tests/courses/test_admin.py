"""The course admin: the whole course on one page, reorderable, duplicable, staff only."""

from html.parser import HTMLParser

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from apps.courses.models import Course, Exercise, Prompt, Resource, Unit
from apps.courses.selectors import course_to_spec
from tests.factories import (
    CourseFactory,
    CriterionFactory,
    ExerciseFactory,
    LevelFactory,
    PromptFactory,
    ResourceFactory,
    RubricFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


class FormData(HTMLParser):
    """Collects what a browser would submit from one form: names and current values.

    Honours checked checkboxes and radios, selected options (or the first option of
    a single select), textarea contents, and skips the `__prefix__` templates that
    the admin keeps for rows added by JavaScript.
    """

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.fields: list[tuple[str, str]] = []
        self._select: dict | None = None
        self._option: dict | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: ("" if value is None else value) for name, value in attrs}
        if tag == "form":
            self.in_form = attrs.get("id") == self.form_id
            return
        if not self.in_form:
            return
        if tag == "input":
            self._input(attrs)
        elif tag == "textarea":
            self._textarea = {"name": attrs.get("name"), "text": []}
        elif tag == "select":
            self._select = {
                "name": attrs.get("name"),
                "multiple": "multiple" in attrs,
                "options": [],
            }
        elif tag == "option" and self._select is not None:
            self._option = {"value": attrs.get("value"), "selected": "selected" in attrs}
            self._option["text"] = []
            self._select["options"].append(self._option)

    def _input(self, attrs):
        kind = attrs.get("type", "text").lower()
        name = attrs.get("name")
        if not name or kind in ("submit", "button", "image", "reset", "file"):
            return
        if kind in ("checkbox", "radio"):
            if "checked" in attrs:
                self._add(name, attrs.get("value", "on"))
            return
        self._add(name, attrs.get("value", ""))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["text"].append(data)
        elif self._option is not None:
            self._option["text"].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._textarea["text"])
            # Browsers drop the newline that starts a textarea's content.
            self._add(self._textarea["name"], text.removeprefix("\r\n").removeprefix("\n"))
            self._textarea = None
        elif tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            select, self._select = self._select, None
            options = select["options"]
            chosen = [o for o in options if o["selected"]]
            if not chosen and options and not select["multiple"]:
                chosen = options[:1]
            for option in chosen:
                value = option["value"]
                self._add(select["name"], "".join(option["text"]) if value is None else value)

    def _add(self, name, value):
        if name and "__prefix__" not in name:
            self.fields.append((name, value))

    def as_post_data(self) -> dict:
        data: dict[str, list[str]] = {}
        for name, value in self.fields:
            data.setdefault(name, []).append(value)
        return data


def form_data(html: str, form_id: str = "course_form") -> dict:
    parser = FormData(form_id)
    parser.feed(html)
    parser.close()
    assert parser.fields, f"no form #{form_id} in the page"
    return parser.as_post_data()


def change_url(course) -> str:
    return reverse("admin:courses_course_change", args=[course.pk])


def prefix_of(data: dict, field: str, value) -> str:
    """The form prefix of the row whose `field` holds value, e.g. "units-0-resources-1"."""
    matches = [
        name.removesuffix(f"-{field}")
        for name, values in data.items()
        if name.endswith(f"-{field}") and values == [str(value)]
    ]
    assert len(matches) == 1, (field, value, matches)
    return matches[0]


@pytest.fixture
def course():
    course = CourseFactory(slug="alignment", title="Alignment")
    rubric = RubricFactory(course=course, slug="plan-quality", title="Plan quality")
    criterion = CriterionFactory(rubric=rubric, position=1, slug="specific", title="Specific")
    LevelFactory(criterion=criterion, position=1, title="Vague", points=0)
    LevelFactory(criterion=criterion, position=2, title="Concrete", points=2)
    for number in (1, 2):
        unit = UnitFactory(
            course=course, number=number, slug=f"unit-{number}", title=f"Unit title {number}"
        )
        for position in (1, 2, 3):
            ResourceFactory(
                unit=unit,
                position=position,
                title=f"Reading {number}.{position}",
                url=f"https://example.com/{number}/{position}",
                note="Line one\nline two",
            )
        exercise = ExerciseFactory(
            unit=unit, position=1, slug="plan", title=f"Exercise {number}", rubric=rubric
        )
        PromptFactory(
            exercise=exercise,
            position=1,
            slug="roles",
            text=f"Which roles, session {number}?",
            answer="list",
            min_items=3,
            max_items=5,
        )
        PromptFactory(exercise=exercise, position=2, slug="why", text=f"Why, session {number}?")
    return course


def resource_titles(unit_number: int) -> list[str]:
    return list(
        Resource.objects.filter(unit__number=unit_number)
        .order_by("position")
        .values_list("title", flat=True)
    )


# Who may use it


def test_a_participant_is_sent_to_the_admin_login(participant_client, course):
    response = participant_client.get(change_url(course))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_an_anonymous_visitor_is_sent_to_the_admin_login(client, course):
    response = client.get(change_url(course))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_participant_cannot_post_changes(participant_client, course):
    before = course_to_spec(course)

    response = participant_client.post(
        change_url(course),
        {"title": "Hijacked", "slug": "hijacked", "units-TOTAL_FORMS": "0"},
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert course_to_spec(Course.objects.get(pk=course.pk)) == before


def test_a_participant_cannot_run_the_duplicate_action(participant_client, course):
    response = participant_client.post(
        reverse("admin:courses_course_changelist"),
        {"action": "duplicate", "_selected_action": [course.pk], "index": 0},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert Course.objects.count() == 1


# The whole course on one page


def test_staff_see_the_whole_course_on_one_page(staff_client, course):
    response = staff_client.get(change_url(course))

    assert response.status_code == 200
    html = response.content.decode()
    for number in (1, 2):
        assert f"Unit title {number}" in html
        assert f"Exercise {number}" in html
        assert f"Which roles, session {number}?" in html
        assert f"Why, session {number}?" in html
        for position in (1, 2, 3):
            assert f"Reading {number}.{position}" in html
    assert "Plan quality" in html
    assert "Concrete" in html
    assert "Preview “Session 1: Unit title 1” as a participant sees it" in html


def test_saving_the_page_unchanged_changes_nothing(staff_client, course):
    before = course_to_spec(course)
    data = form_data(staff_client.get(change_url(course)).content.decode())

    response = staff_client.post(change_url(course), data)

    assert response.status_code == 302, _errors(response)
    assert course_to_spec(Course.objects.get(pk=course.pk)) == before


def _errors(response) -> str:
    """The error messages on a re-shown admin form, to explain a failed save."""
    if response.status_code != 200 or not response.context:
        return ""
    found = []
    adminform = response.context.get("adminform")
    if adminform is not None:
        found.append(str(adminform.form.errors))
    for inline in response.context.get("inline_admin_formsets", []):
        found.append(str(inline.formset.errors))
        found.append(str(inline.formset.non_form_errors()))
    return " ".join(found)


# Reordering


def test_staff_can_swap_and_rotate_resources_in_one_save(staff_client, course):
    data = form_data(staff_client.get(change_url(course)).content.decode())
    # Swap the first two readings of session 1 ...
    first = prefix_of(data, "title", "Reading 1.1")
    second = prefix_of(data, "title", "Reading 1.2")
    data[f"{first}-position"], data[f"{second}-position"] = ["2"], ["1"]
    # ... and rotate all three of session 2.
    for title, position in [("Reading 2.1", 3), ("Reading 2.2", 1), ("Reading 2.3", 2)]:
        data[f"{prefix_of(data, 'title', title)}-position"] = [str(position)]
    resource_ids = set(Resource.objects.values_list("pk", flat=True))

    response = staff_client.post(change_url(course), data)

    assert response.status_code == 302, _errors(response)
    assert resource_titles(1) == ["Reading 1.2", "Reading 1.1", "Reading 1.3"]
    assert resource_titles(2) == ["Reading 2.2", "Reading 2.3", "Reading 2.1"]
    assert set(Resource.objects.values_list("pk", flat=True)) == resource_ids


def test_staff_can_swap_the_numbers_of_two_units(staff_client, course):
    unit_ids = dict(Unit.objects.values_list("slug", "pk"))
    data = form_data(staff_client.get(change_url(course)).content.decode())
    first = prefix_of(data, "slug", "unit-1")
    second = prefix_of(data, "slug", "unit-2")
    data[f"{first}-number"], data[f"{second}-number"] = ["2"], ["1"]

    response = staff_client.post(change_url(course), data)

    assert response.status_code == 302, _errors(response)
    units = list(Unit.objects.filter(course=course).order_by("number"))
    assert [(u.number, u.slug) for u in units] == [(1, "unit-2"), (2, "unit-1")]
    assert dict(Unit.objects.values_list("slug", "pk")) == unit_ids
    assert resource_titles(1) == ["Reading 2.1", "Reading 2.2", "Reading 2.3"]


def test_staff_can_swap_two_prompts_and_edit_them_in_one_save(staff_client, course):
    data = form_data(staff_client.get(change_url(course)).content.decode())
    roles = prefix_of(data, "text", "Which roles, session 1?")
    why = prefix_of(data, "text", "Why, session 1?")
    data[f"{roles}-position"], data[f"{why}-position"] = ["2"], ["1"]
    data[f"{why}-text"] = ["Why first?"]

    response = staff_client.post(change_url(course), data)

    assert response.status_code == 302, _errors(response)
    exercise = Exercise.objects.get(unit__number=1)
    assert list(exercise.prompts.order_by("position").values_list("slug", "text")) == [
        ("why", "Why first?"),
        ("roles", "Which roles, session 1?"),
    ]


def test_staff_can_make_a_prompts_item_bounds_a_rule(staff_client, course):
    data = form_data(staff_client.get(change_url(course)).content.decode())
    roles = prefix_of(data, "text", "Which roles, session 1?")
    assert f"{roles}-strict_item_bounds" not in data  # a suggestion until ticked

    data[f"{roles}-strict_item_bounds"] = ["on"]
    response = staff_client.post(change_url(course), data)

    assert response.status_code == 302, _errors(response)
    prompts = Prompt.objects.filter(slug="roles").order_by("exercise__unit__number")
    assert [p.strict_item_bounds for p in prompts] == [True, False]


def test_staff_can_write_a_sessions_facilitator_guide(staff_client, course):
    data = form_data(staff_client.get(change_url(course)).content.decode())
    unit = prefix_of(data, "slug", "unit-2")
    data[f"{unit}-facilitator_guide"] = ["**Timings**\n\n- 0-10 min: check-in."]

    response = staff_client.post(change_url(course), data)

    assert response.status_code == 302, _errors(response)
    guides = Unit.objects.filter(course=course).order_by("number")
    assert [u.facilitator_guide for u in guides] == ["", "**Timings**\n\n- 0-10 min: check-in."]


def test_a_rule_without_item_bounds_is_refused_with_a_message(staff_client, course):
    before = course_to_spec(course)
    data = form_data(staff_client.get(change_url(course)).content.decode())
    data[f"{prefix_of(data, 'text', 'Why, session 1?')}-strict_item_bounds"] = ["on"]

    response = staff_client.post(change_url(course), data)

    assert response.status_code == 200
    assert "Only a prompt with a minimum or maximum number of items" in response.content.decode()
    assert course_to_spec(Course.objects.get(pk=course.pk)) == before


def test_giving_two_units_the_same_number_shows_an_error_and_saves_nothing(staff_client, course):
    before = course_to_spec(course)
    data = form_data(staff_client.get(change_url(course)).content.decode())
    data["title"] = ["A new title that must not be saved"]
    data[f"{prefix_of(data, 'slug', 'unit-2')}-number"] = ["1"]
    data[f"{prefix_of(data, 'title', 'Reading 1.1')}-title"] = ["Must not be saved either"]

    response = staff_client.post(change_url(course), data)

    assert response.status_code == 200
    assert "Two rows have number 1" in response.content.decode()
    assert course_to_spec(Course.objects.get(pk=course.pk)) == before


def test_a_tie_in_resource_positions_is_settled_by_page_order(staff_client, course):
    data = form_data(staff_client.get(change_url(course)).content.decode())
    data[f"{prefix_of(data, 'title', 'Reading 2.3')}-position"] = ["1"]

    response = staff_client.post(change_url(course), data)

    assert response.status_code == 302
    unit = course.units.get(number=2)
    titles = list(unit.resources.order_by("position").values_list("title", flat=True))
    assert titles[0] == "Reading 2.1"
    assert sorted(titles) == ["Reading 2.1", "Reading 2.2", "Reading 2.3"]


def test_giving_two_resources_in_a_unit_the_same_link_shows_an_error(staff_client, course):
    before = course_to_spec(course)
    data = form_data(staff_client.get(change_url(course)).content.decode())
    data[f"{prefix_of(data, 'title', 'Reading 1.2')}-url"] = ["https://example.com/1/1"]

    response = staff_client.post(change_url(course), data)

    assert response.status_code == 200
    assert course_to_spec(Course.objects.get(pk=course.pk)) == before


# Duplicating


def test_staff_can_duplicate_a_course_from_the_list(staff_client, course):
    response = staff_client.post(
        reverse("admin:courses_course_changelist"),
        {"action": "duplicate", "_selected_action": [course.pk], "index": 0},
        follow=True,
    )

    assert response.status_code == 200
    copy = Course.objects.exclude(pk=course.pk).get()
    assert copy.slug == "alignment-copy"
    assert copy.title == "Alignment (copy)"
    assert not copy.is_published
    assert "Alignment (copy)" in response.content.decode()
    assert any("alignment-copy" in str(m) for m in get_messages(response.wsgi_request))
    assert course_to_spec(copy)["units"] == course_to_spec(course)["units"]


def test_duplicating_twice_picks_a_free_slug(staff_client, course):
    for _ in range(2):
        staff_client.post(
            reverse("admin:courses_course_changelist"),
            {"action": "duplicate", "_selected_action": [course.pk], "index": 0},
        )
    assert set(Course.objects.values_list("slug", flat=True)) == {
        "alignment",
        "alignment-copy",
        "alignment-copy-2",
    }


def test_duplicating_a_course_with_a_long_slug_gives_a_valid_slug(staff_client):
    course = CourseFactory(slug="a" * 50, title="Long")

    response = staff_client.post(
        reverse("admin:courses_course_changelist"),
        {"action": "duplicate", "_selected_action": [course.pk], "index": 0},
        follow=True,
    )

    assert response.status_code == 200
    copies = list(Course.objects.exclude(pk=course.pk))
    limit = Course._meta.get_field("slug").max_length
    assert all(len(copy.slug) <= limit for copy in copies), [c.slug for c in copies]
    assert copies or list(get_messages(response.wsgi_request))
