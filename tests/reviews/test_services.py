"""Peer review in the database: allocation at the deadline, late work, drop-outs, hiding, release.

The builders at the top are shared with test_views.py and test_tasks.py.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
import yaml

from apps.cohorts.models import Cohort
from apps.courses.coursefiles import CourseFileError, read_course, write_course
from apps.courses.selectors import course_to_spec
from apps.courses.services import course_import
from apps.reviews.coursefiles import PEER_REVIEW_DEFAULTS
from apps.reviews.models import PeerReviewSettings, Review, ReviewAssignment
from apps.reviews.selectors.moderation import hand_over_candidates
from apps.reviews.selectors.received import received_reviews
from apps.reviews.selectors.sheet import ShownReview
from apps.reviews.services import (
    LATE_HAND_OUT_TIME,
    ReviewConflict,
    ReviewError,
    review_hand_over,
    review_hide,
    review_rate,
    review_save,
    reviews_allocate,
    reviews_fit_late,
    reviews_reassign,
)
from apps.reviews.templatetags.peer_review import author_label, reviewer_label
from apps.rounds.models import Enrollment, RoundUnit
from apps.submissions.models import Submission
from tests.factories import CohortFactory, FacilitatorEnrollmentFactory, UserFactory
from tests.grading import SUBMITTED_AT, build_course, place, submitted

Status = ReviewAssignment.Status
DUE = datetime(2027, 3, 15, 0, 0, tzinfo=UTC)  # when the plans are due
DUE_HOURS, GRACE_HOURS = 48, 12
REVIEWS_DUE = DUE + timedelta(hours=DUE_HOURS)
QUESTIONS = ["What works well?", "What would make it better?"]


@dataclass
class World:
    """A round with cohorts of participants who submitted a peer-reviewed plan."""

    course: object  # tests.grading.Course
    settings: PeerReviewSettings
    cohorts: list[Cohort]
    facilitators: list[Enrollment]
    members: list[list[Enrollment]] = field(default_factory=list)

    @property
    def round(self):
        return self.course.round

    @property
    def exercise(self):
        return self.course.exercise

    @property
    def everyone(self) -> list[Enrollment]:
        return [person for cohort in self.members for person in cohort]

    def submission(self, enrollment: Enrollment) -> Submission:
        return Submission.objects.get(enrollment=enrollment, exercise=self.exercise)

    def join(self, cohort: int = 0, *, at=SUBMITTED_AT, **user) -> Enrollment:
        """Someone else in cohort `cohort` who submits the plan at `at`."""
        person = place(self.course, cohort=self.cohorts[cohort], **user)
        submitted(person, self.exercise, at=at)
        self.members[cohort].append(person)
        return person

    def allocate(self) -> int:
        with time_machine.travel(DUE + timedelta(minutes=5), tick=False):
            return reviews_allocate(round=self.round, exercise=self.exercise)


def build_world(
    *sizes: int,
    k: int = 2,
    anonymous: bool = True,
    release: str = PeerReviewSettings.Release.AFTER_OWN_REVIEWS,
    pool: str = PeerReviewSettings.Pool.COHORT,
) -> World:
    """Cohorts of the given sizes (default one of four), each with its own facilitator."""
    sizes = sizes or (4,)
    course = build_course()
    settings = PeerReviewSettings.objects.create(
        exercise=course.exercise,
        reviews_per_submission=k,
        pool=pool,
        is_anonymous=anonymous,
        comment_prompts="\n".join(QUESTIONS),
        due_hours_after_deadline=DUE_HOURS,
        grace_hours=GRACE_HOURS,
        release=release,
    )
    RoundUnit.objects.create(
        round=course.round, unit=course.exercise.unit, week_starts_on=date(2027, 3, 8), due_at=DUE
    )
    cohorts, facilitators = [course.cohort], [course.facilitator]
    for _ in sizes[1:]:
        cohort = CohortFactory(round=course.round)
        facilitator = FacilitatorEnrollmentFactory(round=course.round, status="active")
        cohort.facilitators.add(facilitator)
        cohorts.append(cohort)
        facilitators.append(facilitator)
    world = World(course, settings, cohorts, facilitators, [[] for _ in sizes])
    for index, size in enumerate(sizes):
        for n in range(size):
            world.join(index, at=SUBMITTED_AT + timedelta(minutes=n), display_name=f"P{index}.{n}")
    return world


def live(**filters):
    return ReviewAssignment.objects.exclude(status=Status.ABANDONED).filter(**filters)


def covering(submission) -> int:
    return live(submission=submission).exclude(status=Status.HIDDEN).count()


def load(enrollment) -> int:
    return live(reviewer=enrollment).count()


def criterion_levels(world: World, position: int = 3) -> dict[str, str]:
    """{criterion id: level id} choosing level `position` (1 = lowest) of every criterion."""
    return {
        str(criterion.pk): str(world.course.level(index, position).pk)
        for index, criterion in enumerate(world.course.criteria)
    }


def write(assignment, world: World, *, submit: bool = True, comments=None) -> Review:
    """The reviewer fills in the whole review and (by default) submits it."""
    base = Review.objects.filter(assignment=assignment).values_list("version", flat=True).first()
    return review_save(
        assignment=ReviewAssignment.objects.get(pk=assignment.pk),
        levels=criterion_levels(world),
        comments=comments or ["Clear roles.", "Add dates."],
        base_version=base or 1,
        submit=submit,
    )


# Allocation at the deadline ----------------------------------------------------------


@pytest.mark.django_db
def test_allocation_at_the_deadline_gives_every_plan_k_reviewers_within_its_cohort():
    world = build_world(4, 5)

    assigned = world.allocate()

    assert assigned == 9 * 2
    for cohort, members in zip(world.cohorts, world.members, strict=True):
        for person in members:
            reviewers = [a.reviewer for a in live(submission=world.submission(person))]
            assert len(reviewers) == 2
            assert person not in reviewers
            assert all(r.placement.cohort == cohort for r in reviewers)
            assert load(person) == 2
    assert not ReviewAssignment.objects.filter(is_cross_cohort=True).exists()
    assert set(ReviewAssignment.objects.values_list("due_at", flat=True)) == {REVIEWS_DUE}


@pytest.mark.django_db
def test_allocating_again_assigns_nothing_new():
    world = build_world(4, 5)
    world.allocate()
    before = set(ReviewAssignment.objects.values_list("pk", "reviewer_id", "submission_id"))

    assert world.allocate() == 0
    assert set(ReviewAssignment.objects.values_list("pk", "reviewer_id", "submission_id")) == before


@pytest.mark.django_db
def test_only_people_who_submitted_are_reviewed_or_review():
    world = build_world(4)
    drafting = place(world.course)
    Submission.objects.create(enrollment=drafting, exercise=world.exercise, answers={})

    world.allocate()

    assert not ReviewAssignment.objects.filter(reviewer=drafting).exists()
    assert not ReviewAssignment.objects.filter(submission__enrollment=drafting).exists()


@pytest.mark.django_db
def test_nothing_is_allocated_when_peer_review_is_off():
    world = build_world(4)
    PeerReviewSettings.objects.filter(pk=world.settings.pk).update(is_enabled=False)

    assert world.allocate() == 0
    assert not ReviewAssignment.objects.exists()


@pytest.mark.django_db
def test_a_cohort_too_small_to_review_itself_borrows_reviewers_and_says_so():
    world = build_world(2, 5)

    world.allocate()

    for person in world.members[0]:
        assert covering(world.submission(person)) == 2
    borrowed = ReviewAssignment.objects.filter(submission__enrollment__in=world.members[0])
    assert borrowed.filter(is_cross_cohort=True).exists()
    for assignment in ReviewAssignment.objects.select_related(
        "reviewer__placement", "submission__enrollment__placement"
    ):
        crosses = (
            assignment.reviewer.placement.cohort_id
            != assignment.submission.enrollment.placement.cohort_id
        )
        assert assignment.is_cross_cohort == crosses


# Late submissions ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_late_submitter_is_fitted_in_without_disturbing_started_reviews():
    world = build_world(5)
    world.allocate()
    assignments = list(ReviewAssignment.objects.order_by("pk"))
    with time_machine.travel(DUE + timedelta(hours=1), tick=False):
        write(assignments[0], world)  # done
        write(assignments[1], world, submit=False)  # started
    kept = {a.pk: a.status for a in ReviewAssignment.objects.exclude(status=Status.NOT_STARTED)}

    with time_machine.travel(DUE + timedelta(hours=3), tick=False):
        late = world.join(0, at=DUE + timedelta(hours=3))
        reviews_fit_late(round=world.round, exercise=world.exercise)

    assert covering(world.submission(late)) == 2
    assert load(late) == 2
    for pk, status in kept.items():
        assert ReviewAssignment.objects.get(pk=pk).status == status
    for person in world.everyone:
        assert covering(world.submission(person)) == 2
        assert load(person) == 2


@pytest.mark.django_db
def test_late_submitters_arriving_between_two_ticks_are_fitted_in_together():
    world = build_world(5, 4)
    world.allocate()
    with time_machine.travel(DUE + timedelta(hours=3), tick=False):
        first = world.join(0, at=DUE + timedelta(hours=2))
        second = world.join(1, at=DUE + timedelta(hours=3))

        assert reviews_fit_late(round=world.round, exercise=world.exercise) == 8

    for person in world.everyone:
        assert covering(world.submission(person)) == 2 and load(person) == 2
    assert {first, second} <= {a.reviewer for a in live()}


@pytest.mark.django_db
def test_fitting_a_late_submission_again_changes_nothing():
    world = build_world(5)
    world.allocate()
    world.join(0, at=DUE + timedelta(hours=3))
    reviews_fit_late(round=world.round, exercise=world.exercise)
    before = set(live().values_list("reviewer_id", "submission_id"))

    assert reviews_fit_late(round=world.round, exercise=world.exercise) == 0
    assert set(live().values_list("reviewer_id", "submission_id")) == before


@pytest.mark.django_db
def test_a_submission_before_allocation_waits_for_the_deadline():
    world = build_world(4)
    world.join(0)

    assert reviews_fit_late(round=world.round, exercise=world.exercise) == 0
    assert not ReviewAssignment.objects.exists()


# Drop-outs, overdue and hidden reviews ---------------------------------------------------


@pytest.mark.django_db
def test_a_dropped_reviewers_unfinished_work_goes_to_others_and_their_done_work_stays():
    world = build_world(6)
    world.allocate()
    leaver = world.members[0][0]
    done, owed = list(ReviewAssignment.objects.filter(reviewer=leaver))
    write(done, world)
    Enrollment.objects.filter(pk=leaver.pk).update(status=Enrollment.Status.DROPPED)

    with time_machine.travel(DUE + timedelta(hours=2), tick=False):
        assert reviews_reassign(round=world.round, exercise=world.exercise) == 1

    assert ReviewAssignment.objects.get(pk=done.pk).status == Status.DONE
    assert ReviewAssignment.objects.get(pk=owed.pk).status == Status.ABANDONED
    assert covering(owed.submission) == 2
    assert load(leaver) == 1  # only the review they finished
    for person in world.everyone[1:]:
        assert covering(world.submission(person)) == 2


@pytest.mark.django_db
def test_overdue_reviews_go_to_someone_else_only_after_the_grace_period():
    world = build_world(6)
    world.allocate()
    idle = world.members[0][0]
    for assignment in ReviewAssignment.objects.exclude(reviewer=idle):
        write(assignment, world)
    grace_ends = REVIEWS_DUE + timedelta(hours=GRACE_HOURS)

    with time_machine.travel(grace_ends - timedelta(minutes=1), tick=False):
        assert reviews_reassign(round=world.round, exercise=world.exercise) == 0
    with time_machine.travel(grace_ends + timedelta(minutes=1), tick=False):
        assert reviews_reassign(round=world.round, exercise=world.exercise) == 2
        # Replacements have time of their own, so the next run does not hand them on again.
        assert reviews_reassign(round=world.round, exercise=world.exercise) == 0

    assert not live(reviewer=idle).exists()
    replacements = ReviewAssignment.objects.filter(status=Status.NOT_STARTED)
    assert replacements.count() == 2
    for replacement in replacements:
        assert replacement.due_at == grace_ends + timedelta(minutes=1) + LATE_HAND_OUT_TIME
        assert covering(replacement.submission) == 2


@pytest.mark.django_db
def test_a_hidden_review_is_replaced_by_another_reviewer(staff):
    world = build_world(6)
    world.allocate()
    assignment = ReviewAssignment.objects.first()
    review = write(assignment, world)

    with time_machine.travel(DUE + timedelta(hours=5), tick=False):
        assert review_hide(review=review, by=staff, reason="Rude about the author.") == 1

    review.refresh_from_db()
    assert review.hidden_by == staff and review.hidden_reason == "Rude about the author."
    assert ReviewAssignment.objects.get(pk=assignment.pk).status == Status.HIDDEN
    assert covering(assignment.submission) == 2
    replacement = live(submission=assignment.submission, status=Status.NOT_STARTED).exclude(
        reviewer=assignment.reviewer
    )
    assert replacement.exists()


@pytest.mark.django_db
def test_hiding_needs_a_reason_and_a_submitted_review(staff):
    world = build_world(4)
    world.allocate()
    first, second = ReviewAssignment.objects.all()[:2]
    draft = write(first, world, submit=False)
    done = write(second, world)

    with pytest.raises(ReviewError, match="Say why"):
        review_hide(review=done, by=staff, reason="  ")
    with pytest.raises(ReviewError, match="Only submitted reviews"):
        review_hide(review=draft, by=staff, reason="Spam")
    review_hide(review=done, by=staff, reason="Spam")
    with pytest.raises(ReviewError, match="already hidden"):
        review_hide(review=done, by=staff, reason="Spam again")


# Writing a review ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_refused_submit_keeps_the_text_as_a_draft():
    world = build_world(4)
    world.allocate()
    assignment = ReviewAssignment.objects.first()

    with pytest.raises(ReviewError, match="Choose a level for every criterion"):
        review_save(
            assignment=assignment,
            levels={},
            comments=["Strong list of roles.", ""],
            base_version=1,
            submit=True,
        )

    review = Review.objects.get(assignment=assignment)
    assert review.comments == ["Strong list of roles.", ""]
    assert review.submitted_at is None and review.version == 2
    assert ReviewAssignment.objects.get(pk=assignment.pk).status == Status.STARTED


@pytest.mark.django_db
def test_a_save_from_a_stale_page_is_refused_not_overwritten():
    world = build_world(4)
    world.allocate()
    assignment = ReviewAssignment.objects.first()
    write(assignment, world, submit=False, comments=["First tab", ""])

    with pytest.raises(ReviewConflict):
        review_save(
            assignment=assignment, levels={}, comments=["Second tab", ""], base_version=1,
            submit=False,
        )  # fmt: skip

    assert Review.objects.get(assignment=assignment).comments == ["First tab", ""]


@pytest.mark.django_db
def test_a_late_autosave_does_not_bring_a_handed_over_review_back():
    world = build_world(4)
    world.allocate()
    assignment = ReviewAssignment.objects.first()  # loaded before the hand-over, as a page is
    write(assignment, world, submit=False)
    ReviewAssignment.objects.filter(pk=assignment.pk).update(status=Status.ABANDONED)

    with pytest.raises(ReviewError, match="no longer yours"):
        review_save(assignment=assignment, levels={}, comments=["x"], base_version=2, submit=False)

    assert ReviewAssignment.objects.get(pk=assignment.pk).status == Status.ABANDONED


@pytest.mark.django_db
def test_levels_from_another_rubric_are_ignored():
    world = build_world(4)
    world.allocate()
    other = build_course()
    assignment = ReviewAssignment.objects.first()

    review = review_save(
        assignment=assignment,
        levels={str(other.criteria[0].pk): str(other.level(0, 1).pk)},
        comments=["Fine"],
        base_version=1,
        submit=False,
    )

    assert review.levels == {}


# Handing a review over by hand --------------------------------------------------------


@pytest.mark.django_db
def test_a_facilitator_hands_an_unfinished_review_to_someone_eligible():
    world = build_world(6)
    world.allocate()
    assignment = ReviewAssignment.objects.select_related("submission__enrollment").first()
    asked = set(ReviewAssignment.objects.filter(submission=assignment.submission).values_list(
        "reviewer_id", flat=True
    ))  # fmt: skip
    candidates = list(hand_over_candidates(assignment=assignment, user=world.facilitators[0].user))
    assert candidates
    assert not {c.pk for c in candidates} & (asked | {assignment.submission.enrollment_id})

    with time_machine.travel(DUE + timedelta(hours=1), tick=False):
        new = review_hand_over(
            assignment=assignment, to=candidates[0], by=world.facilitators[0].user
        )

    assert ReviewAssignment.objects.get(pk=assignment.pk).status == Status.ABANDONED
    assert new.reviewer == candidates[0] and new.status == Status.NOT_STARTED
    assert new.due_at == REVIEWS_DUE
    assert covering(assignment.submission) == 2


@pytest.mark.django_db
def test_handing_over_refuses_the_author_anyone_asked_before_and_finished_reviews():
    world = build_world(6)
    world.allocate()
    assignment = ReviewAssignment.objects.select_related("submission__enrollment").first()
    author = assignment.submission.enrollment
    other = live(submission=assignment.submission).exclude(pk=assignment.pk).get().reviewer

    with pytest.raises(ReviewError, match="own work"):
        review_hand_over(assignment=assignment, to=author, by=world.facilitators[0].user)
    with pytest.raises(ReviewError, match="already been asked"):
        review_hand_over(assignment=assignment, to=other, by=world.facilitators[0].user)
    first = hand_over_candidates(assignment=assignment, user=world.facilitators[0].user).first()
    review_hand_over(assignment=assignment, to=first, by=world.facilitators[0].user)
    second = ReviewAssignment.objects.get(reviewer=first, submission=assignment.submission)
    with pytest.raises(ReviewError, match="already been asked"):
        review_hand_over(
            assignment=second, to=assignment.reviewer, by=world.facilitators[0].user
        )  # even though it was cancelled
    write(second, world)
    third = hand_over_candidates(assignment=second, user=world.facilitators[0].user).first()
    with pytest.raises(ReviewError, match="not finished"):
        review_hand_over(assignment=second, to=third, by=world.facilitators[0].user)


@pytest.mark.django_db
def test_a_cohort_pool_review_is_never_handed_to_another_cohort():
    world = build_world(4, 4)
    world.allocate()
    assignment = live(submission=world.submission(world.members[0][0])).first()
    stranger = world.members[1][0]

    for who in (world.facilitators[0].user, UserFactory(is_staff=True)):
        offered = hand_over_candidates(assignment=assignment, user=who)
        assert offered.exists()
        assert not offered.filter(placement__cohort=world.cohorts[1]).exists()
        with pytest.raises(ReviewError, match="outside the people"):
            review_hand_over(assignment=assignment, to=stranger, by=who)

    assert ReviewAssignment.objects.get(pk=assignment.pk).is_outstanding


@pytest.mark.django_db
def test_a_round_pool_review_goes_only_to_the_facilitators_own_cohorts_but_anywhere_for_staff():
    # Five a cohort: whoever the two reviewers are, each cohort has someone left to offer.
    world = build_world(5, 5, pool=PeerReviewSettings.Pool.ROUND)
    world.allocate()
    assignment = live(submission=world.submission(world.members[0][0])).first()

    mine = hand_over_candidates(assignment=assignment, user=world.facilitators[0].user)
    everyone = hand_over_candidates(assignment=assignment, user=UserFactory(is_staff=True))

    assert {e.placement.cohort_id for e in mine} == {world.cohorts[0].pk}
    assert {e.placement.cohort_id for e in everyone} == {c.pk for c in world.cohorts}
    in_another_cohort = everyone.filter(placement__cohort=world.cohorts[1]).first()
    with pytest.raises(ReviewError, match="outside the people"):
        review_hand_over(assignment=assignment, to=in_another_cohort, by=world.facilitators[0].user)


# Release rules, anonymity and helpfulness ------------------------------------------------


def _received(user, now):
    [item] = received_reviews(user=user, now=now)
    return item


@pytest.mark.django_db
def test_after_own_reviews_an_author_sees_their_reviews_once_theirs_are_submitted():
    world = build_world(4)
    world.allocate()
    author = world.members[0][0]
    for assignment in live(submission=world.submission(author)):
        write(assignment, world)
    now = DUE + timedelta(hours=3)

    item = _received(author.user, now)
    assert not item.release.released and item.release.rule == "own"
    assert (item.release.own_done, item.release.own_total) == (0, 2)
    assert item.shown == [] and item.submitted_unreleased == 2

    first, second = live(reviewer=author)
    write(first, world)
    assert not _received(author.user, now).release.released
    write(second, world)
    item = _received(author.user, now)
    assert item.release.released
    assert len(item.shown) == 2


@pytest.mark.django_db
def test_at_the_due_date_reviews_are_shown_at_the_due_date_whatever_the_author_did():
    world = build_world(4, release=PeerReviewSettings.Release.AT_DUE_DATE)
    world.allocate()
    author = world.members[0][0]
    for assignment in live(submission=world.submission(author)):
        write(assignment, world)
    for assignment in live(reviewer=author):
        write(assignment, world)

    early = _received(author.user, REVIEWS_DUE - timedelta(minutes=1))
    assert not early.release.released and early.release.rule == "due"
    assert len(_received(author.user, REVIEWS_DUE).shown) == 2


@pytest.mark.django_db
def test_an_author_whose_reviews_were_handed_over_sees_theirs_from_the_due_date():
    world = build_world(4)
    world.allocate()
    author = world.members[0][0]
    for assignment in live(submission=world.submission(author)):
        write(assignment, world)
    ReviewAssignment.objects.filter(reviewer=author).update(status=Status.ABANDONED)

    assert not _received(author.user, REVIEWS_DUE - timedelta(minutes=1)).release.released
    assert _received(author.user, REVIEWS_DUE).release.released


@pytest.mark.django_db
def test_drafts_and_hidden_reviews_are_never_shown_to_the_author(staff):
    world = build_world(6, release=PeerReviewSettings.Release.AT_DUE_DATE)
    world.allocate()
    author = world.members[0][0]
    first, second = live(submission=world.submission(author))
    write(first, world, submit=False)
    review_hide(review=write(second, world), by=staff, reason="Off topic")

    item = _received(author.user, REVIEWS_DUE + timedelta(days=1))
    assert item.release.released
    assert item.shown == []
    assert item.hidden == 1
    assert item.waiting == 2  # the draft and the replacement


def _shown(assignment, number, *, anonymous):
    return ShownReview(assignment, None, number, anonymous, levels=[], answers=[])


@pytest.mark.django_db
def test_anonymous_reviews_name_nobody_to_participants():
    world = build_world(2, 5, anonymous=True)
    world.allocate()
    borrowed = ReviewAssignment.objects.filter(is_cross_cohort=True).first()
    local = ReviewAssignment.objects.filter(is_cross_cohort=False).first()

    assert author_label(local) == "A peer in your cohort"
    assert author_label(borrowed) == "A peer from another cohort"
    assert reviewer_label(_shown(local, 1, anonymous=True)) == "Reviewer 1"
    assert reviewer_label(_shown(borrowed, 2, anonymous=True)) == (
        "Reviewer 2 (from another cohort)"
    )


@pytest.mark.django_db
def test_named_reviews_show_names_both_ways():
    world = build_world(4, anonymous=False)
    world.allocate()
    assignment = ReviewAssignment.objects.select_related(
        "reviewer__user", "submission__enrollment__user", "submission__exercise__peer_review"
    ).first()

    assert author_label(assignment) == assignment.submission.enrollment.user.name
    assert reviewer_label(_shown(assignment, 1, anonymous=False)) == assignment.reviewer.user.name


@pytest.mark.django_db
def test_the_author_rates_helpfulness_from_one_to_five_with_a_note():
    world = build_world(4)
    world.allocate()
    review = write(ReviewAssignment.objects.first(), world)

    review_rate(review=review, helpfulness=4, note="  The dates idea helps. ")
    review.refresh_from_db()
    assert (review.helpfulness, review.helpfulness_note) == (4, "The dates idea helps.")

    review_rate(review=review, helpfulness=2, note="")
    review.refresh_from_db()
    assert review.helpfulness == 2
    for bad in (0, 6):
        with pytest.raises(ReviewError, match="from 1"):
            review_rate(review=review, helpfulness=bad, note="")
    with pytest.raises(ReviewError, match="2,000 characters"):
        review_rate(review=review, helpfulness=3, note="x" * 2001)


# Course files ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_course_sets_both_plans_for_named_peer_review_in_the_cohort(settings):
    course = course_import(spec=read_course(settings.BASE_DIR / "demo/ai-alignment-fundamentals"))

    plans = PeerReviewSettings.objects.filter(exercise__unit__course=course).select_related(
        "exercise"
    )
    assert sorted(p.exercise.slug for p in plans) == ["career-plan", "project-plan"]
    for plan in plans:
        assert plan.is_enabled and plan.reviews_per_submission == 2
        assert plan.pool == "cohort" and not plan.is_anonymous
        assert 2 <= len(plan.questions) <= 3
        assert plan.review_rubric == plan.exercise.rubric
        assert (plan.due_hours_after_deadline, plan.grace_hours) == (48, 12)
    thresholds = {p.exercise.slug: p.disagreement_threshold for p in plans}
    assert thresholds == {"career-plan": 3, "project-plan": 7}


def _peer_spec(settings):
    spec = read_course(settings.BASE_DIR / "demo/ai-alignment-fundamentals")
    return spec, spec["units"][-1]["exercises"][0]


@pytest.mark.django_db
def test_reimporting_updates_peer_review_in_place_and_removing_it_deletes_the_settings(settings):
    spec, career = _peer_spec(settings)
    course = course_import(spec=spec)
    row = PeerReviewSettings.objects.get(
        exercise__slug="career-plan", exercise__unit__course=course
    )

    career["peer_review"].update(
        reviews=3, pool="round", anonymous=True, rubric="project-plan", enabled=False,
        release="at_due", questions=["Only one?"], disagreement_threshold=0,
    )  # fmt: skip
    course_import(spec=spec)
    updated = PeerReviewSettings.objects.get(pk=row.pk)
    assert (updated.reviews_per_submission, updated.pool, updated.is_anonymous) == (
        3,
        "round",
        True,
    )
    assert updated.rubric.slug == "project-plan" and not updated.is_enabled
    assert updated.release == "at_due" and updated.questions == ["Only one?"]
    assert updated.disagreement_threshold == 0

    career["peer_review"] = None
    course_import(spec=spec)
    assert not PeerReviewSettings.objects.filter(pk=row.pk).exists()


@pytest.mark.django_db
def test_peer_review_survives_export_and_import_with_defaults_left_out(settings, tmp_path):
    spec, career = _peer_spec(settings)
    career["peer_review"] = {**career["peer_review"], "reviews": 3, "enabled": False}
    spec["units"][-1]["exercises"][1]["peer_review"] = dict(PEER_REVIEW_DEFAULTS)
    course = course_import(spec=spec)

    write_course(course_to_spec(course), tmp_path / "out")
    text = (tmp_path / "out/units/05-contributing-to-ai-alignment.yaml").read_text()

    assert "peer_review: {}" in text  # all defaults: peer review on, nothing else to say
    assert "enabled: false" in text and "reviews: 3" in text
    assert "disagreement_threshold: 3" in text  # the career plan's, set in the demo
    assert read_course(tmp_path / "out") == course_to_spec(course) == spec


@pytest.mark.parametrize(
    ("value", "field", "problem"),
    [
        ({"reviews": 9}, "peer_review.reviews", "between 1 and 5"),
        ({"pool": "world"}, "peer_review.pool", "not one of cohort, round"),
        ({"rubric": "missing"}, "peer_review.rubric", "is not a rubric"),
        ({"questions": ["Two\nlines"]}, "peer_review.questions[0]", "one line"),
        ({"questions": "Why?"}, "peer_review.questions", "must be a list"),
        ({"anonymous": "yes"}, "peer_review.anonymous", "true or false"),
        ({"disagreement_threshold": -1}, "peer_review.disagreement_threshold", "at least 0"),
        ({"disagreement_threshold": "two"}, "peer_review.disagreement_threshold", "whole number"),
        ({"grace": 3}, "peer_review.grace", "unknown field"),
        ("on", "peer_review", "must be a mapping"),
    ],
)
def test_a_bad_peer_review_mapping_names_the_file_and_field(
    settings, tmp_path, value, field, problem
):
    spec, _ = _peer_spec(settings)
    write_course(spec, tmp_path / "course")
    path = tmp_path / "course/units/05-contributing-to-ai-alignment.yaml"
    data = yaml.safe_load(path.read_text())
    data["exercises"][0]["peer_review"] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))

    with pytest.raises(CourseFileError) as error:
        read_course(tmp_path / "course")

    assert error.value.file == "units/05-contributing-to-ai-alignment.yaml"
    assert error.value.field == f"exercises[0].{field}"
    assert problem in error.value.problem


@pytest.mark.django_db
def test_a_fresh_allocation_counts_reviews_per_submission():
    world = build_world(4, 4, k=1)
    world.allocate()
    assert Counter(a.submission_id for a in live()) == Counter(
        {world.submission(p).pk: 1 for p in world.everyone}
    )


@pytest.mark.django_db
def test_reviews_still_owed_on_the_work_of_someone_who_left_are_cancelled():
    world = build_world(5)
    world.allocate()
    leaver = world.members[0][0]
    done, owed = live(submission=world.submission(leaver)).order_by("pk")
    write(done, world)
    Enrollment.objects.filter(pk=leaver.pk).update(status=Enrollment.Status.DROPPED)

    reviews_reassign(round=world.round, exercise=world.exercise)

    assert ReviewAssignment.objects.get(pk=done.pk).status == Status.DONE
    assert ReviewAssignment.objects.get(pk=owed.pk).status == Status.ABANDONED
