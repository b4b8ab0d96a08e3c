"""Peer reviews that disagree are flagged to the author's facilitator, who can add their own."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from apps.reminders.models import Reminder
from apps.reminders.services import reminders_plan
from apps.reviews.models import PeerReviewSettings, Review, ReviewAssignment
from apps.reviews.selectors.cohort import cohort_assignments
from apps.reviews.selectors.disagreement import disagreements
from apps.reviews.services import (
    ReviewError,
    review_add_by_facilitator,
    review_hand_over,
    review_hide,
    review_save,
    reviews_fit_late,
    reviews_reassign,
)
from apps.rounds.models import Enrollment
from tests.factories import UserFactory
from tests.grading import login
from tests.reviews.test_services import (
    DUE,
    GRACE_HOURS,
    REVIEWS_DUE,
    World,
    build_world,
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
class Split:
    """Two cohorts of four, all reviews written; one plan's two reviewers are far apart."""

    world: World
    author: Enrollment  # in the first cohort
    low: ReviewAssignment  # 0 points of 6
    high: ReviewAssignment  # 6 points of 6

    @property
    def facilitator(self) -> Enrollment:
        return self.world.facilitators[0]

    @property
    def submission(self):
        return self.world.submission(self.author)


def split(*, threshold: int | None = 2, anonymous: bool = True) -> Split:
    world = build_world(4, 4, anonymous=anonymous)
    PeerReviewSettings.objects.filter(pk=world.settings.pk).update(disagreement_threshold=threshold)
    world.allocate()
    author = world.members[0][0]
    low, high = live(submission=world.submission(author)).order_by("pk")
    for assignment in ReviewAssignment.objects.all():
        if assignment.pk != low.pk:
            write(assignment, world)  # the highest level of every criterion: 6 points
    review_save(
        assignment=low,
        levels=criterion_levels(world, position=1),  # the lowest: 0 points
        comments=["Not there yet.", "Start again."],
        base_version=1,
        submit=True,
    )
    return Split(world, author, low, high)


def flagged(world: World, cohort: int = 0):
    return disagreements(cohort_assignments(cohort=world.cohorts[cohort], now=DURING_REVIEWS))


def add_review_url(submission) -> str:
    return reverse("reviews:add_review", args=[submission.pk])


# Which submissions are flagged


def test_a_plan_whose_reviewers_are_more_than_the_threshold_apart_is_flagged():
    s = split(threshold=5)

    [flag] = flagged(s.world)

    assert flag.submission == s.submission
    assert (flag.totals, flag.most, flag.spread, flag.threshold) == ([0, 6], 6, 6, 5)
    assert [r.assignment for r in flag.reviews] == [s.low, s.high]
    assert flag.totals_label == "0 and 6"
    assert flag.facilitator_reviews == []
    assert flagged(s.world, cohort=1) == []


@pytest.mark.parametrize("threshold", [6, None], ids=["at the threshold", "no threshold"])
def test_nothing_is_flagged_at_the_threshold_or_without_one(threshold):
    s = split(threshold=threshold)
    assert flagged(s.world) == []


def test_a_hidden_review_no_longer_counts():
    s = split()
    review_hide(review=s.low.review, by=s.facilitator.user, reason="Off topic")
    assert flagged(s.world) == []


def test_a_review_still_being_written_does_not_count():
    s = split()
    Review.objects.filter(assignment=s.low).update(submitted_at=None)
    ReviewAssignment.objects.filter(pk=s.low.pk).update(status=Status.STARTED)
    assert flagged(s.world) == []


# The facilitator's page


def test_the_facilitator_sees_the_flag_with_both_totals_and_a_button_to_add_a_review(client):
    s = split()

    html = login(client, s.facilitator.user).get(
        reverse("reviews:cohort", args=[s.world.cohorts[0].pk])
    )
    html = html.content.decode()

    assert "Reviews that disagree" in html
    assert f"{s.author.user.name}: {s.world.exercise.title}" in html
    assert "Reviewers gave 0 and 6 points out of 6: 6 apart" in html
    assert f'action="{add_review_url(s.submission)}"' in html
    assert reverse("reviews:hide", args=[s.low.pk]) in html


def test_staff_see_the_flag_but_only_the_cohorts_facilitators_add_reviews(client):
    s = split()

    html = login(client, UserFactory(is_staff=True)).get(
        reverse("reviews:cohort", args=[s.world.cohorts[0].pk])
    )

    assert "Reviews that disagree" in html.content.decode()
    assert add_review_url(s.submission) not in html.content.decode()
    assert "The cohort's facilitators can add a review of their own." in html.content.decode()


def test_without_disagreement_the_section_is_not_shown(client):
    s = split(threshold=None)
    html = login(client, s.facilitator.user).get(
        reverse("reviews:cohort", args=[s.world.cohorts[0].pk])
    )
    assert "Reviews that disagree" not in html.content.decode()


# Adding a review of one's own


