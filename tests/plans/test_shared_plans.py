import pytest
from django.urls import reverse

from apps.courses.models import Exercise, Prompt
from apps.submissions.models import Revision, Submission
from tests.factories import (
    PASSWORD,
    CohortFactory,
    ExerciseFactory,
    FacilitatorEnrollmentFactory,
    PlacementFactory,
    PromptFactory,
    SubmissionFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def submit_plan(placement, exercise, answers, number=1):
    submission = SubmissionFactory(
        enrollment=placement.enrollment,
        exercise=exercise,
        status=Submission.Status.SUBMITTED,
        answers=answers,
        submitted_at="2027-03-01T10:00Z",
        first_submitted_at="2027-03-01T10:00Z",
    )
    Revision.objects.create(submission=submission, number=number, answers=answers)
    return submission


@pytest.fixture
def cohort_with_plans():
    facilitator = FacilitatorEnrollmentFactory()
    cohort = CohortFactory(round=facilitator.round, facilitators=[facilitator])
    unit = UnitFactory(course=cohort.round.course)
    plan = ExerciseFactory(unit=unit, kind=Exercise.Kind.PROJECT_PLAN, title="Project plan")
    PromptFactory(exercise=plan, slug="deliverable", text="What will you deliver?")
    PromptFactory(exercise=plan, slug="milestones", text="Milestones",
                  answer=Prompt.Answer.MILESTONES)  # fmt: skip
    author, reader = PlacementFactory(cohort=cohort), PlacementFactory(cohort=cohort)
    submit_plan(
        author,
        plan,
        {
            "deliverable": "A **replication** of a paper",
            "milestones": [{"title": "Read the paper", "date": "2027-04-01"}],
        },
    )
    return cohort, facilitator, author, reader, plan


def login(client, user):
    client.login(email=user.email, password=PASSWORD)


def test_cohort_members_read_each_others_submitted_plans(client, cohort_with_plans):
    cohort, _, author, reader, _ = cohort_with_plans
    login(client, reader.enrollment.user)

    html = client.get(reverse("plans:cohort", args=[cohort.pk])).content.decode()

    assert author.enrollment.user.name in html
    assert "<strong>replication</strong>" in html
    assert "Read the paper" in html and "2027-04-01" in html


def test_drafts_are_not_shared_and_the_submitted_revision_is_shown(client, cohort_with_plans):
    cohort, _, author, reader, plan = cohort_with_plans
    submission = Submission.objects.get(enrollment=author.enrollment)
    submission.answers = {"deliverable": "An unsubmitted rewrite"}
    submission.save()
    SubmissionFactory(enrollment=reader.enrollment, exercise=plan, answers={"deliverable": "Draft"})
    login(client, reader.enrollment.user)

    html = client.get(reverse("plans:cohort", args=[cohort.pk])).content.decode()

    assert "unsubmitted rewrite" not in html and ">Draft<" not in html
    assert "replication" in html


@pytest.mark.parametrize("who", ["outsider", "other_cohort_member", "other_facilitator"])
def test_people_outside_the_cohort_get_404(client, cohort_with_plans, who):
    cohort, *_ = cohort_with_plans
    if who == "outsider":
        user = UserFactory()
    elif who == "other_cohort_member":
        user = PlacementFactory(cohort=CohortFactory(round=cohort.round)).enrollment.user
    else:
        other = FacilitatorEnrollmentFactory(round=cohort.round)
        CohortFactory(round=cohort.round, facilitators=[other])
        user = other.user
    login(client, user)

    for name in ("plans:cohort", "plans:cohort_markdown"):
        assert client.get(reverse(name, args=[cohort.pk])).status_code == 404


def test_when_the_course_keeps_plans_private_only_facilitators_read_them(client, cohort_with_plans):
    cohort, facilitator, _, reader, _ = cohort_with_plans
    cohort.round.course.share_plans = False
    cohort.round.course.save()

    login(client, reader.enrollment.user)
    assert client.get(reverse("plans:cohort", args=[cohort.pk])).status_code == 404
    login(client, facilitator.user)
    assert client.get(reverse("plans:cohort", args=[cohort.pk])).status_code == 200


def test_members_of_a_draft_cohort_see_nothing_yet(client, cohort_with_plans):
    cohort, _, _, reader, _ = cohort_with_plans
    cohort.published_at = None
    cohort.save()
    login(client, reader.enrollment.user)
    assert client.get(reverse("plans:cohort", args=[cohort.pk])).status_code == 404


def test_a_plan_downloads_as_markdown(client, cohort_with_plans):
    cohort, _, author, reader, _ = cohort_with_plans
    submission = Submission.objects.get(enrollment=author.enrollment)
    login(client, reader.enrollment.user)

    response = client.get(reverse("plans:plan_markdown", args=[cohort.pk, submission.pk]))

    text = response.content.decode()
    assert response["Content-Type"].startswith("text/markdown")
    assert "attachment" in response["Content-Disposition"]
    assert text.startswith(f"# Project plan: {author.enrollment.user.name}")
    assert "## What will you deliver?\n\nA **replication** of a paper" in text
    assert "- Read the paper (by 2027-04-01)" in text


def test_a_plan_of_another_cohort_is_not_reachable_through_ones_own(client, cohort_with_plans):
    cohort, _, _, reader, plan = cohort_with_plans
    stranger = PlacementFactory(cohort=CohortFactory(round=cohort.round))
    theirs = submit_plan(stranger, plan, {"deliverable": "Secret"})
    login(client, reader.enrollment.user)

    url = reverse("plans:plan_markdown", args=[cohort.pk, theirs.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("members", [3, 12])
def test_the_plans_page_keeps_its_query_count(
    client, cohort_with_plans, django_assert_max_num_queries, members
):
    cohort, _, _, reader, plan = cohort_with_plans
    for _ in range(members):
        submit_plan(PlacementFactory(cohort=cohort), plan, {"deliverable": "Something"})
    login(client, reader.enrollment.user)

    with django_assert_max_num_queries(9):
        assert client.get(reverse("plans:cohort", args=[cohort.pk])).status_code == 200


def test_milestone_check_ins_show_beside_the_plan(client, cohort_with_plans):
    cohort, _, author, reader, _ = cohort_with_plans
    submission = Submission.objects.get(enrollment=author.enrollment)
    milestone = submission.milestones.create(
        prompt=submission.exercise.prompts.get(slug="milestones"),
        position=1,
        title="Read the paper",
        target_date="2027-04-01",
    )
    login(client, author.enrollment.user)
    client.post(
        reverse("plans:checkin", args=[milestone.pk]),
        {"outcome": "partly", "note": "Halfway through"},
    )

    login(client, reader.enrollment.user)
    html = client.get(reverse("plans:cohort", args=[cohort.pk])).content.decode()
    assert "Partly done" in html and "Halfway through" in html
    assert client.get(reverse("plans:checkin", args=[milestone.pk])).status_code == 404
