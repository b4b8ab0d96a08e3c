"""The peer review pages: who opens what, writing and autosave, release, facilitators, budgets."""

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from apps.reviews.models import PeerReviewSettings, Review, ReviewAssignment
from apps.reviews.services import review_hide
from tests.factories import PlacementFactory, UserFactory
from tests.grading import build_course, login, submitted
from tests.reviews.test_services import (
    DUE,
    QUESTIONS,
    REVIEWS_DUE,
    World,
    build_world,
    covering,
    criterion_levels,
    live,
    write,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.reviews.urls")]
Status = ReviewAssignment.Status
DURING_REVIEWS = DUE + timedelta(hours=6)


@pytest.fixture(autouse=True)
def _during_reviews():
    with time_machine.travel(DURING_REVIEWS, tick=False):
        yield


@dataclass
class Scene:
    """An allocated cohort of four, seen from one submission: its author and a reviewer."""

    world: World
    author: object  # Enrollment
    assignment: ReviewAssignment  # `reviewer` reviews `author`'s plan; submitted
    open_assignment: ReviewAssignment  # another review of the same plan, not started
    bystander: object  # a cohort member who does not review this plan

    @property
    def reviewer(self):
        return self.assignment.reviewer


def scene(**options) -> Scene:
    world = build_world(4, 4, **options)
    world.allocate()
    author = world.members[0][0]
    first, second = live(submission=world.submission(author)).order_by("pk")
    write(first, world)
    for own in live(reviewer=author):
        write(own, world)  # so the author's reviews are released under "after_own"
    involved = {author.pk, first.reviewer_id, second.reviewer_id}
    bystander = next(p for p in world.members[0] if p.pk not in involved)
    return Scene(world, author, first, second, bystander)


def url(name, *args):
    return reverse(f"reviews:{name}", args=args)


# Who may open what ------------------------------------------------------------------


def pages(s: Scene) -> dict[str, tuple[str, str, dict]]:
    return {
        "todo": ("get", url("todo"), {}),
        "review": ("get", url("review", s.assignment.pk), {}),
        "review_post": ("post", url("review", s.open_assignment.pk), {"version": 1}),
        "save": ("post", url("save", s.open_assignment.pk), {"version": 1, "comment-1": "Hi"}),
        "received": ("get", url("received"), {}),
        "rate": ("post", url("rate", s.assignment.pk), {f"rate-{s.assignment.pk}-helpfulness": 4}),
        "cohort": ("get", url("cohort", s.world.cohorts[0].pk), {}),
        "hide": ("get", url("hide", s.assignment.pk), {}),
        "hide_post": ("post", url("hide", s.assignment.pk), {"reason": "Rude"}),
        "hand_over": ("get", url("hand_over", s.open_assignment.pk), {}),
    }


def people(s: Scene, staff) -> dict:
    return {
        "outsider": UserFactory(),
        "bystander": s.bystander.user,
        "author": s.author.user,
        "reviewer": s.reviewer.user,
        "open_reviewer": s.open_assignment.reviewer.user,
        "facilitator": s.world.facilitators[0].user,
        "other_facilitator": s.world.facilitators[1].user,
        "staff": staff,
    }


OK, GONE = "ok", 404
# Pages everyone signed in may open show only their own things.
EXPECTED = {
    "review": {"reviewer": OK},
    "review_post": {"open_reviewer": OK},
    "save": {"open_reviewer": OK},
    "rate": {"author": OK},
    "cohort": {"facilitator": OK, "staff": OK},
    "hide": {"facilitator": OK, "staff": OK},
    "hide_post": {"facilitator": OK, "staff": OK},
    "hand_over": {"facilitator": OK, "staff": OK},
}
EVERYONE = ["outsider", "bystander", "author", "reviewer", "open_reviewer", "facilitator",
            "other_facilitator", "staff"]  # fmt: skip


def _call(client, method, address, data):
    return client.get(address) if method == "get" else client.post(address, data)


@pytest.mark.parametrize("page", ["todo", "review", "save", "received", "rate", "cohort", "hide",
                                  "hide_post", "hand_over", "review_post"])  # fmt: skip
def test_anonymous_visitors_are_sent_to_log_in(client, page):
    method, address, data = pages(scene())[page]
    response = _call(client, method, address, data)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize("page", list(EXPECTED))
def test_each_page_opens_only_for_the_people_it_belongs_to(client, staff, page, who):
    s = scene()
    method, address, data = pages(s)[page]
    login(client, people(s, staff)[who])

    response = _call(client, method, address, data)

    if EXPECTED[page].get(who) == OK:
        assert response.status_code in (200, 302), response.content[:300]
    else:
        assert response.status_code == 404
    if page == "hide_post" and EXPECTED[page].get(who) != OK:
        assert not Review.objects.filter(hidden_at__isnull=False).exists()


@pytest.mark.parametrize("who", EVERYONE)
@pytest.mark.parametrize("page", ["todo", "received"])
def test_personal_lists_open_for_everyone_signed_in(client, staff, page, who):
    s = scene()
    login(client, people(s, staff)[who])
    assert client.get(pages(s)[page][1]).status_code == 200


def test_the_author_cannot_open_reviews_of_their_own_work_as_a_reviewer(client):
    s = scene()
    login(client, s.author.user)
    for assignment in (s.assignment, s.open_assignment):
        assert client.get(url("review", assignment.pk)).status_code == 404
        assert client.post(url("save", assignment.pk), {"version": 1}).status_code == 404


def test_a_reviewer_cannot_rate_a_review_or_a_review_of_someone_elses_work(client):
    s = scene()
    login(client, s.reviewer.user)
    response = client.post(url("rate", s.assignment.pk), {f"rate-{s.assignment.pk}-helpfulness": 5})
    assert response.status_code == 404
    assert Review.objects.get(assignment=s.assignment).helpfulness is None


def test_a_facilitator_who_left_the_round_sees_no_cohort(client):
    s = scene()
    facilitator = s.world.facilitators[0]
    facilitator.status = "dropped"
    facilitator.save()
    login(client, facilitator.user)
    assert client.get(url("cohort", s.world.cohorts[0].pk)).status_code == 404


# Reviews to do --------------------------------------------------------------------------


def test_the_list_shows_exercise_anonymous_author_due_date_in_my_zone_and_status(client):
    s = scene()
    user = s.open_assignment.reviewer.user
    user.time_zone = "America/New_York"
    user.save()
    login(client, user)

    page = client.get(url("todo")).content.decode()

    assert "Plan your career" in page
    assert "A peer in your cohort" in page
    assert s.author.user.name not in page
    # Due 17 March 00:00 UTC is the evening before in New York.
    assert "Tue 16 Mar, 20:00" in page
    assert "Not started" in page
    assert url("review", s.open_assignment.pk) in page


def test_named_reviews_show_the_authors_name_in_the_list(client):
    s = scene(anonymous=False)
    login(client, s.open_assignment.reviewer.user)
    assert s.author.user.name in client.get(url("todo")).content.decode()


# Writing a review -------------------------------------------------------------------------


def _form(s: Scene, version=1, *, levels=True, comments=("Clear.", "Add dates."), action=None):
    data = {"version": version}
    if levels:
        data.update({f"criterion-{c}": level for c, level in criterion_levels(s.world, 2).items()})
    for number, comment in enumerate(comments, start=1):
        data[f"comment-{number}"] = comment
    if action:
        data["action"] = action
    return data


def test_the_review_page_shows_the_work_rubric_and_questions_but_not_other_reviews(client):
    s = scene()
    other_text = Review.objects.get(assignment=s.assignment).comments[0]
    login(client, s.open_assignment.reviewer.user)

    page = client.get(url("review", s.open_assignment.pk)).content.decode()

    assert "Research engineer" in page  # the author's answer
    assert "<legend>Specific</legend>" in page and "<legend>Realistic</legend>" in page
    for question in QUESTIONS:
        assert question in page
    assert 'role="status"' in page
    assert other_text not in page
    assert "Other reviews of this work" not in page


def test_save_draft_without_javascript_keeps_the_text(client):
    s = scene()
    login(client, s.open_assignment.reviewer.user)

    response = client.post(url("review", s.open_assignment.pk), _form(s, action="save"))

    assert response.status_code == 302
    review = Review.objects.get(assignment=s.open_assignment)
    assert review.comments == ["Clear.", "Add dates."] and review.submitted_at is None
    page = client.get(url("review", s.open_assignment.pk)).content.decode()
    assert "Draft saved." in page and "Add dates." in page


def test_an_incomplete_submit_is_refused_with_a_message_and_keeps_every_word(client):
    s = scene()
    login(client, s.open_assignment.reviewer.user)

    response = client.post(
        url("review", s.open_assignment.pk),
        _form(s, levels=False, comments=("Only this.", ""), action="submit"),
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose a level for every criterion before submitting." in page
    assert "Only this." in page
    assert Review.objects.get(assignment=s.open_assignment).comments == ["Only this.", ""]
    assert ReviewAssignment.objects.get(pk=s.open_assignment.pk).status == Status.STARTED


def test_submitting_shows_the_other_reviews_without_names_when_anonymous(client):
    s = scene()
    login(client, s.open_assignment.reviewer.user)

    response = client.post(url("review", s.open_assignment.pk), _form(s, action="submit"))
    page = client.get(response.url).content.decode()

    assert ReviewAssignment.objects.get(pk=s.open_assignment.pk).status == Status.DONE
    assert "Review submitted." in page
    assert "Other reviews of this work" in page
    assert "Reviewer 1" in page
    assert Review.objects.get(assignment=s.assignment).comments[0] in page
    assert s.reviewer.user.name not in page


def test_after_submitting_named_reviews_show_the_other_reviewers_name(client):
    s = scene(anonymous=False)
    login(client, s.open_assignment.reviewer.user)
    client.post(url("review", s.open_assignment.pk), _form(s, action="submit"))
    page = client.get(url("review", s.open_assignment.pk)).content.decode()
    assert s.reviewer.user.name in page


def test_a_stale_page_without_javascript_is_refused_with_the_typed_text(client):
    s = scene()
    login(client, s.open_assignment.reviewer.user)
    client.post(url("save", s.open_assignment.pk), _form(s, comments=("From tab one.", "")))

    response = client.post(
        url("review", s.open_assignment.pk), _form(s, comments=("From tab two.", ""), action="save")
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert "saved from another tab" in page and "From tab two." in page
    assert Review.objects.get(assignment=s.open_assignment).comments[0] == "From tab one."
    assert 'name="version" value="2"' in page  # saving again goes through


# Autosave --------------------------------------------------------------------------------


def test_autosave_saves_a_draft_and_answers_with_the_new_version(client):
    s = scene()
    login(client, s.open_assignment.reviewer.user)

    response = client.post(url("save", s.open_assignment.pk), _form(s, action="submit"))

    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 2 and re.fullmatch(r"\d\d:\d\d", body["saved_at_display"])
    review = Review.objects.get(assignment=s.open_assignment)
    assert review.comments == ["Clear.", "Add dates."]
    assert review.submitted_at is None  # autosave never submits
    second = client.post(url("save", s.open_assignment.pk), _form(s, version=2))
    assert second.json()["version"] == 3


def test_autosave_from_a_stale_tab_gets_409_and_changes_nothing(client):
    s = scene()
    login(client, s.open_assignment.reviewer.user)
    client.post(url("save", s.open_assignment.pk), _form(s, comments=("Saved first.", "")))

    response = client.post(url("save", s.open_assignment.pk), _form(s, comments=("Stale.", "")))

    assert response.status_code == 409
    assert response.json()["version"] == 2
    assert "another tab" in response.json()["error"]
    assert Review.objects.get(assignment=s.open_assignment).comments[0] == "Saved first."


@pytest.mark.parametrize(
    ("bad", "message"),
    [("version", "out of date"), ("long", "10,001 characters"), ("level", "not part of")],
)
def test_autosave_refuses_bad_input_with_a_message(client, bad, message):
    s = scene()
    login(client, s.open_assignment.reviewer.user)
    data = _form(s)
    if bad == "version":
        data["version"] = ""
    elif bad == "long":
        data["comment-1"] = "x" * 10_001
    else:  # a level of the second criterion offered for the first
        criteria = s.world.course.criteria
        data[f"criterion-{criteria[0].pk}"] = str(s.world.course.level(1, 1).pk)

    response = client.post(url("save", s.open_assignment.pk), data)

    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not Review.objects.filter(assignment=s.open_assignment).exists()


def test_autosave_to_a_review_handed_to_someone_else_is_refused(client):
    s = scene()
    ReviewAssignment.objects.filter(pk=s.open_assignment.pk).update(status=Status.ABANDONED)
    login(client, s.open_assignment.reviewer.user)

    response = client.post(url("save", s.open_assignment.pk), _form(s))

    assert response.status_code == 400
    assert "no longer yours" in response.json()["error"]
    assert response.json()["final"] is True  # the page stops autosaving
    assert ReviewAssignment.objects.get(pk=s.open_assignment.pk).status == Status.ABANDONED


# Reviews of my work ----------------------------------------------------------------------


def test_the_author_sees_released_reviews_without_reviewer_names_when_anonymous(client):
    s = scene()
    login(client, s.author.user)

    page = client.get(url("received")).content.decode()

    assert Review.objects.get(assignment=s.assignment).comments[0] in page
    assert "Reviewer 1" in page
    assert s.reviewer.user.name not in page
    assert "1 more review on the way." in page
    assert "How helpful was this review?" in page


def test_named_reviews_show_reviewer_names_to_the_author(client):
    s = scene(anonymous=False)
    login(client, s.author.user)
    assert s.reviewer.user.name in client.get(url("received")).content.decode()


def test_reviews_stay_locked_until_the_author_has_done_their_own(client):
    s = scene()
    ReviewAssignment.objects.filter(reviewer=s.author).update(status=Status.STARTED)
    Review.objects.filter(assignment__reviewer=s.author).update(submitted_at=None)
    login(client, s.author.user)

    page = client.get(url("received")).content.decode()

    assert "unlock when you have submitted your own reviews" in page
    assert "0 of 2 done" in page
    assert Review.objects.get(assignment=s.assignment).comments[0] not in page
    rate = client.post(url("rate", s.assignment.pk), {f"rate-{s.assignment.pk}-helpfulness": 3})
    assert rate.status_code == 404


def test_with_release_at_the_due_date_the_page_says_when(client):
    s = scene(release=PeerReviewSettings.Release.AT_DUE_DATE)
    login(client, s.author.user)

    page = client.get(url("received")).content.decode()

    assert "Reviews of this work are shown from" in page
    with time_machine.travel(REVIEWS_DUE, tick=False):
        page = client.get(url("received")).content.decode()
    assert Review.objects.get(assignment=s.assignment).comments[0] in page


def test_the_author_rates_a_review_and_sees_the_rating(client):
    s = scene()
    login(client, s.author.user)
    prefix = f"rate-{s.assignment.pk}"

    response = client.post(
        url("rate", s.assignment.pk), {f"{prefix}-helpfulness": "4", f"{prefix}-note": "Useful."}
    )

    assert response.status_code == 302
    review = Review.objects.get(assignment=s.assignment)
    assert (review.helpfulness, review.helpfulness_note) == (4, "Useful.")
    assert "you said 4 of 5" in client.get(url("received")).content.decode()


@pytest.mark.parametrize("value", ["", "0", "6", "many"])
def test_a_rating_outside_one_to_five_is_refused_with_a_message(client, value):
    s = scene()
    login(client, s.author.user)

    field = f"rate-{s.assignment.pk}-helpfulness"
    response = client.post(url("rate", s.assignment.pk), {field: value})

    assert response.status_code == 400
    assert "Choose how helpful the review was, from 1 to 5." in response.content.decode()
    assert Review.objects.get(assignment=s.assignment).helpfulness is None


def test_a_hidden_review_disappears_for_the_author(client, staff):
    s = scene()
    review_hide(review=Review.objects.get(assignment=s.assignment), by=staff, reason="Rude")
    login(client, s.author.user)

    page = client.get(url("received")).content.decode()

    assert Review.objects.get(assignment=s.assignment).comments[0] not in page
    assert "A facilitator removed 1 review" in page


# The facilitator's page ------------------------------------------------------------------


def test_the_facilitator_sees_names_statuses_helpfulness_and_who_is_behind(client):
    s = scene()
    Review.objects.filter(assignment=s.assignment).update(helpfulness=5, helpfulness_note="Gold")
    login(client, s.world.facilitators[0].user)

    with time_machine.travel(REVIEWS_DUE + timedelta(hours=1), tick=False):
        page = client.get(url("cohort", s.world.cohorts[0].pk)).content.decode()

    assert s.author.user.name in page and s.reviewer.user.name in page
    assert "5 of 5" in page and "Gold" in page
    assert "Behind" in page and "Overdue" in page
    for person in s.world.members[1]:
        assert person.user.name not in page  # another cohort's people and work


def test_hiding_a_review_gives_the_author_a_replacement_shown_on_the_page(client):
    s = scene()
    login(client, s.world.facilitators[0].user)
    before = set(live(submission=s.assignment.submission).values_list("pk", flat=True))

    response = client.post(url("hide", s.assignment.pk), {"reason": "Not about the plan."})

    assert response.status_code == 302
    assert ReviewAssignment.objects.get(pk=s.assignment.pk).status == Status.HIDDEN
    new = live(submission=s.assignment.submission).exclude(pk__in=before)
    assert new.count() == 1 and covering(s.assignment.submission) == 2
    page = client.get(response.url).content.decode()
    assert "a new reviewer is assigned" in page
    assert f'id="assignment-{new.get().pk}"' in page
    assert "Why: Not about the plan." in page


def test_hiding_without_a_reason_is_refused(client):
    s = scene()
    login(client, s.world.facilitators[0].user)

    response = client.post(url("hide", s.assignment.pk), {"reason": " "})

    assert response.status_code == 400
    assert "Say why the review is hidden." in response.content.decode()
    assert ReviewAssignment.objects.get(pk=s.assignment.pk).status == Status.DONE


def test_a_facilitator_reassigns_a_review_to_an_eligible_peer(client):
    s = scene()
    login(client, s.world.facilitators[0].user)
    asked = set(
        ReviewAssignment.objects.filter(submission=s.open_assignment.submission).values_list(
            "reviewer_id", flat=True
        )
    )

    page = client.get(url("hand_over", s.open_assignment.pk)).content.decode()
    offered = {int(pk) for pk in re.findall(r'name="reviewer" value="(\d+)"', page)}
    assert offered and not offered & (asked | {s.author.pk})

    choice = sorted(offered)[0]
    response = client.post(url("hand_over", s.open_assignment.pk), {"reviewer": choice})

    assert response.status_code == 302
    assert ReviewAssignment.objects.get(pk=s.open_assignment.pk).status == Status.ABANDONED
    assert live(submission=s.open_assignment.submission, reviewer_id=choice).exists()


@pytest.mark.parametrize("who", ["author", "already_asked"])
def test_reassigning_to_someone_ineligible_is_refused(client, who):
    s = scene()
    login(client, s.world.facilitators[0].user)
    choice = s.author.pk if who == "author" else s.reviewer.pk

    response = client.post(url("hand_over", s.open_assignment.pk), {"reviewer": choice})

    assert response.status_code == 400
    assert "cannot take this review" in response.content.decode()
    assert ReviewAssignment.objects.get(pk=s.open_assignment.pk).status == Status.NOT_STARTED


def test_the_hand_over_page_offers_no_one_from_another_cohort(client):
    world = build_world(4, 4)
    world.allocate()
    assignment = live(submission=world.submission(world.members[0][0])).first()
    login(client, world.facilitators[0].user)

    page = client.get(url("hand_over", assignment.pk)).content.decode()
    offered = {int(pk) for pk in re.findall(r'name="reviewer" value="(\d+)"', page)}
    response = client.post(url("hand_over", assignment.pk), {"reviewer": world.members[1][0].pk})

    assert offered
    assert not offered & {e.pk for e in world.members[1]}
    assert response.status_code == 400
    assert ReviewAssignment.objects.get(pk=assignment.pk).status == Status.NOT_STARTED


# Query budgets ----------------------------------------------------------------------------

# Session and user (2) and the navigation's counts (2), then the page's own reads.
TODO_QUERIES = 5  # assignments
REVIEW_QUERIES = 10  # assignment, rubric (2), revision, prompts, other reviews
RECEIVED_QUERIES = 10  # submissions, their reviews, own duties, schedule, rubric (2)
# cohort, assignments, members, their duties, settings, schedule, the viewer's place in the
# cohort, and the points of the levels chosen in reviews that may disagree.
COHORT_QUERIES = 12


def crowded(size: int, rounds: int) -> tuple[list[World], object]:
    """`rounds` rounds with two cohorts of `size`; one person takes part in all of them."""
    user = UserFactory(email="busy@example.com")
    worlds = []
    for _ in range(rounds):
        world = build_world(size, size)
        PeerReviewSettings.objects.filter(pk=world.settings.pk).update(disagreement_threshold=0)
        enrollment = PlacementFactory(
            cohort=world.cohorts[0], enrollment__user=user, enrollment__status="active"
        ).enrollment
        submitted(enrollment, world.exercise)
        world.members[0].append(enrollment)
        world.allocate()
        for assignment in ReviewAssignment.objects.filter(submission__exercise=world.exercise):
            write(assignment, world)
        worlds.append(world)
    return worlds, user


SHAPES = [(4, 1), (8, 1), (4, 3)]


@pytest.mark.parametrize(("size", "rounds"), SHAPES)
def test_reviews_to_do_query_count_is_fixed(client, django_assert_max_num_queries, size, rounds):
    _, user = crowded(size, rounds)
    login(client, user)
    with django_assert_max_num_queries(TODO_QUERIES):
        assert client.get(url("todo")).status_code == 200


@pytest.mark.parametrize(("size", "rounds"), SHAPES)
def test_review_page_query_count_is_fixed(client, django_assert_max_num_queries, size, rounds):
    worlds, user = crowded(size, rounds)
    assignment = ReviewAssignment.objects.filter(reviewer__user=user).first()
    login(client, user)
    with django_assert_max_num_queries(REVIEW_QUERIES):
        response = client.get(url("review", assignment.pk))
    assert response.status_code == 200
    assert "Other reviews of this work" in response.content.decode()


@pytest.mark.parametrize(("size", "rounds"), SHAPES)
def test_received_page_query_count_is_fixed(client, django_assert_max_num_queries, size, rounds):
    _, user = crowded(size, rounds)
    login(client, user)
    with django_assert_max_num_queries(RECEIVED_QUERIES):
        response = client.get(url("received"))
    assert response.content.decode().count("How helpful was this review?") == 2 * rounds


@pytest.mark.parametrize(("size", "rounds"), SHAPES)
def test_cohort_page_query_count_is_fixed(client, django_assert_max_num_queries, size, rounds):
    worlds, _ = crowded(size, rounds)
    login(client, worlds[-1].facilitators[0].user)
    with django_assert_max_num_queries(COHORT_QUERIES):
        response = client.get(url("cohort", worlds[-1].cohorts[0].pk))
    assert response.content.decode().count('id="assignment-') == 2 * (size + 1)


def test_a_review_handed_to_someone_else_is_listed_and_shown_read_only(client):
    s = scene()
    login(client, s.open_assignment.reviewer.user)
    client.post(url("save", s.open_assignment.pk), _form(s, comments=("My draft.", "")))
    ReviewAssignment.objects.filter(pk=s.open_assignment.pk).update(status=Status.ABANDONED)

    listing = client.get(url("todo")).content.decode()
    page = client.get(url("review", s.open_assignment.pk)).content.decode()

    assert "Given to someone else" in listing
    assert "This review was given to someone else" in page and "My draft." in page
    assert 'id="review-form"' not in page


def test_the_hide_page_shows_the_review_with_names(client):
    s = scene()
    login(client, s.world.facilitators[0].user)

    page = client.get(url("hide", s.assignment.pk)).content.decode()

    assert s.reviewer.user.name in page and s.author.user.name in page
    assert Review.objects.get(assignment=s.assignment).comments[0] in page
    assert "Why are you hiding this review?" in page


# The admin ------------------------------------------------------------------------------


def test_an_admin_allocates_reviews_now_after_choosing_the_round(staff_client):
    world = build_world(4)
    changelist = reverse("admin:reviews_peerreviewsettings_changelist")
    chosen = {"action": "allocate_now", "_selected_action": [world.settings.pk]}

    asked = staff_client.post(changelist, chosen)

    assert asked.status_code == 200
    assert world.round.name in asked.content.decode()
    assert not ReviewAssignment.objects.exists()
    done = staff_client.post(changelist, {**chosen, "apply": "1", "rounds": [world.round.pk]})
    assert done.status_code == 302
    assert ReviewAssignment.objects.count() == 8
    assert "8 reviews assigned" in staff_client.get(changelist).content.decode()


def test_the_admin_refuses_a_review_rubric_from_another_course(staff_client):
    world = build_world(4)
    foreign = build_course().exercise.rubric
    page = reverse("admin:reviews_peerreviewsettings_change", args=[world.settings.pk])
    data = {
        "exercise": world.exercise.pk, "is_enabled": "on", "reviews_per_submission": 2,
        "pool": "cohort", "rubric": foreign.pk, "comment_prompts": "Why?",
        "due_hours_after_deadline": 48, "grace_hours": 12, "release": "after_own",
    }  # fmt: skip

    response = staff_client.post(page, data)

    assert response.status_code == 200
    assert "Choose a rubric of the exercise" in response.content.decode()
    assert staff_client.get(reverse("admin:reviews_reviewassignment_changelist")).status_code == 200
    assert staff_client.get(reverse("admin:reviews_review_changelist")).status_code == 200
