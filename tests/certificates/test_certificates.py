import pytest
from django.urls import reverse

from apps.certificates.models import Certificate, CompletionRule
from apps.certificates.selectors import completion_for
from apps.certificates.services import CertificateError, certificate_issue
from apps.cohorts.models import Attendance, Meeting
from apps.courses.models import Exercise
from apps.rounds.models import Enrollment
from apps.submissions.models import Submission
from tests.factories import (
    PASSWORD,
    CohortFactory,
    ExerciseFactory,
    FacilitatorEnrollmentFactory,
    PlacementFactory,
    SubmissionFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    """A participant in a cohort of a round whose course has a free response and a project plan."""
    facilitator = FacilitatorEnrollmentFactory()
    cohort = CohortFactory(round=facilitator.round, facilitators=[facilitator])
    placement = PlacementFactory(cohort=cohort)
    unit = UnitFactory(course=cohort.round.course)
    essay = ExerciseFactory(unit=unit, kind=Exercise.Kind.FREE_RESPONSE)
    plan = ExerciseFactory(unit=unit, kind=Exercise.Kind.PROJECT_PLAN)
    return placement.enrollment, facilitator, essay, plan


def complete(enrollment, essay, plan):
    SubmissionFactory(enrollment=enrollment, exercise=essay, status="submitted",
                      submitted_at="2027-03-01T10:00Z")  # fmt: skip
    SubmissionFactory(enrollment=enrollment, exercise=plan, status="accepted",
                      submitted_at="2027-03-01T10:00Z")  # fmt: skip


def test_completion_lists_what_is_left(setting):
    enrollment, _, essay, plan = setting
    SubmissionFactory(enrollment=enrollment, exercise=plan, status="submitted",
                      submitted_at="2027-03-01T10:00Z")  # fmt: skip

    completion = completion_for(enrollment)

    assert not completion.is_complete
    details = {r.label: (r.is_met, r.detail) for r in completion.requirements}
    assert details["Submit every exercise"][0] is False
    assert essay.title in details["Submit every exercise"][1]
    assert details["Have your project plan accepted"] == (False, "Not accepted yet")


def test_attendance_counts_towards_completion_when_the_round_asks_for_it(setting):
    enrollment, _, essay, plan = setting
    complete(enrollment, essay, plan)
    CompletionRule.objects.create(round=enrollment.round, min_meetings_attended=1)
    assert not completion_for(enrollment).is_complete

    meeting = Meeting.objects.create(
        cohort=enrollment.placement.cohort, unit=essay.unit,
        starts_at="2027-03-02T19:00Z", ends_at="2027-03-02T20:30Z",
    )  # fmt: skip
    Attendance.objects.create(meeting=meeting, enrollment=enrollment, status="present")

    assert completion_for(enrollment).is_complete


def test_a_certificate_is_issued_once_and_only_when_complete(setting):
    enrollment, _, essay, plan = setting
    with pytest.raises(CertificateError, match="not complete"):
        certificate_issue(enrollment=enrollment)

    complete(enrollment, essay, plan)
    first = certificate_issue(enrollment=enrollment)
    second = certificate_issue(enrollment=enrollment)

    assert first == second and Certificate.objects.count() == 1
    assert len(first.code) >= 20
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED


def test_the_participant_claims_and_anyone_can_verify_without_logging_in(client, setting):
    enrollment, _, essay, plan = setting
    complete(enrollment, essay, plan)
    client.login(email=enrollment.user.email, password=PASSWORD)
    assert "Get my certificate" in client.get(reverse("certificates:mine")).content.decode()

    response = client.post(reverse("certificates:claim", args=[enrollment.pk]))
    certificate = Certificate.objects.get()
    assert response.url == certificate.get_absolute_url()

    client.logout()
    page = client.get(certificate.get_absolute_url()).content.decode()
    assert "Valid certificate" in page and enrollment.user.name in page
    assert client.get(reverse("certificates:verify", args=["guessed-code"])).status_code == 404


def test_nobody_claims_another_persons_certificate(client, setting):
    enrollment, _, essay, plan = setting
    complete(enrollment, essay, plan)
    other = UserFactory()
    client.login(email=other.email, password=PASSWORD)

    assert client.post(reverse("certificates:claim", args=[enrollment.pk])).status_code == 404
    assert not Certificate.objects.exists()


def test_the_cohorts_facilitator_can_revoke_and_the_page_then_says_so(client, setting):
    enrollment, facilitator, essay, plan = setting
    complete(enrollment, essay, plan)
    certificate = certificate_issue(enrollment=enrollment)
    client.login(email=facilitator.user.email, password=PASSWORD)
    assert "Revoke certificate" in client.get(certificate.get_absolute_url()).content.decode()

    client.post(reverse("certificates:revoke", args=[certificate.code]), {"reason": "Plagiarism"})

    certificate.refresh_from_db()
    assert not certificate.is_valid and certificate.revoke_reason == "Plagiarism"
    assert "has been revoked" in client.get(certificate.get_absolute_url()).content.decode()


def test_a_facilitator_of_another_cohort_cannot_revoke(client, setting):
    enrollment, _, essay, plan = setting
    complete(enrollment, essay, plan)
    certificate = certificate_issue(enrollment=enrollment)
    outsider = FacilitatorEnrollmentFactory(round=enrollment.round)
    CohortFactory(round=enrollment.round, facilitators=[outsider])
    client.login(email=outsider.user.email, password=PASSWORD)

    assert "Revoke certificate" not in client.get(certificate.get_absolute_url()).content.decode()
    response = client.post(reverse("certificates:revoke", args=[certificate.code]), {"reason": "x"})

    assert response.status_code == 404
    certificate.refresh_from_db()
    assert certificate.is_valid


def test_revoking_needs_a_reason(client, setting, staff):
    enrollment, _, essay, plan = setting
    complete(enrollment, essay, plan)
    certificate = certificate_issue(enrollment=enrollment)
    client.login(email=staff.email, password=PASSWORD)

    client.post(reverse("certificates:revoke", args=[certificate.code]), {"reason": "  "})

    certificate.refresh_from_db()
    assert certificate.is_valid


def test_the_completion_page_keeps_its_query_count_as_work_grows(
    client, setting, django_assert_max_num_queries
):
    enrollment, _, essay, plan = setting
    for _ in range(20):
        exercise = ExerciseFactory(unit=essay.unit)
        SubmissionFactory(
            enrollment=enrollment,
            exercise=exercise,
            status=Submission.Status.SUBMITTED,
            submitted_at="2027-03-01T10:00Z",
        )
    client.login(email=enrollment.user.email, password=PASSWORD)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("certificates:mine")).status_code == 200


def test_anonymous_visitors_are_sent_to_log_in_for_their_completion_page(client):
    response = client.get(reverse("certificates:mine"))
    assert response.status_code == 302 and "/accounts/login/" in response.url
