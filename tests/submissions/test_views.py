"""The participant's work pages: who may see them, autosave, the no-JavaScript flow, history."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from apps.rounds.models import Enrollment
from apps.submissions import selectors
from apps.submissions.models import Revision, Submission
from apps.submissions.services import (
    submission_get_or_start,
    submission_give_feedback,
    submission_save_draft,
    submission_submit,
)
from tests.factories import (
    CriterionFactory,
    EnrollmentFactory,
    ExerciseFactory,
    LevelFactory,
    PromptFactory,
    RubricFactory,
    UserFactory,
)
from tests.submissions import (
    as_post,
    complete_answers,
    enrolled_in_plan,
    plan_exercise,
    schedule,
    url,
)

pytestmark = pytest.mark.django_db

VIEWS = ["answer", "save", "submit", "preview", "history"]
POST_ONLY = {"save", "submit", "preview"}


@pytest.fixture
def work(participant):
    return enrolled_in_plan(participant)


def request(client, name, enrollment, exercise, data=None):
    address = url(name, enrollment, exercise)
    if name in POST_ONLY:
        return client.post(address, data or {"version": "1"})
    return client.get(address)


def submission_of(enrollment, exercise):
    return Submission.objects.get(enrollment=enrollment, exercise=exercise)


def text(response):
    return response.content.decode()


def submitted(enrollment, exercise, answers=None):
    submission = submission_get_or_start(enrollment=enrollment, exercise=exercise)
    return submission_submit(
        submission=submission, answers=answers or complete_answers(), base_version=1
    )


# Who can see what ---------------------------------------------------------------------


@pytest.mark.parametrize("name", VIEWS)
def test_anonymous_visitors_are_sent_to_log_in(client, name):
    enrollment, exercise = enrolled_in_plan(UserFactory())

    response = request(client, name, enrollment, exercise)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_anonymous_visitors_are_sent_to_log_in_from_the_list(client):
    response = client.get(reverse("submissions:list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("name", VIEWS)
def test_someone_elses_round_is_404_and_their_work_untouched(participant_client, name):
    enrollment, exercise = enrolled_in_plan(UserFactory())
    theirs = submission_get_or_start(enrollment=enrollment, exercise=exercise)
    submission_save_draft(submission=theirs, answers={"why": "Private."}, base_version=1)

    response = request(
        participant_client, name, enrollment, exercise, as_post({"why": "Mine now"}, 2)
    )

    assert response.status_code == 404
    assert submission_of(enrollment, exercise).answers["why"] == "Private."


@pytest.mark.parametrize("name", VIEWS)
def test_an_exercise_of_another_course_is_404(participant_client, work, name):
    enrollment, _ = work
    elsewhere = plan_exercise()

    assert request(participant_client, name, enrollment, elsewhere).status_code == 404
    assert not Submission.objects.exists()


def test_a_participant_in_the_same_round_sees_only_their_own_answers(participant_client, work):
    enrollment, exercise = work
    peer = EnrollmentFactory(round=enrollment.round)
    theirs = submission_get_or_start(enrollment=peer, exercise=exercise)
    submission_save_draft(submission=theirs, answers={"why": "Peer's secret plan"}, base_version=1)

    response = participant_client.get(url("answer", enrollment, exercise))

    assert response.status_code == 200
    assert "Peer&#x27;s secret plan" not in text(response)
    assert "Peer's secret plan" not in text(response)


@pytest.mark.parametrize(
    "status, allowed",
    [
        (Enrollment.Status.APPLIED, False),
        (Enrollment.Status.DECLINED, False),
        (Enrollment.Status.ACCEPTED, True),
        (Enrollment.Status.ACTIVE, True),
        (Enrollment.Status.DROPPED, False),
        (Enrollment.Status.COMPLETED, False),
    ],
)
@pytest.mark.parametrize("name", VIEWS)
def test_only_accepted_and_active_places_can_work_on_exercises(
    participant_client, participant, status, allowed, name
):
    enrollment, exercise = enrolled_in_plan(participant, status=status)

    response = request(participant_client, name, enrollment, exercise)

    if allowed:
        assert response.status_code in (200, 302, 400)
    else:
        assert response.status_code == 404
        assert not Submission.objects.exists()


@pytest.mark.parametrize("name", VIEWS)
def test_facilitators_do_not_answer_exercises(participant_client, participant, name):
    enrollment, exercise = enrolled_in_plan(participant)
    Enrollment.objects.filter(pk=enrollment.pk).update(role=Enrollment.Role.FACILITATOR)

    assert request(participant_client, name, enrollment, exercise).status_code == 404


def test_an_unpublished_course_is_404(participant_client, work):
    enrollment, exercise = work
    enrollment.round.course.is_published = False
    enrollment.round.course.save()

    assert participant_client.get(url("answer", enrollment, exercise)).status_code == 404


@pytest.mark.parametrize("name", sorted(POST_ONLY))
def test_the_action_views_only_take_posts(participant_client, work, name):
    enrollment, exercise = work
    assert participant_client.get(url(name, enrollment, exercise)).status_code == 405


# The answer page ----------------------------------------------------------------------


def test_the_page_shows_every_prompt_in_order_with_labels_badges_and_help(participant_client, work):
    enrollment, exercise = work

    html = text(participant_client.get(url("answer", enrollment, exercise)))

    assert html.index("Which roles could you hold?") < html.index("Which role first, and why?")
    assert html.index("Which role first, and why?") < html.index("What assets do you bring?")
    assert '<label class="prompt-question" for="answer-why">' in html
    assert '<textarea id="answer-why" name="a.why"' in html
    assert "<legend" in html and "3-5 items" in html and "at least 2 milestones" in html
    assert "Optional" in html and "Time box: 5 min" in html
    assert "Be <em>specific</em>." in html
    assert "Suggested time: 5 minutes" in html
    assert 'type="date"' in html
    assert "Not started" in html


def test_a_list_prompt_shows_the_filled_items_and_three_empty_ones(participant_client, work):
    enrollment, exercise = work
    submission = submission_get_or_start(enrollment=enrollment, exercise=exercise)
    submission_save_draft(
        submission=submission, answers={"roles": ["Engineer", "Analyst"]}, base_version=1
    )

    html = text(participant_client.get(url("answer", enrollment, exercise)))

    values = re.findall(r'name="a\.roles" value="([^"]*)"', html)
    assert values == ["Engineer", "Analyst", "", "", "", ""]  # the last is the JS row template


def test_the_deadline_is_shown_in_the_viewers_zone_with_how_long_is_left(client):
    user = UserFactory(time_zone="America/New_York")
    due = datetime(2027, 3, 10, 4, 30, tzinfo=UTC)  # 23:30 the evening before in New York
    enrollment, exercise = enrolled_in_plan(user, due_at=due)

    with time_machine.travel(due - timedelta(days=2, hours=1), tick=False):
        client.force_login(user)  # sessions expire, so log in at the travelled-to time
        html = text(client.get(url("answer", enrollment, exercise)))
    assert "Tue 9 Mar 2027, 23:30 EST" in html
    assert "due in 2 days" in html

    with time_machine.travel(due + timedelta(minutes=1), tick=False):
        client.force_login(user)
        html = text(client.get(url("answer", enrollment, exercise)))
    assert "overdue" in html


def test_a_closed_session_says_so_and_offers_no_submit_button(participant_client, participant):
    now = datetime(2027, 3, 20, tzinfo=UTC)
    enrollment, exercise = enrolled_in_plan(
        participant, due_at=now - timedelta(days=5), closes_at=now - timedelta(days=1)
    )

    with time_machine.travel(now, tick=False):
        participant_client.force_login(participant)
        html = text(participant_client.get(url("answer", enrollment, exercise)))

    assert "submissions are no longer taken" in html
    assert "data-submit" not in html


def test_reloading_shows_the_saved_draft(participant_client, work):
    enrollment, exercise = work
    participant_client.post(
        url("save", enrollment, exercise), as_post({"why": "Half a thought"}, 1)
    )

    html = text(participant_client.get(url("answer", enrollment, exercise)))

    assert ">Half a thought</textarea>" in html
    assert 'name="version" value="2"' in html
    assert "Last saved at" in html


def test_looking_at_an_exercise_does_not_start_a_submission(participant_client, work):
    enrollment, exercise = work
    participant_client.get(url("answer", enrollment, exercise))
    assert not Submission.objects.exists()


# Autosave (JSON) ----------------------------------------------------------------------


def test_autosave_returns_the_new_version_and_time(participant_client, work):
    enrollment, exercise = work
    answers = {"roles": ["Engineer", "", "  "], "why": "Because", "milestones": []}

    response = participant_client.post(url("save", enrollment, exercise), as_post(answers, 1))

    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 2
    assert set(body) == {"version", "saved_at", "saved_at_display"}
    assert re.fullmatch(r"\d\d:\d\d", body["saved_at_display"])
    saved = submission_of(enrollment, exercise)
    assert saved.answers["roles"] == ["Engineer"]  # empty items dropped
    assert saved.answers["why"] == "Because"


def test_autosave_from_an_old_page_gets_409_with_the_saved_answers(participant_client, work):
    enrollment, exercise = work
    save_url = url("save", enrollment, exercise)
    participant_client.post(save_url, as_post({"why": "Typed in tab one"}, 1))

    response = participant_client.post(save_url, as_post({"why": "Typed in <b>tab two</b>"}, 1))

    assert response.status_code == 409
    body = response.json()
    assert body["version"] == 2
    assert body["answers"]["why"] == "Typed in tab one"
    assert "Nothing was overwritten" in body["error"]
    assert "Typed in tab one" in body["html"]
    assert "Typed in &lt;b&gt;tab two&lt;/b&gt;" in body["html"]  # mine, escaped
    assert 'name="keep_mine" value="2"' in body["html"]
    assert submission_of(enrollment, exercise).answers["why"] == "Typed in tab one"


def test_keep_mine_saves_over_the_version_the_person_has_seen(participant_client, work):
    enrollment, exercise = work
    save_url = url("save", enrollment, exercise)
    participant_client.post(save_url, as_post({"why": "Theirs"}, 1))

    data = as_post({"why": "Mine"}, 1) | {"keep_mine": "2"}
    response = participant_client.post(save_url, data)

    assert response.status_code == 200
    assert response.json()["version"] == 3
    assert submission_of(enrollment, exercise).answers["why"] == "Mine"


def test_autosave_of_a_too_long_answer_is_400_naming_the_prompt(participant_client, work):
    enrollment, exercise = work

    response = participant_client.post(
        url("save", enrollment, exercise), as_post({"why": "x" * 100_001}, 1)
    )

    assert response.status_code == 400
    assert response.json()["problems"][0]["prompt"] == "why"
    assert "limit is 100,000" in response.json()["problems"][0]["message"]


@pytest.mark.parametrize("version", ["", "zero", "0"])
def test_autosave_without_a_usable_version_is_400(participant_client, work, version):
    enrollment, exercise = work
    response = participant_client.post(
        url("save", enrollment, exercise), {"version": version, "a.why": "x"}
    )
    assert response.status_code == 400
    assert "reload the page" in response.json()["error"]


# Without JavaScript -------------------------------------------------------------------


def test_save_draft_without_javascript_saves_and_comes_back(participant_client, work):
    enrollment, exercise = work
    answers = {"why": "Draft text", "milestones": [{"title": "Read", "date": "2027-04-01"}]}

    response = participant_client.post(
        url("answer", enrollment, exercise), as_post(answers, 1) | {"action": "save"}, follow=True
    )

    html = text(response)
    assert response.redirect_chain[-1][0] == url("answer", enrollment, exercise)
    assert "Draft saved." in html
    assert ">Draft text</textarea>" in html
    assert 'value="Read"' in html and 'value="2027-04-01"' in html


def test_save_draft_from_an_old_page_shows_both_texts_and_keeps_mine(participant_client, work):
    enrollment, exercise = work
    participant_client.post(url("save", enrollment, exercise), as_post({"why": "Theirs"}, 1))

    response = participant_client.post(
        url("answer", enrollment, exercise), as_post({"why": "Mine"}, 1) | {"action": "save"}
    )

    html = text(response)
    assert response.status_code == 409
    assert "Saved elsewhere" in html
    assert '<div class="plain-text">Theirs</div>' in html
    assert ">Mine</textarea>" in html
    assert 'name="version" value="1"' in html  # still the page's own version
    assert 'name="keep_mine" value="2"' in html
    assert "Use the saved version" in html


def test_keep_mine_without_javascript(participant_client, work):
    enrollment, exercise = work
    participant_client.post(url("save", enrollment, exercise), as_post({"why": "Theirs"}, 1))

    response = participant_client.post(
        url("answer", enrollment, exercise), as_post({"why": "Mine"}, 1) | {"keep_mine": "2"}
    )

    assert response.status_code == 302
    assert submission_of(enrollment, exercise).answers["why"] == "Mine"


def test_a_too_long_answer_without_javascript_keeps_the_text_and_says_why(participant_client, work):
    enrollment, exercise = work
    long_text = "word " * 20_001

    response = participant_client.post(
        url("answer", enrollment, exercise), as_post({"why": long_text}, 1) | {"action": "save"}
    )

    html = text(response)
    assert response.status_code == 400
    assert long_text in html
    problem = html.index('id="problems-why"')
    assert "the limit is 100,000" in html[problem : problem + 400]
    assert 'aria-invalid="true"' in html


def test_preview_without_javascript_shows_the_rendered_text_and_keeps_it(participant_client, work):
    enrollment, exercise = work
    answer = "Some **bold** <script>alert(1)</script>"

    response = participant_client.post(
        url("answer", enrollment, exercise), as_post({"why": answer}, 1) | {"preview": "why"}
    )

    html = text(response)
    assert response.status_code == 200
    assert "<strong>bold</strong>" in html
    assert "<script>alert(1)</script>" not in html
    assert "Some **bold** &lt;script&gt;alert(1)&lt;/script&gt;</textarea>" in html
    assert 'aria-pressed="true"' in html
    assert not Submission.objects.exists()  # a preview does not save


def test_the_preview_endpoint_returns_sanitised_html(participant_client, work):
    enrollment, exercise = work

    response = participant_client.post(
        url("preview", enrollment, exercise),
        {"preview": "why", "a.why": "A [link](javascript:alert(1)) and *this*"},
    )

    html = text(response)
    assert "<em>this</em>" in html
    assert "javascript:" not in html
    assert "<html" not in html


def test_the_preview_endpoint_says_when_there_is_nothing_to_show(participant_client, work):
    enrollment, exercise = work
    response = participant_client.post(url("preview", enrollment, exercise), {"preview": "why"})
    assert "Nothing to preview yet." in text(response)


def test_submitting_incomplete_answers_lists_problems_next_to_prompts_and_keeps_every_word(
    participant_client, work
):
    enrollment, exercise = work
    answers = {
        "roles": ["Engineer"],
        "why": "",
        "milestones": [{"title": "", "date": "2027-04-01"}],
    }

    response = participant_client.post(url("submit", enrollment, exercise), as_post(answers, 1))

    html = text(response)
    assert response.status_code == 400
    assert "Some answers need attention before submitting." in html
    assert (
        '<a href="#prompt-roles">Question 1, “Which roles could you hold?”</a>: '
        "Add at least 3 items; there is 1."
    ) in html
    problems = html.index('id="problems-milestones"')
    assert "Milestone 1 needs a title." in html[problems : problems + 300]
    assert 'value="Engineer"' in html
    # The answers were kept as a draft, and the page carries on from that version.
    assert submission_of(enrollment, exercise).answers["roles"] == ["Engineer"]
    assert 'name="version" value="2"' in html
    assert not Revision.objects.exists()
    # Everything on the page is saved, so a reload may open the answer page instead.
    assert f'data-reload-url="{url("answer", enrollment, exercise)}"' in html


def test_item_bounds_read_as_a_rule_or_a_suggestion_as_the_course_set_them(
    participant_client, work
):
    enrollment, exercise = work

    html = text(participant_client.get(url("answer", enrollment, exercise)))

    assert '<span class="badge">Needs 3-5 items</span>' in html
    assert '<span class="badge">Suggested: at least 10 items</span>' in html
    assert '<span class="badge">Needs at least 2 milestones</span>' in html


def test_an_optional_list_with_fewer_items_than_suggested_is_submitted(participant_client, work):
    enrollment, exercise = work
    answers = complete_answers() | {"assets": ["Python", "Writing", "Teaching"]}

    response = participant_client.post(
        url("submit", enrollment, exercise), as_post(answers, 1), follow=True
    )

    assert "Submitted. Your facilitator can now read it." in text(response)
    assert Revision.objects.get().answers["assets"] == ["Python", "Writing", "Teaching"]


def test_a_strict_bound_on_an_optional_list_blocks_once_it_is_started_and_keeps_the_items(
    participant_client, work
):
    enrollment, exercise = work
    exercise.prompts.filter(slug="assets").update(strict_item_bounds=True)
    answers = complete_answers() | {"assets": ["Python", "Writing", "Teaching"]}

    response = participant_client.post(url("submit", enrollment, exercise), as_post(answers, 1))

    html = text(response)
    assert response.status_code == 400
    assert (
        '<a href="#prompt-assets">Question 3, “What assets do you bring?”</a>: '
        "Add at least 10 items; there are 3."
    ) in html
    assert '<span class="badge">If answered, needs at least 10 items</span>' in html
    assert 'value="Teaching"' in html
    assert submission_of(enrollment, exercise).answers["assets"] == answers["assets"]
    assert not Revision.objects.exists()


def test_submitting_complete_answers_shows_them_read_only(participant_client, work):
    enrollment, exercise = work

    response = participant_client.post(
        url("submit", enrollment, exercise), as_post(complete_answers(), 1), follow=True
    )

    html = text(response)
    assert "Submitted. Your facilitator can now read it." in html
    assert "Submitted on" in html and "(late)" not in html
    assert "What you submitted" in html
    assert "<em>enjoy</em>" in html  # Markdown rendered
    assert "<textarea" not in html
    assert f'href="{url("answer", enrollment, exercise)}?edit=1"' in html
    assert Revision.objects.count() == 1


def test_a_double_submit_without_javascript_makes_one_revision(participant_client, work):
    enrollment, exercise = work
    data = as_post(complete_answers(), 1)

    first = participant_client.post(url("submit", enrollment, exercise), data)
    second = participant_client.post(url("submit", enrollment, exercise), data)

    assert first.status_code == second.status_code == 302
    assert Revision.objects.count() == 1


def test_late_work_says_so(participant_client, participant):
    due = datetime(2027, 3, 7, 23, 59, tzinfo=UTC)
    enrollment, exercise = enrolled_in_plan(participant, due_at=due)

    with time_machine.travel(due + timedelta(hours=2), tick=False):
        participant_client.force_login(participant)
        response = participant_client.post(
            url("submit", enrollment, exercise), as_post(complete_answers(), 1), follow=True
        )

    html = text(response)
    assert "marked late" in html
    assert re.search(r"Submitted on <time[^>]*>Mon 8 Mar 2027, 01:59 GMT</time> .*\(late\)", html)


def test_submitting_after_the_session_closed_is_refused_with_the_text_kept(
    participant_client, participant
):
    now = datetime(2027, 3, 20, tzinfo=UTC)
    enrollment, exercise = enrolled_in_plan(
        participant, due_at=now - timedelta(days=5), closes_at=now - timedelta(days=1)
    )

    with time_machine.travel(now, tick=False):
        participant_client.force_login(participant)
        response = participant_client.post(
            url("submit", enrollment, exercise), as_post(complete_answers(), 1)
        )

    assert response.status_code == 400
    assert "This session has closed" in text(response)
    assert "I *enjoy* building things.</textarea>" in text(response)
    assert not Revision.objects.exists()
    # Nothing was saved, so the page stays where a reload posts the text again.
    assert "data-reload-url" not in text(response)


def test_editing_submitted_work_offers_resubmit_and_keeps_the_revision(participant_client, work):
    enrollment, exercise = work
    submission = submitted(enrollment, exercise)
    answer_url = url("answer", enrollment, exercise)

    html = text(participant_client.get(f"{answer_url}?edit=1"))
    assert "Resubmit" in html and "<textarea" in html

    edited = complete_answers() | {"why": "A second thought"}
    response = participant_client.post(
        answer_url, as_post(edited, submission.version) | {"action": "save"}
    )
    assert response.status_code == 302
    assert response.url == f"{answer_url}?edit=1"

    html = text(participant_client.get(answer_url))
    assert "You have saved changes that are not submitted yet." in html
    assert "Changes not submitted" in html
    assert Revision.objects.get().answers["why"] == complete_answers()["why"]

    response = participant_client.post(
        url("submit", enrollment, exercise), as_post(edited, submission.version + 1)
    )
    assert response.status_code == 302
    assert list(Revision.objects.values_list("number", flat=True)) == [1, 2]


def test_returned_work_shows_the_feedback_at_the_top_and_opens_for_editing(
    participant_client, work
):
    enrollment, exercise = work
    rubric = RubricFactory(course=enrollment.round.course)
    clarity = CriterionFactory(rubric=rubric, title="Clarity", position=1)
    realism = CriterionFactory(rubric=rubric, title="Realism", position=2)
    LevelFactory(criterion=clarity, title="Clear", points=3, position=1)
    chosen = [
        LevelFactory(criterion=clarity, title="Muddled", points=1, position=2),
        LevelFactory(criterion=realism, title="Realistic", points=2, position=1),
    ]
    exercise.rubric = rubric
    exercise.save()
    submission = submitted(enrollment, exercise)
    submission_give_feedback(
        submission=submission,
        grader=UserFactory(display_name="Fran Facilitator"),
        decision="returned",
        comment="Say **why** this role.",
        levels=chosen,
        base_version=submission.version,
    )

    html = text(participant_client.get(url("answer", enrollment, exercise)))

    assert "Feedback: Returned for revision" in html
    assert "Fran Facilitator" in html
    assert "Say <strong>why</strong> this role." in html
    assert re.search(r"Clarity</th><td>Muddled</td><td>1</td>", html)
    assert re.search(r"Realism</th><td>Realistic</td><td>2</td>", html)
    assert "3 of 5" in html
    assert html.index("Feedback: Returned") < html.index('id="answer-form"')
    assert "<textarea" in html and "Resubmit" in html


def test_answers_cannot_inject_script_anywhere_they_are_shown(participant_client, work):
    enrollment, exercise = work
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    answers = complete_answers() | {"why": evil, "roles": [evil, "b", "c"]}
    submission = submitted(enrollment, exercise, answers)
    submission_save_draft(
        submission=submission, answers=answers | {"why": evil + " more"}, base_version=2
    )

    for page in (
        participant_client.get(url("answer", enrollment, exercise)),
        participant_client.get(url("answer", enrollment, exercise) + "?edit=1"),
        participant_client.get(url("history", enrollment, exercise)),
    ):
        html = text(page)
        assert "<script>alert" not in html
        assert "onerror=alert" not in html.replace("onerror=alert(1)&gt;", "")


# History ------------------------------------------------------------------------------


def test_history_shows_each_revision_with_time_late_flag_and_word_changes(
    participant_client, participant
):
    due = datetime(2027, 3, 7, 23, 59, tzinfo=UTC)
    enrollment, exercise = enrolled_in_plan(participant, due_at=due)
    submission = submission_get_or_start(enrollment=enrollment, exercise=exercise)
    first = complete_answers()
    with time_machine.travel(due - timedelta(days=1), tick=False):
        submission = submission_submit(submission=submission, answers=first, base_version=1)
    submission_give_feedback(
        submission=submission,
        grader=UserFactory(),
        decision="returned",
        comment="More <detail>.",
        levels=[],
        base_version=submission.version,
    )
    second = first | {
        "why": "Research engineering, because I *love* building <tools>.",
        "roles": ["Research engineer", "Field builder", "Founder"],
    }
    with time_machine.travel(due + timedelta(days=1), tick=False):
        submission_submit(
            submission=submission, answers=second, base_version=submission.version + 1
        )

    html = text(participant_client.get(url("history", enrollment, exercise)))

    assert html.index("Revision 2") < html.index("Revision 1")
    assert "Sat 6 Mar 2027, 23:59 GMT" in html and "Mon 8 Mar 2027, 23:59 GMT" in html
    assert html.count('<span class="badge late">late</span>') == 1
    assert "Returned for revision" in html
    hidden = '<span class="visually-hidden">'
    assert (
        f"because I <del>{hidden}[removed: </span>*enjoy* {hidden}]</span></del>"
        f"<ins>{hidden}[added: </span>*love* {hidden}]</span></ins>building "
        f"<del>{hidden}[removed: </span>things.{hidden}]</span></del>"
        f"<ins>{hidden}[added: </span>&lt;tools&gt;.{hidden}]</span></ins>"
    ) in html
    assert '<span class="item-change-label">Added:</span> Founder</ins>' in html
    assert '<span class="item-change-label">Removed:</span> Policy analyst</del>' in html
    assert "Which milestones?" not in html.split("Revision 2")[1].split("Revision 1")[0]


def test_history_without_revisions_says_nothing_is_submitted(participant_client, work):
    enrollment, exercise = work
    html = text(participant_client.get(url("history", enrollment, exercise)))
    assert "Nothing submitted yet." in html


def test_history_shows_changes_saved_since_the_last_submission(participant_client, work):
    enrollment, exercise = work
    submission = submitted(enrollment, exercise)
    submission_save_draft(
        submission=submission,
        answers=complete_answers() | {"why": "Rethinking"},
        base_version=submission.version,
    )

    html = text(participant_client.get(url("history", enrollment, exercise)))

    assert "Saved but not submitted yet" in html
    assert "Rethinking" in html


# My work ------------------------------------------------------------------------------


def test_my_work_lists_every_exercise_by_session_with_status_and_links(
    participant_client, participant
):
    enrollment, exercise = enrolled_in_plan(participant)
    later = ExerciseFactory(
        unit__course=enrollment.round.course,
        unit__number=exercise.unit.number + 1,
        unit__title="Project sprint",
        title="Plan your project",
    )
    submission_save_draft(
        submission=submission_get_or_start(enrollment=enrollment, exercise=exercise),
        answers={"why": "x"},
        base_version=1,
    )

    html = text(participant_client.get(reverse("submissions:list")))

    assert enrollment.round.name in html
    assert html.index(exercise.unit.display_title) < html.index(later.unit.display_title)
    assert f'href="{url("answer", enrollment, exercise)}"' in html
    assert f'href="{url("answer", enrollment, later)}"' in html
    assert "Draft" in html and "Not started" in html and "No date set" in html
    assert "due in" in html


def test_my_work_leaves_out_other_peoples_and_inactive_places(participant_client, participant):
    enrolled_in_plan(UserFactory())
    dropped, _ = enrolled_in_plan(participant, status=Enrollment.Status.DROPPED)

    html = text(participant_client.get(reverse("submissions:list")))

    assert "You have no exercises yet" in html
    assert dropped.round.name not in html


# Query budgets ------------------------------------------------------------------------

# Every page: session, user and the navigation bar's counts (4).
# Answer page: enrollment, exercise with its schedule, prompts, submission, latest
# revision (5; no revision query for work never submitted), and the feedback with its
# rubric scores when work came back (2).
ANSWER_PAGE_QUERIES = 4 + 7
# History: enrollment, exercise, prompts, submission (4), revisions and their feedback
# with scores (3).
HISTORY_PAGE_QUERIES = 4 + 7
# My work: enrollments, exercises, schedules, submissions (4).
WORK_LIST_QUERIES = 4 + 4


def _returned_with_feedback(enrollment, exercise, prompt_count):
    for position in range(prompt_count):
        PromptFactory(exercise=exercise, position=position + 1, is_required=False)
    rubric = RubricFactory(course=enrollment.round.course)
    levels = [LevelFactory(criterion__rubric=rubric) for _ in range(3)]
    exercise.rubric = rubric
    exercise.save()
    submission = submission_get_or_start(enrollment=enrollment, exercise=exercise)
    submission = submission_submit(
        submission=submission, answers={"x": "y"}, base_version=submission.version
    )
    submission_give_feedback(
        submission=submission,
        grader=UserFactory(),
        decision="returned",
        comment="Again.",
        levels=levels,
        base_version=submission.version,
    )


@pytest.mark.parametrize("prompts", [3, 15])
def test_answer_page_query_count_does_not_grow_with_prompts(
    participant_client, participant, django_assert_max_num_queries, prompts
):
    enrollment = EnrollmentFactory(user=participant)
    exercise = ExerciseFactory(unit__course=enrollment.round.course)
    schedule(enrollment, exercise.unit)
    _returned_with_feedback(enrollment, exercise, prompts)

    with django_assert_max_num_queries(ANSWER_PAGE_QUERIES):
        response = participant_client.get(url("answer", enrollment, exercise))

    assert response.status_code == 200
    assert text(response).count('class="card prompt') == prompts


@pytest.mark.parametrize("revisions", [1, 10])
def test_history_page_query_count_does_not_grow_with_revisions(
    participant_client, participant, django_assert_max_num_queries, revisions
):
    enrollment, exercise = enrolled_in_plan(participant)
    submission = submission_get_or_start(enrollment=enrollment, exercise=exercise)
    for number in range(revisions):
        answers = complete_answers() | {"why": f"Version {number}"}
        submission = submission_submit(
            submission=submission, answers=answers, base_version=submission.version
        )
        submission = submission_give_feedback(
            submission=submission,
            grader=UserFactory(),
            decision="returned",
            comment="Again.",
            levels=[],
            base_version=submission.version,
        ).submission

    with django_assert_max_num_queries(HISTORY_PAGE_QUERIES):
        response = participant_client.get(url("history", enrollment, exercise))

    assert response.status_code == 200
    assert text(response).count('class="card revision"') == revisions


@pytest.mark.parametrize("exercises", [2, 10])
def test_work_list_query_count_does_not_grow_with_exercises(
    participant_client, participant, django_assert_max_num_queries, exercises
):
    for _ in range(2):
        enrollment, first = enrolled_in_plan(participant)
        for _ in range(exercises - 1):
            exercise = ExerciseFactory(unit__course=enrollment.round.course)
            schedule(enrollment, exercise.unit)
            submission_get_or_start(enrollment=enrollment, exercise=exercise)

    with django_assert_max_num_queries(WORK_LIST_QUERIES):
        response = participant_client.get(reverse("submissions:list"))

    assert response.status_code == 200
    assert text(response).count('href="/work/round-') == 2 * exercises


def test_the_answer_page_refuses_other_methods(participant_client, work):
    enrollment, exercise = work
    assert participant_client.put(url("answer", enrollment, exercise)).status_code == 405


def test_a_course_page_can_find_the_round_to_link_the_work_to(participant):
    enrollment, exercise = enrolled_in_plan(participant)
    EnrollmentFactory(user=participant, status=Enrollment.Status.DROPPED)  # another course

    found = selectors.enrollment_for_course(user=participant, course_id=exercise.unit.course_id)
    Enrollment.objects.filter(pk=enrollment.pk).update(status=Enrollment.Status.DROPPED)
    gone = selectors.enrollment_for_course(user=participant, course_id=exercise.unit.course_id)

    assert found == enrollment
    assert gone is None
