"""Test data builders, one per model, with sensible defaults."""

from datetime import date, time, timedelta

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from apps.accounts.models import User
from apps.cohorts.models import Cohort, Placement
from apps.courses.models import (
    Course,
    Criterion,
    Exercise,
    Level,
    Prompt,
    Resource,
    ResourceCompletion,
    Rubric,
    Unit,
)
from apps.rounds.models import Enrollment, Round
from apps.submissions.models import Submission

PASSWORD = "correct horse battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    display_name = factory.Faker("name")
    time_zone = "Europe/London"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        user.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    slug = factory.Sequence(lambda n: f"course-{n}")
    title = factory.Sequence(lambda n: f"Course {n}")
    summary = "A course about *things*."


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    course = factory.SubFactory(CourseFactory)
    number = factory.Sequence(lambda n: n + 1)
    slug = factory.Sequence(lambda n: f"unit-{n}")
    title = factory.Sequence(lambda n: f"Unit {n}")


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    unit = factory.SubFactory(UnitFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Reading {n}")
    authors = "A. Author"
    year = 2024
    url = factory.Sequence(lambda n: f"https://example.com/reading-{n}")
    minutes = 10
    note = "Why it **matters**."


class RubricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rubric

    course = factory.SubFactory(CourseFactory)
    slug = factory.Sequence(lambda n: f"rubric-{n}")
    title = "Plan quality"


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    rubric = factory.SubFactory(RubricFactory)
    position = factory.Sequence(lambda n: n + 1)
    slug = factory.Sequence(lambda n: f"criterion-{n}")
    title = "Specific"


class LevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Level

    criterion = factory.SubFactory(CriterionFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = "Good"
    points = 2


class ExerciseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exercise

    unit = factory.SubFactory(UnitFactory)
    position = factory.Sequence(lambda n: n + 1)
    slug = factory.Sequence(lambda n: f"exercise-{n}")
    title = "Plan your career"
    kind = Exercise.Kind.CAREER_PLAN
    instructions = "Think it through."


class PromptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prompt

    exercise = factory.SubFactory(ExerciseFactory)
    position = factory.Sequence(lambda n: n + 1)
    slug = factory.Sequence(lambda n: f"prompt-{n}")
    text = "What roles could you have?"


class ResourceCompletionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResourceCompletion

    user = factory.SubFactory(UserFactory)
    resource = factory.SubFactory(ResourceFactory)


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round

    course = factory.SubFactory(CourseFactory)
    name = factory.Sequence(lambda n: f"Round {n}")
    slug = factory.Sequence(lambda n: f"round-{n}")
    applications_open_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))
    applications_close_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    starts_on = date(2027, 3, 1)  # a Monday; London changes to summer time four weeks in
    meeting_minutes = 90
    cohort_min_size = 2
    cohort_target_size = 3
    cohort_max_size = 4


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    round = factory.SubFactory(RoundFactory)
    user = factory.SubFactory(UserFactory)
    role = Enrollment.Role.PARTICIPANT
    status = Enrollment.Status.ACCEPTED
    motivation = "I want to help."


class FacilitatorEnrollmentFactory(EnrollmentFactory):
    role = Enrollment.Role.FACILITATOR
    max_cohorts = 2


class CohortFactory(factory.django.DjangoModelFactory):
    """A published cohort meeting Tuesdays 19:00 London time."""

    class Meta:
        model = Cohort
        skip_postgeneration_save = True

    round = factory.SubFactory(RoundFactory)
    name = factory.Sequence(lambda n: f"Cohort {n}")
    slot_start = 1 * 1440 + 19 * 60
    time_zone = "Europe/London"
    weekday = 1
    local_time = time(19)
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def facilitators(cohort, create, extracted, **kwargs):
        if create and extracted:
            cohort.facilitators.set(extracted)


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Placement

    cohort = factory.SubFactory(CohortFactory)
    enrollment = factory.SubFactory(
        EnrollmentFactory, round=factory.SelfAttribute("..cohort.round")
    )


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission

    enrollment = factory.SubFactory(EnrollmentFactory)
    exercise = factory.SubFactory(
        ExerciseFactory, unit__course=factory.SelfAttribute("...enrollment.round.course")
    )
