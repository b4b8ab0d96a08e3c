import csv
import io
import re

import pytest
from django.urls import reverse

from apps.rounds.models import Enrollment
from tests.factories import CohortFactory, FacilitatorEnrollmentFactory, UserFactory
from tests.progress.conftest import log_in, other_participant, participant_in

pytestmark = pytest.mark.django_db


def cohort_url(small, name="progress:cohort"):
    return reverse(name, args=[small.cohort.pk])


def round_url(small, name="progress:round"):
    return reverse(name, args=[small.course.round.slug])


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def rows_of(response) -> list[dict]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))


def text(html: str) -> str:
    """The page's words without tags, spaces squeezed, to check what is said."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# The cohort dashboard ---------------------------------------------------------


def test_the_cohort_dashboard_shows_each_cell(client, small):
    html = page(log_in(client, small.facilitator.user), cohort_url(small))
    words = text(html)

    assert "Progress of Tuesday Owls" in words
    assert "3/3 readings done" in words and "1/2 readings done" in words
    assert "Task 1: Submitted, late" in words
    assert "Task 0: Returned for revision" in words
    assert "Task 1: Draft" in words and "Task 0: Not started" in words
    assert "Present" in words and "Excused" in words and "Absent" in words
    assert "Not recorded" in words


def test_the_cohort_dashboard_leaves_meetings_to_come_blank_for_the_eye(client, small):
    html = page(log_in(client, small.facilitator.user), cohort_url(small))

    assert html.count('attendance-upcoming">') == 3  # Ada, Ben, and Cy who left
    upcoming = re.search(r'attendance-upcoming">\s*(.*?)\s*</span>\s*</span>', html, re.S)
    assert 'class="visually-hidden">Meeting still to come' in upcoming.group(1)


def test_the_cohort_dashboard_shows_row_and_column_totals(client, small):
    words = text(page(log_in(client, small.facilitator.user), cohort_url(small)))

    assert "67% of readings done 3 of 3 1 of 2 (1 excused)" in words  # Ada's row
    assert "17% of readings done 0 of 3 0 of 2" in words  # Ben's row
    assert "1 of 2 did the readings 1 of 2 handed in everything 1 of 2 attended" in words
    assert "0 of 2 did the readings No exercises No meeting held yet" in words
    assert "All 2 participants" in words


def test_people_who_left_are_greyed_out_under_their_own_heading(client, small):
    html = page(log_in(client, small.facilitator.user), cohort_url(small))

    former = html[html.index('<tbody class="former">') :]
    assert "Left the round, not counted in totals" in former
    assert '<tr class="has-left">' in former and "Cy" in former and "Dropped" in former
    assert "Cy" not in html[: html.index('<tbody class="former">')].split("<tbody>", 1)[1]


def test_the_grid_is_an_accessible_table(client, small):
    html = page(log_in(client, small.facilitator.user), cohort_url(small))
    html = html[html.index('<table class="progress-grid">') :]

    assert "<caption" in html
    assert html.count('<th scope="col">') == 1 + 3 + 3
    assert html.count('<th scope="row">') == 3 + 1  # three people and the totals
    # Every exercise mark has words behind its symbol.
    assert (
        html.count('class="mark mark-') == html.count('<span class="visually-hidden">Task') == 3 * 3
    )  # three people, three exercises each


def test_the_cohort_chart_is_inline_svg_with_a_title_and_a_table_of_its_figures(client, small):
    html = page(log_in(client, small.facilitator.user), cohort_url(small))

    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg and 'aria-labelledby="cohort-chart-title cohort-chart-desc"' in svg
    assert (
        '<title id="cohort-chart-title">Completion per session, participants of Tuesday Owls' in svg
    )
    assert '<desc id="cohort-chart-desc">' in svg
    assert svg.count('class="chart-bar"') == 3 + 3 + 1  # session 3 has readings only
    assert "<title>Session 1: Topic 1, attended the meeting: 50%</title>" in svg
    words = text(html[html.index("</svg>") :])
    assert "Session 2: Topic 2 0% 50% 0%" in words
    assert "Session 3: Topic 3 0% – no figure yet – no figure yet" in words


def test_an_empty_cohort_says_nobody_is_placed(client, small):
    empty = CohortFactory(round=small.course.round, facilitators=[small.facilitator])

    html = page(log_in(client, small.facilitator.user), reverse("progress:cohort", args=[empty.pk]))

    assert "Nobody is placed in this cohort." in html
    assert "0 of 0 did the readings" in text(html)


def test_a_round_without_sessions_says_so(client, small):
    from apps.rounds.models import RoundUnit

    RoundUnit.objects.all().delete()

    html = page(log_in(client, small.facilitator.user), cohort_url(small))

    assert "No sessions are scheduled" in html and "<svg" not in html


# The cohort export ------------------------------------------------------------


def test_the_cohort_export_has_a_row_per_participant_per_session(client, small):
    response = log_in(client, small.facilitator.user).get(cohort_url(small, "progress:cohort_csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="progress-spring-2027-tuesday-owls-2027-03-20.csv"'
    )
    rows = rows_of(response)
    assert len(rows) == 3 * 3
    assert [(r["participant"], r["session_number"]) for r in rows[:3]] == [
        ("Ada", "1"),
        ("Ada", "2"),
        ("Ada", "3"),
    ]
    ada_first = rows[0]
    assert ada_first == {
        "cohort": "Tuesday Owls",
        "participant": "Ada",
        "email": "ada@example.com",
        "enrollment_status": "active",
        "session_number": "1",
        "session": "Session 1: Topic 1",
        "resources_done": "3",
        "resources_total": "3",
        "exercises_handed_in": "2",
        "exercises_total": "2",
        "exercise_statuses": "s1-ex0: submitted; s1-ex1: submitted_late",
        "attendance": "present",
    }
    ben_second = rows[4]
    assert (ben_second["participant"], ben_second["exercise_statuses"]) == (
        "Ben",
        "s2-ex0: not_started",
    )
    assert ben_second["attendance"] == "not_recorded"
    assert rows[2]["attendance"] == "upcoming"


def test_the_cohort_export_keeps_people_who_left_last_with_their_status(client, small):
    rows = rows_of(
        log_in(client, small.facilitator.user).get(cohort_url(small, "progress:cohort_csv"))
    )

    assert [r["enrollment_status"] for r in rows[-3:]] == ["dropped"] * 3
    assert rows[-3]["participant"] == "Cy"


def test_the_export_defuses_names_a_spreadsheet_would_run(client, small):
    small.ben.user.display_name = '=HYPERLINK("http://evil.example")'
    small.ben.user.save()

    rows = rows_of(
        log_in(client, small.facilitator.user).get(cohort_url(small, "progress:cohort_csv"))
    )

    names = {r["participant"] for r in rows}
    assert '\'=HYPERLINK("http://evil.example")' in names


# The round dashboard and export -----------------------------------------------


def test_the_round_dashboard_has_a_row_per_cohort_linking_to_its_dashboard(staff_client, small):
    CohortFactory(round=small.course.round, name="Empty Elms")

    html = page(staff_client, round_url(small))
    words = text(html)

    assert f'href="{cohort_url(small)}"' in html
    assert "Tuesday Owls 2 participants" in words and "Empty Elms 0 participants" in words
    assert "Progress of Spring 2027" in words
    # Session 1 of Tuesday Owls: half did the readings, half handed in, half came.
    assert "Readings 50% Handed in 50% Attended 50%" in words
    # Session 3 has no exercises and its meeting is still to come.
    assert "Readings 0% Handed in – no figure Attended – no figure" in words
    assert "Whole round" in words


def test_the_round_dashboard_has_its_own_chart(staff_client, small):
    html = page(staff_client, round_url(small))

    assert (
        '<title id="round-chart-title">Completion per session, participants of Spring 2027' in html
    )


def test_the_round_export_streams_every_participant_of_every_cohort(staff_client, small):
    from tests.progress.conftest import populate

    populate(CohortFactory(round=small.course.round, name="Wednesday Wrens"), small.course, size=4)

    response = staff_client.get(round_url(small, "progress:round_csv"))

    assert response.streaming
    assert response["Content-Disposition"] == (
        'attachment; filename="progress-spring-2027-2027-03-20.csv"'
    )
    rows = rows_of(response)
    assert len(rows) == (3 + 4) * 3
    assert {r["cohort"] for r in rows} == {"Tuesday Owls", "Wednesday Wrens"}
    assert rows[0]["participant"] == "Ada"


# Who may see what ---------------------------------------------------------------

COHORT_VIEWS = ["progress:cohort", "progress:cohort_csv"]
ROUND_VIEWS = ["progress:round", "progress:round_csv"]


@pytest.mark.parametrize("name", COHORT_VIEWS + ROUND_VIEWS)
def test_anonymous_visitors_are_sent_to_log_in(client, small, name):
    url = cohort_url(small, name) if name in COHORT_VIEWS else round_url(small, name)

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("name", COHORT_VIEWS)
def test_the_cohorts_facilitator_sees_the_cohort(client, small, name):
    assert log_in(client, small.facilitator.user).get(cohort_url(small, name)).status_code == 200


@pytest.mark.parametrize("name", COHORT_VIEWS)
def test_staff_see_any_cohort(staff_client, small, name):
    assert staff_client.get(cohort_url(small, name)).status_code == 200


def _outsiders(small):
    other_cohort = CohortFactory(round=small.course.round)
    other_lead = FacilitatorEnrollmentFactory(round=small.course.round)
    other_cohort.facilitators.add(other_lead)
    former_lead = FacilitatorEnrollmentFactory(
        round=small.course.round, status=Enrollment.Status.DROPPED
    )
    small.cohort.facilitators.add(former_lead)
    return {
        "a participant of the cohort": small.ada.user,
        "a participant of another cohort": participant_in(other_cohort).user,
        "a participant in no cohort": other_participant(small.course.round).user,
        "the facilitator of another cohort": other_lead.user,
        "a facilitator who left the round": former_lead.user,
        "someone unconnected": UserFactory(),
    }


@pytest.mark.parametrize("name", COHORT_VIEWS)
def test_everyone_else_gets_404_for_the_cohort(client, small, name):
    for who, user in _outsiders(small).items():
        client.logout()
        response = log_in(client, user).get(cohort_url(small, name))
        assert response.status_code == 404, who


@pytest.mark.parametrize("name", COHORT_VIEWS)
def test_a_cohort_that_does_not_exist_is_404_even_for_staff(staff_client, name):
    assert staff_client.get(reverse(name, args=[987654])).status_code == 404


@pytest.mark.parametrize("name", ROUND_VIEWS)
def test_staff_see_the_round(staff_client, small, name):
    assert staff_client.get(round_url(small, name)).status_code == 200


@pytest.mark.parametrize("name", ROUND_VIEWS)
def test_everyone_but_staff_gets_404_for_the_round(client, small, name):
    people = {**_outsiders(small), "the cohort's own facilitator": small.facilitator.user}
    for who, user in people.items():
        client.logout()
        assert log_in(client, user).get(round_url(small, name)).status_code == 404, who


@pytest.mark.parametrize("name", ROUND_VIEWS)
def test_a_round_that_does_not_exist_is_404_for_staff(staff_client, name):
    assert staff_client.get(reverse(name, args=["no-such-round"])).status_code == 404


@pytest.mark.parametrize("name", COHORT_VIEWS)
def test_the_dashboards_only_answer_get(client, small, name):
    response = log_in(client, small.facilitator.user).post(cohort_url(small, name))
    assert response.status_code == 405
