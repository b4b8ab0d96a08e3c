"""Every page of the site, each with someone allowed to open it and the data it needs.

tests/test_headers.py checks the headers and the markup of each page, and
tests/browser/test_content_security_policy.py opens each in Chromium. The list
is checked against the URL resolver, so a new URL fails both until it is added
here, either as a page or to NOT_PAGES with the reason it is not one.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.mail import EmailMultiAlternatives, get_connection
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from apps.accounts.models import DataExport
from apps.admissions.models import AdmissionSettings, Decision, Offer, Review, Score, Vacancy
from apps.certificates.models import Certificate, CompletionRule
from apps.cohorts.models import Attendance, CalendarFeed, Change, Meeting, Switch
from apps.courses.models import Prompt
from apps.feedback.models import MeetingNote, ResourceRating, SessionRating
from apps.grouping.models import GroupingPreference, GroupingRun, GroupingSettings
from apps.reminders.emails import unsubscribe_token
from apps.reminders.models import Notification, Reminder, ReminderSetting, RoundReminderPause
from apps.reviews.models import PeerReviewSettings, ReviewAssignment
from apps.reviews.services import review_save, reviews_allocate
from apps.rounds.models import ApplicationAnswer, ApplicationQuestion, RoundUnit
from apps.submissions.models import Feedback, Milestone, Submission
from tests.factories import (
    CohortFactory,
    EnrollmentFactory,
    PlacementFactory,
    PromptFactory,
    ResourceFactory,
    UnitFactory,
    UserFactory,
)
from tests.grading import SUBMITTED_AT, build_course, place, submitted

# Plans are due a week after they were handed in; the pages are opened while the
# peer reviews of them are under way.
DUE = SUBMITTED_AT + timedelta(days=7)
DURING_REVIEWS = DUE + timedelta(hours=6)

# URL names that never answer a GET with an HTML page of their own.
NOT_PAGES = {
    "nesting_server_data": "JavaScript for django-nested-admin",
    "account_confirm_login_code": "login by code is switched off, so it redirects",
    "admin:login": "redirects to allauth's login page",
    "admin:logout": "POST only",
    "admin:jsi18n": "JavaScript",
    "admin:autocomplete": "JSON",
    "admin:view_on_site": "redirects to the object's own page",
    "courses:resource_done": "POST only; its htmx fragment is in POSTED_FRAGMENTS",
    "cohorts:calendar_reset": "POST only",
    "cohorts:switch_withdraw": "POST only",
    "cohorts:calendar_feed": "an iCalendar feed",
    "grouping:start": "POST only",
    "submissions:save": "POST only, answers JSON",
    "submissions:submit": "POST only",
    "submissions:preview": "POST only; its htmx fragment is in POSTED_FRAGMENTS",
    "certificates:claim": "POST only",
    "certificates:revoke": "POST only",
    "progress:cohort_csv": "a CSV download",
    "progress:round_csv": "a CSV download",
    "analytics:csv": "a CSV download",
    "plans:cohort_markdown": "a Markdown download",
    "plans:plan_markdown": "a Markdown download",
    "reviews:save": "POST only, answers JSON",
    "reviews:rate": "POST only",
    "reviews:add_review": "POST only; then the review page",
    "accounts:data_download": "a JSON download",
    "admissions:assign": "POST only",
}

# Pages still known to break the policy, each with what breaks it. The tests fail when
# one of them no longer does, so an entry cannot outlive its fix.
AWAITING_FIX: dict[str, str] = {}

# The admin's pages for one registered model, by the suffix of their URL name.
ADMIN_MODEL_PAGES = ("changelist", "add", "change", "history", "delete")


@dataclass
class Page:
    name: str  # the URL name
    url: str
    user: object = None  # who opens it; None for someone signed out
    status: int = 200
    data: dict = field(default_factory=dict)  # what a POST sends
    follow: bool = False  # the page is where this address redirects to

    def __str__(self):
        return f"{self.name} ({self.url})"


def url_names() -> set[str]:
    """The name of every URL the project answers, namespaced like `cohorts:detail`."""

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or ""
                yield from walk(
                    pattern.url_patterns, f"{namespace}{inner}:" if inner else namespace
                )
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield namespace + pattern.name

    return set(walk(get_resolver().url_patterns, ""))


@dataclass
class Site:
    """Who is who in the data that build_site makes."""

    staff: object
    facilitator: object
    participant: object
    outsider: object  # signed up, in no round
    without_password: object  # signed in through a reset link, say, never chose one
    pages: list[Page] = field(default_factory=list)
    posted_fragments: list[Page] = field(default_factory=list)


def build_site(*, outbox) -> Site:
    """A round under way, seen from every side. Call it at DURING_REVIEWS.

    `outbox` is the folder settings.EMAIL_FILE_PATH names; one email is put there.
    """
    course = build_course()
    round, cohort, exercise, unit = (
        course.round,
        course.cohort,
        course.exercise,
        course.exercise.unit,
    )
    resource = ResourceFactory(unit=unit)
    milestones = PromptFactory(
        exercise=exercise,
        position=3,
        slug="steps",
        text="Which steps?",
        answer=Prompt.Answer.MILESTONES,
    )
    RoundUnit.objects.create(round=round, unit=unit, week_starts_on=date(2027, 3, 1), due_at=DUE)
    PeerReviewSettings.objects.create(
        exercise=exercise, reviews_per_submission=2, disagreement_threshold=1
    )
    members = [place(course, display_name=f"Member {n}") for n in range(4)]
    submissions = [submitted(member, exercise) for member in members]
    participant = members[0]
    Milestone.objects.create(
        submission=submissions[0],
        prompt=milestones,
        position=1,
        title="Read three papers",
        target_date=date(2027, 3, 20),
    )
    reviews_allocate(round=round, exercise=exercise)
    assignments = ReviewAssignment.objects.filter(submission__enrollment__in=members)
    to_write = assignments.filter(reviewer=participant).first()
    criteria = course.criteria
    review_save(
        assignment=to_write,
        levels={str(c.pk): str(course.level(i, 3).pk) for i, c in enumerate(criteria)},
        comments=["Clear roles.", "Add dates."],
        base_version=1,
        submit=True,
    )
    # The same work's other reviewer scores it far lower, so the cohort's page flags it.
    second = assignments.filter(submission=to_write.submission).exclude(pk=to_write.pk).get()
    review_save(
        assignment=second,
        levels={str(c.pk): str(course.level(i, 1).pk) for i, c in enumerate(criteria)},
        comments=["Vague.", "Start again."],
        base_version=1,
        submit=True,
    )
    open_assignment = (
        assignments.exclude(pk__in=[to_write.pk, second.pk]).exclude(reviewer=participant).first()
    )
    # Graded work, for the admin's feedback pages; the participant's own stays waiting.
    graded = submissions[1]
    Submission.objects.filter(pk=graded.pk).update(status=Submission.Status.ACCEPTED)
    Feedback.objects.create(
        submission=graded,
        revision=graded.revisions.get(),
        grader=course.facilitator.user,
        decision=Submission.Status.ACCEPTED,
        comment="Well argued.",
    )

    meeting = Meeting.objects.create(
        cohort=cohort,
        unit=unit,
        starts_at=datetime(2027, 3, 9, 19, tzinfo=UTC),
        ends_at=datetime(2027, 3, 9, 20, 30, tzinfo=UTC),
    )
    Attendance.objects.create(meeting=meeting, enrollment=participant, status="present")
    SessionRating.objects.create(enrollment=participant, unit=unit, rating=4, comment="Lively.")
    ResourceRating.objects.create(
        enrollment=members[1], resource=resource, worth_it=False, note="Too *long*."
    )
    MeetingNote.objects.create(meeting=meeting, author=course.facilitator, text="Ask *Ann*.")
    CalendarFeed.objects.create(user=participant.user)
    CompletionRule.objects.create(round=round)
    certificate = Certificate.objects.create(enrollment=members[1])

    draft = CohortFactory(round=round, published_at=None, name="Draft cohort")
    newcomer = PlacementFactory(cohort=draft, enrollment__status="accepted").enrollment
    # A meeting still to come, moved once, for the meeting page and the history.
    later = Meeting.objects.create(
        cohort=cohort,
        unit=UnitFactory(course=round.course, number=2, title="Next steps"),
        starts_at=DURING_REVIEWS + timedelta(days=2),
        ends_at=DURING_REVIEWS + timedelta(days=2, minutes=90),
        sequence=1,
    )
    Change.objects.create(
        round=round,
        kind=Change.Kind.MOVE,
        cohort=cohort,
        meeting=later,
        actor=course.facilitator.user,
        reason="Away that evening",
        starts_before=later.starts_at - timedelta(days=1),
        starts_after=later.starts_at,
    )
    Switch.objects.create(
        enrollment=members[3], from_cohort=cohort, to_cohort=draft, status="declined"
    )
    # Another published cohort to switch to, with a request waiting for its facilitator.
    neighbours = CohortFactory(round=round, name="Neighbours", facilitators=[course.facilitator])
    waiting = Switch.objects.create(
        enrollment=members[2], from_cohort=cohort, to_cohort=neighbours, reason="New job"
    )
    GroupingRun.objects.create(round=round, status=GroupingRun.Status.RUNNING, progress=40)

    reminder = Reminder.objects.create(
        user=participant.user,
        round=round,
        kind="exercise_due",
        occasion=f"exercise-{exercise.pk}",
        due_at=DUE - timedelta(days=1),
    )
    Notification.objects.create(
        user=participant.user, reminder=reminder, title="Plan due tomorrow", body="Hand it in."
    )
    ReminderSetting.objects.create(round=round, kind="exercise_due")
    RoundReminderPause.objects.create(round=round)
    Group.objects.create(name="Course team")

    message = EmailMultiAlternatives("Welcome", "Hello.", to=[participant.user.email])
    message.attach_alternative("<p>Hello.</p>", "text/html")
    get_connection(
        "django.core.mail.backends.filebased.EmailBackend", file_path=str(outbox)
    ).send_messages([message])

    staff = UserFactory(is_staff=True, is_superuser=True, display_name="Sam Staff")
    outsider = UserFactory(display_name="Olu Outsider")
    without_password = UserFactory(display_name="Noor Nopassword")
    without_password.set_unusable_password()
    without_password.save()
    unverified = EmailAddress.objects.create(
        user=outsider, email="second@example.com", verified=False, primary=False
    )

    # Admissions: an application being scored, a waiting list and an offer of a freed place.
    rubric = course.criteria[0].rubric
    AdmissionSettings.objects.create(round=round, rubric=rubric, offer_hours=72)
    question = ApplicationQuestion.objects.create(
        round=round, position=1, text="Which track?", kind="choice", options="Technical\nPolicy"
    )
    applied = EnrollmentFactory(round=round, status="applied", user__display_name="Ada Applicant")
    ApplicationAnswer.objects.create(enrollment=applied, question=question, text="Policy")
    scored = Review.objects.create(enrollment=applied, reviewer=staff)
    Review.objects.create(enrollment=applied, reviewer=course.facilitator.user)
    Score.objects.create(review=scored, criterion=course.criteria[0], level=course.level(0, 2))
    gone = EnrollmentFactory(round=round, status="left", user__display_name="Gil Gone")
    Decision.objects.create(enrollment=gone, outcome="accepted", decided_by=staff)
    offered = EnrollmentFactory(round=round, status="offered", user__display_name="Otto Offered")
    Decision.objects.create(enrollment=offered, outcome="waitlisted", waitlist_position=1)
    Offer.objects.create(
        vacancy=Vacancy.objects.create(round=round, freed_by=gone),
        enrollment=offered,
        expires_at=DURING_REVIEWS + timedelta(hours=72),
    )

    me, lead = participant.user, course.facilitator.user
    site = Site(staff, lead, me, outsider, without_password)

    def add(name, *args, user=None, query="", follow=False):
        site.pages.append(Page(name, reverse(name, args=args) + query, user, follow=follow))

    # Signed out
    for name in (
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key_done",
        "account_inactive",
        "account_email_verification_sent",
    ):
        add(name)
    add("account_confirm_email", EmailConfirmationHMAC(unverified).key)
    key = default_token_generator.make_token(outsider)
    # allauth keeps the key in the session and shows the form at another address.
    add("account_reset_password_from_key", user_pk_to_url_str(outsider), key, follow=True)
    add("certificates:verify", certificate.code)
    add("reminders:unsubscribe", unsubscribe_token(me.pk, "exercise_due"))
    add("accounts:deleted")

    # Home, for each kind of visitor it has a section for
    add("home")
    add("home", user=me)
    add("home", user=lead)
    add("home", user=staff)

    # Anyone signed in
    for name in (
        "account_email",
        "account_change_password",
        "account_reauthenticate",
        "account_logout",
        "accounts:profile",
        "courses:list",
        "rounds:list",
        "reminders:preferences",
        "reminders:notifications",
    ):
        add(name, user=me)
    add("account_set_password", user=without_password)
    # A file of their data being built, so the page shows its progress and polls.
    DataExport.objects.create(user=me, status=DataExport.Status.BUILDING, progress=40)
    add("accounts:data", user=me)
    add("accounts:delete", user=me)
    add("rounds:apply", round.slug, user=outsider)

    # A participant
    add("courses:detail", round.course.slug, user=me)
    add("courses:unit", round.course.slug, unit.number, user=me)
    add("rounds:detail", round.slug, user=me)
    add("rounds:availability", round.slug, user=me)
    add("cohorts:mine", user=me)
    add("cohorts:switch", user=me)
    add("cohorts:leave", round.slug, user=me)
    add("submissions:list", user=me)
    add("submissions:answer", round.slug, exercise.pk, user=me)
    add("submissions:history", round.slug, exercise.pk, user=me)
    add("certificates:mine", user=me)
    add("plans:checkin", Milestone.objects.get().pk, user=me)
    add("reviews:todo", user=me)
    add("reviews:review", to_write.pk, user=me)
    add("reviews:received", user=me)
    add("feedback:rate_session", round.slug, unit.pk, user=me)
    add("feedback:rate_resource", round.slug, resource.pk, user=me)

    # Their facilitator
    add("cohorts:list", user=lead)
    add("cohorts:detail", cohort.pk, user=lead)
    add("cohorts:attendance", cohort.pk, meeting.pk, user=lead)
    add("cohorts:meeting", cohort.pk, later.pk, user=lead)
    add("cohorts:switch", user=me, query=f"?meeting={later.pk}")
    add("cohorts:switch_decide", waiting.pk, user=lead)
    add("cohorts:switch_requests", user=lead)
    add(
        "cohorts:meeting_check", cohort.pk, later.pk, user=lead, query="?starts_at=2027-04-01T18:00"
    )
    add("cohorts:move", cohort.pk, participant.pk, user=lead)
    add("cohorts:drop", cohort.pk, participant.pk, user=lead)
    add("grading:home", user=lead)
    add("grading:queue", cohort.pk, user=lead)
    add("grading:grade", submissions[0].pk, user=lead)
    add("progress:cohort", cohort.pk, user=lead)
    add("plans:cohort", cohort.pk, user=lead)
    add("reviews:cohort", cohort.pk, user=lead)
    add("reviews:hide", to_write.pk, user=lead)
    add("reviews:hand_over", open_assignment.pk, user=lead)
    add("feedback:cohort", cohort.pk, user=lead)
    add("feedback:meeting", cohort.pk, meeting.pk, user=lead)

    # Staff
    add("grouping:index", user=staff)
    add("grouping:round", round.slug, user=staff)
    add("grouping:run", round.slug, GroupingRun.objects.get().pk, user=staff)
    add("grouping:move", round.slug, newcomer.pk, user=staff)
    add("grouping:cohort", round.slug, draft.pk, user=staff)
    add("grouping:check", round.slug, draft.pk, user=staff, query="?kind=time")
    add("grouping:publish", round.slug, user=staff)
    add("grouping:late", round.slug, user=staff)
    GroupingSettings.objects.create(round=round, soft_tier=True)
    GroupingPreference.objects.create(enrollment=course.facilitator, preferred_size=6)
    add("grouping:preferences", round.slug, user=lead)
    add("progress:round", round.slug, user=staff)
    add("feedback:round", round.slug, user=staff)
    add("analytics:round", round.slug, user=staff)
    add("admissions:index", user=staff)
    add("admissions:round", round.slug, user=staff)
    add("admissions:reviews", round.slug, user=staff)
    add("admissions:application", round.slug, applied.pk, user=staff)
    add("admissions:place", round.slug, user=offered.user)
    add("demo:outbox", user=staff)
    site.pages.extend(_admin_pages(staff, round))

    # htmx swaps these answers to a POST into a page, under that page's policy.
    site.posted_fragments = [
        Page(
            "submissions:preview",
            reverse("submissions:preview", args=[round.slug, exercise.pk]),
            me,
            data={"preview": "why", "a.why": "Because *fit* matters."},
        ),
        Page("courses:resource_done", reverse("courses:resource_done", args=[resource.pk]), me),
        Page(
            "feedback:rate_session",
            reverse("feedback:rate_session", args=[round.slug, unit.pk]),
            me,
            data={"rating": "5", "comment": "Better than I thought."},
        ),
        Page(
            "feedback:rate_resource",
            reverse("feedback:rate_resource", args=[round.slug, resource.pk]),
            me,
            data={f"resource-{resource.pk}-worth_it": "maybe"},
        ),
    ]
    return site


def _admin_pages(staff, round) -> list[Page]:
    pages = [
        Page("admin:index", reverse("admin:index"), staff),
        Page("admin:password_change", reverse("admin:password_change"), staff),
        Page("admin:password_change_done", reverse("admin:password_change_done"), staff),
        # UserAdmin's own page for setting someone's password.
        Page(
            "admin:auth_user_password_change",
            reverse("admin:auth_user_password_change", args=[staff.pk]),
            staff,
        ),
        Page(
            "admin:rounds_round_import",
            reverse("admin:rounds_round_import", args=[round.pk]),
            staff,
        ),
    ]
    for app_label in sorted({model._meta.app_label for model in admin.site._registry}):
        pages.append(Page("admin:app_list", reverse("admin:app_list", args=[app_label]), staff))
    request = RequestFactory().get(reverse("admin:index"))
    request.user = staff
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"build_site makes no {opts.label}, so its admin pages go unchecked"
        # Read-only admins refuse to add or delete, and say so with a page too (403).
        may = {
            "add": model_admin.has_add_permission(request),
            "delete": model_admin.has_delete_permission(request, obj),
        }
        for page in ADMIN_MODEL_PAGES:
            name = f"admin:{opts.app_label}_{opts.model_name}_{page}"
            args = [] if page in ("changelist", "add") else [obj.pk]
            status = 200 if may.get(page, True) else 403
            pages.append(Page(name, reverse(name, args=args), staff, status))
    return pages
