"""For each kind of reminder, the smallest world in which one is due and still worth sending.

`WORLDS[slug](user, now)` builds it around `user` and returns the reminder row,
due at `now`. The names of things carry quotes, apostrophes, ampersands and
angle brackets, which a text part must show as they are and an HTML part must
escape. A kind registered without a world here fails the email test that
goes through every kind.
"""

from datetime import timedelta

from apps.admissions.models import Decision, Offer, Vacancy
from apps.certificates.models import Certificate
from apps.cohorts.models import Attendance, Change, Meeting, Placement, Switch
from apps.reminders.models import Preference, Reminder
from apps.reviews.models import ReviewAssignment
from apps.rounds.models import RoundUnit
from apps.submissions.models import Feedback, Milestone, Revision, Submission
from tests.factories import (
    CohortFactory,
    EnrollmentFactory,
    ExerciseFactory,
    FacilitatorEnrollmentFactory,
    PlacementFactory,
    PromptFactory,
    ResourceFactory,
    SubmissionFactory,
    UnitFactory,
    UserFactory,
)

COHORT = 'Zoë\'s "cohort" & <friends>'
UNIT = 'Rewards & "values"'
EXERCISE = "“Plan” <draft> & more"
READING = "Ng & Russell's <classic>"
MILESTONE = 'Ship "v1" & <the rest>'
COMMENT = 'Keep the "why" & cut the <fluff>.'
AUTHOR = 'Ada "Ace" Lovelace-Ñ'
COURSE = 'Safety "Fundamentals" & <classic> ideas'


def due(user, round_, kind: str, occasion: str, now) -> Reminder:
    return Reminder.objects.create(
        user=user, round=round_, kind=kind, occasion=occasion, due_at=now
    )


def led_cohort(user):
    """A published cohort that `user` facilitates, with one participant, AUTHOR."""
    lead = FacilitatorEnrollmentFactory(user=user)
    cohort = CohortFactory(round=lead.round, name=COHORT, facilitators=[lead])
    author = PlacementFactory(cohort=cohort, enrollment__user=UserFactory(display_name=AUTHOR))
    return cohort, author.enrollment


def meeting_tomorrow(user, now) -> Reminder:
    cohort = CohortFactory(name=COHORT)
    unit = UnitFactory(course=cohort.round.course, title=UNIT)
    ResourceFactory(unit=unit, title=READING, is_core=True)
    ExerciseFactory(unit=unit, title=EXERCISE)
    PlacementFactory(cohort=cohort, enrollment__user=user)
    starts_at = now + timedelta(hours=20)
    meeting = Meeting.objects.create(
        cohort=cohort, unit=unit, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=90)
    )
    return due(user, cohort.round, "meeting_tomorrow", f"meeting:{meeting.pk}", now)


def attendance_missing(user, now) -> Reminder:
    cohort, _ = led_cohort(user)
    unit = UnitFactory(course=cohort.round.course, title=UNIT)
    starts_at = now - timedelta(hours=14)
    meeting = Meeting.objects.create(
        cohort=cohort, unit=unit, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=90)
    )
    return due(user, cohort.round, "attendance_missing", f"attendance:{meeting.pk}", now)


def exercise_due(user, now) -> Reminder:
    enrollment = EnrollmentFactory(user=user)
    unit = UnitFactory(course=enrollment.round.course, title=UNIT)
    ExerciseFactory(unit=unit, title=EXERCISE)
    entry = RoundUnit.objects.create(
        round=enrollment.round,
        unit=unit,
        week_starts_on=now.date(),
        due_at=now + timedelta(hours=40),
    )
    return due(user, enrollment.round, "exercise_due", f"due:{entry.pk}", now)


def revision_waiting(user, now) -> Reminder:
    submission = SubmissionFactory(
        enrollment__user=user,
        exercise__title=EXERCISE,
        status=Submission.Status.RETURNED,
        submitted_at=now - timedelta(days=4),
    )
    revision = Revision.objects.create(submission=submission, number=1, answers={})
    feedback = Feedback.objects.create(
        submission=submission,
        revision=revision,
        decision=Feedback.Decision.RETURNED,
        comment=COMMENT,
    )
    round_ = submission.enrollment.round
    return due(user, round_, "revision_waiting", f"returned:{feedback.pk}", now)


def milestone_checkin(user, now) -> Reminder:
    submission = SubmissionFactory(
        enrollment__user=user, status=Submission.Status.SUBMITTED, submitted_at=now
    )
    milestone = Milestone.objects.create(
        submission=submission,
        prompt=PromptFactory(exercise=submission.exercise),
        position=1,
        title=MILESTONE,
        target_date=now.date(),
    )
    round_ = submission.enrollment.round
    return due(user, round_, "milestone_checkin", f"milestone:{milestone.pk}", now)


