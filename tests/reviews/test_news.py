"""Peer review news: reviews to write, and reviews of one's own work ready to read.

The deadline in these worlds is midnight UTC (midnight in London, where
everyone lives), so allocation happens at night: the notices are there at once
and the emails wait for 07:00.
"""

from datetime import UTC, datetime, timedelta

import pytest

from apps.reminders.models import Preference
from apps.reminders.services import reminders_plan
from apps.reviews.models import PeerReviewSettings, ReviewAssignment
from apps.reviews.services import (
    ReviewError,
    review_hand_over,
    review_hide,
    reviews_fit_late,
)
from apps.rounds.models import Enrollment
from tests.factories import UserFactory
from tests.reminders.news import at, emails_to, news, notices, send
from tests.reviews.test_services import DUE, REVIEWS_DUE, build_world, write

pytestmark = pytest.mark.django_db

ALLOCATED = DUE + timedelta(minutes=5)  # 00:05 in London
MORNING = datetime(2027, 3, 15, 7, 0, tzinfo=UTC)
DAY = DUE + timedelta(hours=12)


def allocate(world, capture):
    with at(ALLOCATED), capture(execute=True):
        return world.allocate()


def reviews_of(world, person):
    return list(ReviewAssignment.objects.filter(submission=world.submission(person)))


def reviews_by(person):
    return list(ReviewAssignment.objects.filter(reviewer=person))


def titles(person) -> list[str]:
    return [notice.title for notice in notices(person.user)]


# Reviews assigned -----------------------------------------------------------------------


def test_allocation_tells_each_reviewer_once_however_many_reviews_it_gives_them(
    django_capture_on_commit_callbacks,
):
    world = build_world(4)

    assert allocate(world, django_capture_on_commit_callbacks) == 8

    for person in world.everyone:
        assert len(reviews_by(person)) == 2
        assert titles(person) == ["Peer reviews to write: “Plan your career”, due Wed 17 Mar"]
    assert len(news("review_assigned")) == 4
    assert send(ALLOCATED).deferred == 4 and emails_to(world.everyone[0].user) == []
    assert send(MORNING).sent == 4
    [email] = emails_to(world.everyone[0].user)
    assert "You now have 2 reviews of it to write" in email.body


def test_allocating_again_tells_nobody_twice(django_capture_on_commit_callbacks):
    world = build_world(4)
    allocate(world, django_capture_on_commit_callbacks)

    assert allocate(world, django_capture_on_commit_callbacks) == 0

    assert len(news("review_assigned")) == 4
    assert all(len(notices(person.user)) == 1 for person in world.everyone)


def test_late_work_fitted_in_is_a_new_batch_for_those_it_gives_reviews(
    django_capture_on_commit_callbacks,
):
    world = build_world(5)
    allocate(world, django_capture_on_commit_callbacks)
    before = {a.pk for a in ReviewAssignment.objects.all()}

    with at(DAY), django_capture_on_commit_callbacks(execute=True):
        late = world.join(0, at=DAY)
        reviews_fit_late(round=world.round, exercise=world.exercise)

    given = ReviewAssignment.objects.exclude(pk__in=before)
    told = set(given.values_list("reviewer__user", flat=True))
    assert late.user_id in told
    assert len(news("review_assigned")) == 5 + len(told)
    assert len(notices(late.user)) == 1


def test_a_review_handed_over_tells_its_new_reviewer(django_capture_on_commit_callbacks):
    world = build_world(4)
    allocate(world, django_capture_on_commit_callbacks)
    author = world.everyone[0]
    assignment = reviews_of(world, author)[0]
    asked = {a.reviewer_id for a in reviews_of(world, author)} | {author.pk}
    [newcomer] = [person for person in world.everyone if person.pk not in asked]

    with at(DAY), django_capture_on_commit_callbacks(execute=True):
        review_hand_over(assignment=assignment, to=newcomer, by=world.facilitators[0].user)

    assert len(notices(newcomer.user)) == 2  # the allocation's, and the hand-over's
    send(DAY)
    assert all("You now have 3 reviews" in e.body for e in emails_to(newcomer.user))
    assert len(emails_to(newcomer.user)) == 2


def test_no_email_about_reviews_assigned_once_they_are_all_written(
    django_capture_on_commit_callbacks,
):
    world = build_world(4)
    allocate(world, django_capture_on_commit_callbacks)
    reviewer = world.everyone[0]
    with at(ALLOCATED + timedelta(minutes=30)):
        for assignment in reviews_by(reviewer):
            write(assignment, world)

    send(MORNING)

    [row] = [r for r in news("review_assigned") if r.user_id == reviewer.user_id]
    assert row.skip_reason == "the reviews are submitted or were handed over"
    assert emails_to(reviewer.user) == [] and len(notices(reviewer.user)) == 1


def test_with_the_email_switched_off_a_reviewer_still_sees_the_notice(
    django_capture_on_commit_callbacks,
):
    world = build_world(4)
    reviewer = world.everyone[0]
    Preference.objects.create(user=reviewer.user, kind="review_assigned", email=False)
    allocate(world, django_capture_on_commit_callbacks)

    send(MORNING)

    assert emails_to(reviewer.user) == [] and len(notices(reviewer.user)) == 1
    assert len(emails_to(world.everyone[1].user)) == 1


# Reviews released -------------------------------------------------------------------------