def test_the_facilitator_adds_a_review_and_writes_it_on_the_review_page(client):
    s = split()
    login(client, s.facilitator.user)

    response = client.post(add_review_url(s.submission))

    own = ReviewAssignment.objects.get(reviewer=s.facilitator)
    assert (own.submission, own.status, own.is_cross_cohort) == (
        s.submission,
        Status.NOT_STARTED,
        False,
    )
    assert own.due_at >= REVIEWS_DUE
    assert response.status_code == 302
    assert response.url == reverse("reviews:review", args=[own.pk])
    page = client.get(response.url).content.decode()
    # Named, though reviews are anonymous to participants; the same rubric and questions.
    assert f"by {s.author.user.name}" in page
    assert "What works well?" in page and "Specific" in page

    assert client.post(add_review_url(s.submission)).url == response.url  # no second one
    assert ReviewAssignment.objects.filter(reviewer=s.facilitator).count() == 1


def test_the_flag_says_when_the_facilitators_review_is_under_way_and_done(client):
    s = split()
    own = review_add_by_facilitator(submission=s.submission, facilitator=s.facilitator)
    login(client, s.facilitator.user)
    page = reverse("reviews:cohort", args=[s.world.cohorts[0].pk])

    html = client.get(page).content.decode()
    assert "Continue your review" in html and add_review_url(s.submission) not in html

    write(own, s.world)
    html = client.get(page).content.decode()
    assert "is submitted." in html
    [flag] = flagged(s.world)
    assert flag.totals == [0, 6]  # the facilitator's review settles nothing by numbers
    assert flag.facilitator_reviews == [ReviewAssignment.objects.get(pk=own.pk)]


def test_the_author_reads_the_facilitators_review_under_their_name(client):
    s = split(anonymous=True)
    write(review_add_by_facilitator(submission=s.submission, facilitator=s.facilitator), s.world)

    html = login(client, s.author.user).get(reverse("reviews:received")).content.decode()

    assert f"{s.facilitator.user.name} (facilitator)" in html
    assert "Reviewer 1" in html and "Reviewer 2" in html and "Reviewer 3" not in html


@pytest.mark.parametrize("who", ["other facilitator", "participant", "staff", "author"])
def test_nobody_but_the_authors_facilitators_can_add_a_review(client, who):
    s = split()
    user = {
        "other facilitator": s.world.facilitators[1].user,
        "participant": s.high.reviewer.user,
        "staff": UserFactory(is_staff=True),
        "author": s.author.user,
    }[who]

    response = login(client, user).post(add_review_url(s.submission))

    assert response.status_code == 404
    assert not ReviewAssignment.objects.filter(reviewer__role="facilitator").exists()


def test_adding_a_review_needs_a_post(client):
    s = split()
    response = login(client, s.facilitator.user).get(add_review_url(s.submission))
    assert response.status_code == 405


def test_a_facilitator_who_left_cannot_add_a_review():
    s = split()
    Enrollment.objects.filter(pk=s.facilitator.pk).update(status=Enrollment.Status.LEFT)
    with pytest.raises(ReviewError, match="facilitator of the author's cohort"):
        review_add_by_facilitator(
            submission=s.submission, facilitator=Enrollment.objects.get(pk=s.facilitator.pk)
        )


def test_with_peer_review_paused_no_review_is_added(client):
    s = split()
    PeerReviewSettings.objects.filter(pk=s.world.settings.pk).update(is_enabled=False)

    response = login(client, s.facilitator.user).post(add_review_url(s.submission), follow=True)

    assert "Peer review of this exercise is off." in response.content.decode()
    assert not ReviewAssignment.objects.filter(reviewer=s.facilitator).exists()


# The allocation leaves it alone


def test_the_facilitators_review_is_never_counted_handed_on_or_replaced():
    s = split()
    own = review_add_by_facilitator(submission=s.submission, facilitator=s.facilitator)
    round, exercise = s.world.round, s.world.exercise

    later = REVIEWS_DUE + timedelta(hours=GRACE_HOURS + 1)
    with time_machine.travel(later, tick=False):
        assert reviews_reassign(round=round, exercise=exercise) == 0
        assert reviews_fit_late(round=round, exercise=exercise) == 0
    own.refresh_from_db()
    assert own.status == Status.NOT_STARTED
    with pytest.raises(ReviewError, match="stays theirs"):
        review_hand_over(assignment=own, to=s.world.members[0][1], by=s.facilitator.user)

    # Hidden, it gets no replacement: the peers' reviews are all still there.
    write(own, s.world)
    own.refresh_from_db()
    assert review_hide(review=own.review, by=s.facilitator.user, reason="Mine, withdrawn") == 0


def test_a_facilitator_is_not_reminded_of_the_review_they_chose_to_write():
    s = split()
    own = review_add_by_facilitator(submission=s.submission, facilitator=s.facilitator)
    planned_at = [own.due_at - timedelta(hours=hours) for hours in range(72, 0, -6)]

    for now in planned_at:
        reminders_plan(now=now)

    assert not Reminder.objects.filter(user=s.facilitator.user, kind="reviews_due").exists()