def grading_waiting(user, now) -> Reminder:
    cohort, author = led_cohort(user)
    submission = SubmissionFactory(
        enrollment=author,
        exercise__title=EXERCISE,
        status=Submission.Status.SUBMITTED,
        submitted_at=now - timedelta(days=3),
    )
    occasion = f"grading:{submission.pk}:{submission.submitted_at:%Y%m%d%H%M%S}"
    return due(user, cohort.round, "grading_waiting", occasion, now)


def facilitator_digest(user, now) -> Reminder:
    Preference.objects.create(user=user, kind="facilitator_digest", email=True)
    cohort, author = led_cohort(user)
    SubmissionFactory(enrollment=author, status=Submission.Status.SUBMITTED, submitted_at=now)
    year, week, _ = now.isocalendar()
    return due(user, cohort.round, "facilitator_digest", f"digest:{year}-W{week:02d}", now)


def reviews_due(user, now) -> Reminder:
    reviewer = EnrollmentFactory(user=user)
    work = SubmissionFactory(
        enrollment__round=reviewer.round,
        exercise__title=EXERCISE,
        status=Submission.Status.SUBMITTED,
        submitted_at=now - timedelta(days=1),
    )
    due_at = now + timedelta(hours=20)
    ReviewAssignment.objects.create(reviewer=reviewer, submission=work, due_at=due_at)
    occasion = f"reviews:{reviewer.pk}:{work.exercise_id}:{due_at:%Y%m%d%H%M}"
    return due(user, reviewer.round, "reviews_due", occasion, now)


def meeting_changed(user, now) -> Reminder:
    cohort = CohortFactory(name=COHORT)
    unit = UnitFactory(course=cohort.round.course, title=UNIT)
    PlacementFactory(cohort=cohort, enrollment__user=user)
    starts_at = now + timedelta(days=3)
    meeting = Meeting.objects.create(
        cohort=cohort,
        unit=unit,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=90),
        sequence=1,
    )
    Change.objects.create(
        round=cohort.round,
        kind=Change.Kind.MOVE,
        cohort=cohort,
        meeting=meeting,
        reason=COMMENT,
        starts_before=starts_at - timedelta(days=1),
        starts_after=starts_at,
    )
    return due(user, cohort.round, "meeting_changed", f"meeting:{meeting.pk}:1", now)


def cohort_change(user, now) -> Reminder:
    cohort, author = led_cohort(user)
    other = CohortFactory(round=cohort.round, name=f"{COHORT} too")
    change = Change.objects.create(
        round=cohort.round,
        kind=Change.Kind.SWITCH,
        cohort=cohort,
        other_cohort=other,
        enrollment=author,
        reason=COMMENT,
    )
    return due(user, cohort.round, "cohort_change", f"change:{change.pk}", now)


def _switch(user, *, lead: bool, status: str) -> Switch:
    """A request by AUTHOR (or by `user`, when `lead` is false) to join a COHORT meeting."""
    if lead:
        cohort, author = led_cohort(user)
    else:
        cohort = CohortFactory(name=COHORT)
        author = EnrollmentFactory(round=cohort.round, user=user)
    home = CohortFactory(round=cohort.round, name=f"{COHORT} at home")
    Placement.objects.update_or_create(enrollment=author, defaults={"cohort": home})
    unit = UnitFactory(course=cohort.round.course, title=UNIT)
    starts_at = cohort.created_at + timedelta(days=30)
    meeting = Meeting.objects.create(
        cohort=cohort, unit=unit, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=90)
    )
    return Switch.objects.create(
        enrollment=author,
        from_cohort=home,
        to_cohort=cohort,
        meeting=meeting,
        reason=COMMENT,
        status=status,
    )


def switch_request(user, now) -> Reminder:
    switch = _switch(user, lead=True, status="pending")
    return due(user, switch.to_cohort.round, "switch_request", f"switch:{switch.pk}", now)


def switch_overdue(user, now) -> Reminder:
    switch = _switch(user, lead=True, status="pending")
    return due(user, switch.to_cohort.round, "switch_overdue", f"switch:{switch.pk}", now)


def switch_answered(user, now) -> Reminder:
    switch = _switch(user, lead=False, status="approved")
    return due(user, switch.to_cohort.round, "switch_answered", f"switch:{switch.pk}", now)


def cohort_placed(user, now) -> Reminder:
    cohort = CohortFactory(name=COHORT)
    unit = UnitFactory(course=cohort.round.course, title=UNIT)
    starts_at = now + timedelta(days=2)
    Meeting.objects.create(
        cohort=cohort, unit=unit, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=90)
    )
    placement = PlacementFactory(cohort=cohort, enrollment__user=user, enrollment__status="active")
    change = Change.objects.create(
        round=cohort.round, kind=Change.Kind.LATE, cohort=cohort, enrollment=placement.enrollment
    )
    return due(user, cohort.round, "cohort_placed", f"placed:{change.pk}", now)