def test_reviews_released_by_the_authors_own_reviews_are_announced_at_once(
    django_capture_on_commit_callbacks,
):
    world = build_world(4)
    allocate(world, django_capture_on_commit_callbacks)
    author = world.everyone[0]

    with at(DAY), django_capture_on_commit_callbacks(execute=True):
        for assignment in reviews_of(world, author):
            write(assignment, world)
    assert news("reviews_released") == []  # not until the author has done their own

    first, last = reviews_by(author)
    with at(DAY + timedelta(hours=1)), django_capture_on_commit_callbacks(execute=True):
        write(first, world)
    assert news("reviews_released") == []
    with at(DAY + timedelta(hours=1)), django_capture_on_commit_callbacks(execute=True):
        write(last, world)

    [row] = news("reviews_released")
    assert (row.user, row.occasion) == (author.user, f"released:{world.submission(author).pk}")
    assert titles(author)[0] == "Reviews of your “Plan your career” are ready to read"
    send(DAY + timedelta(hours=1))
    [email] = [e for e in emails_to(author.user) if "ready to read" in e.subject]
    assert "2 to read so far" in email.body


def test_a_resubmitted_review_form_announces_the_release_once(django_capture_on_commit_callbacks):
    world = build_world(4)
    allocate(world, django_capture_on_commit_callbacks)
    author = world.everyone[0]
    with at(DAY), django_capture_on_commit_callbacks(execute=True):
        for assignment in reviews_by(author) + reviews_of(world, author):
            write(assignment, world)
        with pytest.raises(ReviewError, match="already submitted"):
            write(reviews_of(world, author)[0], world)
        reminders_plan()  # the planner finds the same release and adds nothing

    assert len(news("reviews_released")) == 1
    assert titles(author).count("Reviews of your “Plan your career” are ready to read") == 1


def at_due_date_world(capture):
    """Reviews released at their due date; the author's work reviewed the day before."""
    world = build_world(4, release=PeerReviewSettings.Release.AT_DUE_DATE)
    allocate(world, capture)
    author = world.everyone[0]
    with at(DAY), capture(execute=True):
        for assignment in reviews_of(world, author):
            write(assignment, world)
    return world, author


def test_reviews_released_by_their_due_date_are_announced_then_even_at_night(
    django_capture_on_commit_callbacks,
):
    world, author = at_due_date_world(django_capture_on_commit_callbacks)
    assert news("reviews_released") == []

    with at(REVIEWS_DUE - timedelta(hours=2)):
        reminders_plan()
    [row] = news("reviews_released")
    assert row.due_at == REVIEWS_DUE
    assert send(REVIEWS_DUE - timedelta(minutes=1)).sent == 0
    assert not [t for t in titles(author) if "ready to read" in t]

    assert send(REVIEWS_DUE).deferred >= 1  # midnight in London

    assert "Reviews of your “Plan your career” are ready to read" in titles(author)
    assert not [e for e in emails_to(author.user) if "ready to read" in e.subject]
    send(datetime(2027, 3, 17, 7, 0, tzinfo=UTC))
    assert len([e for e in emails_to(author.user) if "ready to read" in e.subject]) == 1


def test_no_release_news_when_every_review_was_hidden_before_the_due_date(
    django_capture_on_commit_callbacks,
):
    world, author = at_due_date_world(django_capture_on_commit_callbacks)
    with at(REVIEWS_DUE - timedelta(hours=2)):
        reminders_plan()
    staff = UserFactory(is_staff=True)
    with at(REVIEWS_DUE - timedelta(hours=1)):
        for assignment in reviews_of(world, author):
            if assignment.status == ReviewAssignment.Status.DONE:
                review_hide(review=assignment.review, by=staff, reason="Off topic.")

    send(REVIEWS_DUE)

    [row] = news("reviews_released")
    assert row.skip_reason == "the reviews were hidden"
    assert not [t for t in titles(author) if "ready to read" in t]


def test_an_author_who_left_hears_nothing_more_about_their_reviews(
    django_capture_on_commit_callbacks,
):
    world, author = at_due_date_world(django_capture_on_commit_callbacks)
    with at(REVIEWS_DUE - timedelta(hours=2)):
        reminders_plan()
    Enrollment.objects.filter(pk=author.pk).update(status=Enrollment.Status.LEFT)

    send(REVIEWS_DUE)

    [row] = news("reviews_released")
    assert row.skip_reason == "no longer taking part in this round"
    assert not [t for t in titles(author) if "ready to read" in t]


def test_the_planner_announces_a_release_no_service_did(django_capture_on_commit_callbacks):
    """The author's last unfinished review is handed over: the rest of theirs were done."""
    world = build_world(4)
    allocate(world, django_capture_on_commit_callbacks)
    author = world.everyone[0]
    done, unfinished = reviews_by(author)
    with at(DAY), django_capture_on_commit_callbacks(execute=True):
        for assignment in [done, *reviews_of(world, author)]:
            write(assignment, world)
    assert news("reviews_released") == []
    other = unfinished.submission.enrollment
    asked = {a.reviewer_id for a in reviews_of(world, other)} | {other.pk}
    to = next(person for person in world.everyone if person.pk not in asked)
    with at(DAY + timedelta(hours=1)):
        review_hand_over(assignment=unfinished, to=to, by=world.facilitators[0].user)
        assert news("reviews_released") == []

        reminders_plan()

    [row] = news("reviews_released")
    assert row.user == author.user
    assert "Reviews of your “Plan your career” are ready to read" in titles(author)