def _graded(user, now, decision: str, status: str) -> Reminder:
    submission = SubmissionFactory(
        enrollment__user=user,
        exercise__title=EXERCISE,
        status=status,
        submitted_at=now - timedelta(hours=2),
    )
    revision = Revision.objects.create(submission=submission, number=1, answers={})
    feedback = Feedback.objects.create(
        submission=submission,
        revision=revision,
        decision=decision,
        comment=COMMENT,
        points=4,
        max_points=6,
    )
    kind = "work_returned" if decision == Feedback.Decision.RETURNED else "work_accepted"
    return due(user, submission.enrollment.round, kind, f"feedback:{feedback.pk}", now)


def work_returned(user, now) -> Reminder:
    return _graded(user, now, Feedback.Decision.RETURNED, Submission.Status.RETURNED)


def work_accepted(user, now) -> Reminder:
    return _graded(user, now, Feedback.Decision.ACCEPTED, Submission.Status.ACCEPTED)


def review_assigned(user, now) -> Reminder:
    reviewer = EnrollmentFactory(user=user)
    work = SubmissionFactory(
        enrollment__round=reviewer.round,
        exercise__title=EXERCISE,
        status=Submission.Status.SUBMITTED,
        submitted_at=now - timedelta(days=1),
    )
    assignment = ReviewAssignment.objects.create(
        reviewer=reviewer, submission=work, due_at=now + timedelta(hours=30)
    )
    return due(user, reviewer.round, "review_assigned", f"assigned:{assignment.pk}", now)


def reviews_released(user, now) -> Reminder:
    """Without peer review settings of its own, an exercise's reviews are readable once written."""
    work = SubmissionFactory(
        enrollment__user=user,
        exercise__title=EXERCISE,
        status=Submission.Status.SUBMITTED,
        submitted_at=now - timedelta(days=3),
    )
    reviewer = EnrollmentFactory(round=work.enrollment.round)
    ReviewAssignment.objects.create(
        reviewer=reviewer,
        submission=work,
        due_at=now,
        status=ReviewAssignment.Status.DONE,
        completed_at=now,
    )
    return due(user, work.enrollment.round, "reviews_released", f"released:{work.pk}", now)


def certificate_issued(user, now) -> Reminder:
    enrollment = EnrollmentFactory(
        user=user, round__course__title=COURSE, round__name=COHORT, status="completed"
    )
    certificate = Certificate.objects.create(enrollment=enrollment)
    return due(user, enrollment.round, "certificate_issued", f"certificate:{certificate.pk}", now)


def session_feedback(user, now) -> Reminder:
    cohort = CohortFactory(name=COHORT)
    unit = UnitFactory(course=cohort.round.course, title=UNIT)
    member = PlacementFactory(cohort=cohort, enrollment__user=user).enrollment
    ends_at = now - timedelta(hours=2)
    meeting = Meeting.objects.create(
        cohort=cohort, unit=unit, starts_at=ends_at - timedelta(minutes=90), ends_at=ends_at
    )
    Attendance.objects.create(meeting=meeting, enrollment=member, status="present")
    return due(user, cohort.round, "session_feedback", f"feedback:{meeting.pk}", now)


def _decided(outcome: str, status: str):
    def world(user, now) -> Reminder:
        enrollment = EnrollmentFactory(
            user=user, round__course__title=COURSE, round__name=COHORT, status=status
        )
        position = 3 if outcome == "waitlisted" else None
        decision = Decision.objects.create(
            enrollment=enrollment, outcome=outcome, waitlist_position=position
        )
        return due(user, enrollment.round, f"admission_{outcome}", f"decision:{decision.pk}", now)

    return world


def place_offered(user, now) -> Reminder:
    enrollment = EnrollmentFactory(
        user=user, round__course__title=COURSE, round__name=COHORT, status="offered"
    )
    gone = EnrollmentFactory(round=enrollment.round, status="left")
    vacancy = Vacancy.objects.create(round=enrollment.round, freed_by=gone)
    offer = Offer.objects.create(
        vacancy=vacancy, enrollment=enrollment, expires_at=now + timedelta(hours=72)
    )
    return due(user, enrollment.round, "place_offered", f"offer:{offer.pk}", now)


WORLDS = {
    "admission_accepted": _decided("accepted", "accepted"),
    "admission_waitlisted": _decided("waitlisted", "waitlisted"),
    "admission_declined": _decided("declined", "declined"),
    "place_offered": place_offered,
    "cohort_placed": cohort_placed,
    "switch_request": switch_request,
    "switch_overdue": switch_overdue,
    "switch_answered": switch_answered,
    "meeting_changed": meeting_changed,
    "cohort_change": cohort_change,
    "meeting_tomorrow": meeting_tomorrow,
    "attendance_missing": attendance_missing,
    "exercise_due": exercise_due,
    "revision_waiting": revision_waiting,
    "milestone_checkin": milestone_checkin,
    "grading_waiting": grading_waiting,
    "facilitator_digest": facilitator_digest,
    "reviews_due": reviews_due,
    "work_returned": work_returned,
    "work_accepted": work_accepted,
    "review_assigned": review_assigned,
    "reviews_released": reviews_released,
    "certificate_issued": certificate_issued,
    "session_feedback": session_feedback,
}
