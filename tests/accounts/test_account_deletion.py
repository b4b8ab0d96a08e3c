"""Deleting your account: nothing of you stays readable, and everyone's records still add up."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.db import models
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import DELETED_NAME, DataExport, User
from apps.accounts.services import account_delete
from apps.cohorts.models import Attendance, CalendarFeed, Cohort
from apps.reminders.models import Notification, Preference, Reminder
from apps.reminders.services import reminders_plan
from apps.reviews.models import Review
from apps.reviews.selectors.received import received_reviews
from apps.submissions.models import CriterionScore, Feedback, Submission
from tests.accounts import history as h
from tests.factories import PASSWORD, UserFactory
from tests.grading import login
from tests.test_headers import inline_code

pytestmark = pytest.mark.django_db

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def readable_anywhere(word: str) -> list[str]:
    """Every model and text column in the project where `word` can still be read."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if isinstance(field, TEXT_FIELDS):
                rows = model._default_manager.annotate(
                    as_text=Cast(field.name, models.TextField())
                ).filter(as_text__icontains=word)
                if rows.exists():
                    found.append(f"{model._meta.label}.{field.name}")
    return found


def test_afterwards_nothing_the_person_wrote_or_was_called_is_readable_anywhere():
    history = h.build_history()
    assert readable_anywhere(h.MOTIVATION) == ["rounds.Enrollment.motivation"]  # the scan works
    assert all(readable_anywhere(word) for word in h.PERSONAL_WORDS)

    account_delete(user=history.user)

    assert {word: readable_anywhere(word) for word in h.PERSONAL_WORDS} == {
        word: [] for word in h.PERSONAL_WORDS
    }


def test_the_account_stays_as_a_deleted_account_nobody_can_log_in_to(client):
    history = h.build_history()
    user = history.user

    account_delete(user=user)

    user = User.objects.get(pk=user.pk)
    assert user.name == str(user) == DELETED_NAME
    assert user.email == f"deleted-{user.pk}@deleted.invalid"
    assert (user.display_name, user.time_zone, user.last_login) == ("", "UTC", None)
    assert not user.is_active and not user.has_usable_password()
    assert user.deleted_at is not None
    assert not EmailAddress.objects.filter(user=user).exists()
    assert not client.login(email=h.EMAIL, password=PASSWORD)
    response = client.post(reverse("account_login"), {"login": h.EMAIL, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


def test_every_session_the_person_had_is_ended(client):
    history = h.build_history()
    login(client, history.user)
    assert client.get(reverse("accounts:profile")).status_code == 200

    account_delete(user=history.user)

    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_cohorts_attendance_grades_and_other_peoples_reviews_still_add_up():
    history = h.build_history()
    other = history.other.user

    def records():
        work = Submission.objects.filter(enrollment=history.person)
        return {
            "members": list(Cohort.objects.with_member_count().values_list("pk", "member_count")),
            "attendance": list(
                Attendance.objects.filter(meeting=history.meeting).values_list("status", flat=True)
            ),
            "work": list(work.values_list("status", "submitted_at", "is_late")),
            "revisions": [s.revisions.count() for s in work],
            "grades": list(Feedback.objects.filter(submission__in=work).values_list("points")),
            "scores": CriterionScore.objects.filter(feedback__submission__in=work).count(),
            "reviews_received_by_other": [
                (shown.number, shown.review.comments, shown.review.helpfulness)
                for item in received_reviews(user=other, now=timezone.now())
                for shown in item.shown
            ],
        }

    before = records()
    account_delete(user=history.user)

    assert records() == before
    assert before["reviews_received_by_other"] == [(1, [h.REVIEW_WRITTEN], 5)]


def test_named_reviews_the_person_wrote_are_signed_a_deleted_account(client):
    history = h.build_history(anonymous_reviews=False)

    account_delete(user=history.user)

    page = login(client, history.other.user).get(reverse("reviews:received")).content.decode()
    assert h.REVIEW_WRITTEN in page
    assert DELETED_NAME in page
    assert h.NAME not in page


def test_drafts_and_rating_notes_go_but_ratings_stay():
    history = h.build_history()

    account_delete(user=history.user)

    draft = Review.objects.get(assignment__reviewer=history.person, submitted_at__isnull=True)
    assert (draft.levels, draft.comments) == ({}, [])
    rated = Review.objects.get(assignment__submission__enrollment=history.person)
    assert (rated.helpfulness, rated.helpfulness_note) == (4, "")


def test_reminders_stop_and_what_was_sent_stays_as_the_rounds_record():
    history = h.build_history()

    account_delete(user=history.user)

    mine = Reminder.objects.filter(user=history.user)
    assert not mine.filter(status__in=["pending", "sending"]).exists()
    history.pending.refresh_from_db()
    assert (history.pending.status, history.pending.skip_reason) == (
        "skipped",
        "the account was deleted",
    )
    assert list(mine.filter(status="sent").values_list("kind", flat=True)) == ["exercise_due"]
    assert not Notification.objects.filter(user=history.user).exists()
    assert not Preference.objects.filter(user=history.user).exists()
    assert not CalendarFeed.objects.filter(user=history.user).exists()
    # The facilitator keeps their notification, which no longer names the person.
    [told] = Notification.objects.filter(user=history.facilitator)
    assert told.title == f"{DELETED_NAME} submitted a plan"


def test_no_new_reminders_are_planned_for_a_deleted_account():
    history = h.build_history()
    history.meeting.starts_at = timezone.now() + timedelta(hours=30)
    history.meeting.ends_at = history.meeting.starts_at + timedelta(hours=1)
    history.meeting.save()
    Reminder.objects.filter(user=history.user).delete()

    account_delete(user=history.user)
    reminders_plan()

    assert not Reminder.objects.filter(user=history.user).exists()
    assert Reminder.objects.filter(user=history.other.user).exists()


def test_the_certificate_page_says_it_no_longer_verifies(client):
    history = h.build_history()
    address = history.certificate.get_absolute_url()
    assert h.NAME in client.get(address).content.decode()

    account_delete(user=history.user)

    page = client.get(address).content.decode()
    assert "This certificate belonged to a deleted account" in page
    assert "no longer verifies" in page
    assert "Valid certificate" not in page
    assert h.NAME not in page
    history.certificate.refresh_from_db()
    assert not history.certificate.is_valid


def test_feedback_from_a_grader_who_deleted_their_account_says_a_deleted_account(client):
    history = h.build_history()
    facilitator = history.facilitator

    account_delete(user=facilitator)

    work = Submission.objects.get(enrollment=history.person, status="accepted")
    page = (
        login(client, history.user)
        .get(reverse("submissions:answer", args=[history.course.round.slug, work.exercise_id]))
        .content.decode()
    )
    assert f"From {DELETED_NAME}" in page
    assert h.FEEDBACK in page  # the facilitator's words on someone else's work stay


def test_deleting_twice_changes_nothing_more():
    history = h.build_history()
    account_delete(user=history.user)
    deleted_at = User.objects.get(pk=history.user.pk).deleted_at

    account_delete(user=User.objects.get(pk=history.user.pk))

    assert User.objects.get(pk=history.user.pk).deleted_at == deleted_at


def test_exports_of_the_person_are_deleted_with_the_account(participant):
    DataExport.objects.create(user=participant, status="ready", content='{"mine": 1}')

    account_delete(user=participant)

    assert not DataExport.objects.exists()


# The page ---------------------------------------------------------------------------------


def test_the_delete_page_needs_a_login(client):
    response = client.get(reverse("accounts:delete"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_page_says_what_goes_and_what_stays(participant_client):
    page = participant_client.get(reverse("accounts:delete")).content.decode()

    assert "What is removed" in page
    assert "What stays, as “a deleted account”" in page
    assert 'type="password"' in page


def test_deleting_with_the_password_logs_out_and_says_so(participant_client, participant):
    response = participant_client.post(
        reverse("accounts:delete"), {"password": PASSWORD}, follow=True
    )

    assert response.redirect_chain[-1][0] == reverse("accounts:deleted")
    assert "Your account is deleted" in response.content.decode()
    assert "_auth_user_id" not in participant_client.session
    assert User.objects.get(pk=participant.pk).is_deleted


def test_a_wrong_password_deletes_nothing_and_says_why(participant_client, participant):
    response = participant_client.post(reverse("accounts:delete"), {"password": "nope"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert '<a href="#id_password">That is not your password.</a>' in page
    assert not User.objects.get(pk=participant.pk).is_deleted


def test_guessing_the_password_is_limited(participant_client, participant):
    for _ in range(10):
        participant_client.post(reverse("accounts:delete"), {"password": "nope"})

    response = participant_client.post(reverse("accounts:delete"), {"password": PASSWORD})

    assert "tried too often" in response.content.decode()
    assert not User.objects.get(pk=participant.pk).is_deleted


def test_an_account_without_a_password_confirms_by_typing_its_address(client):
    person = UserFactory(email="nopass@example.com")
    person.set_unusable_password()
    person.save()
    client.force_login(person)

    assert 'type="password"' not in client.get(reverse("accounts:delete")).content.decode()
    wrong = client.post(reverse("accounts:delete"), {"email": "someone@example.com"})
    assert "Type the address exactly: nopass@example.com." in wrong.content.decode()
    assert 'value="someone@example.com"' in wrong.content.decode()
    client.post(reverse("accounts:delete"), {"email": " NOPASS@example.com "})
    assert User.objects.get(pk=person.pk).is_deleted


def test_the_delete_page_costs_a_fixed_number_of_queries(
    participant_client, django_assert_num_queries
):
    # The session, the person, the navigation's badge and roles.
    with django_assert_num_queries(4):
        participant_client.get(reverse("accounts:delete"))


# The admin --------------------------------------------------------------------------------


def changelist_action(client, action, *people, follow=False, **extra):
    return client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": action, "_selected_action": [p.pk for p in people], **extra},
        follow=follow,
    )


def test_staff_download_a_persons_data_through_the_admin(staff_client):
    history = h.build_history()

    response = changelist_action(staff_client, "download_personal_data", history.user)

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert h.MOTIVATION in response.content.decode()


def test_the_admin_downloads_one_person_at_a_time(staff_client, participant):
    response = changelist_action(
        staff_client, "download_personal_data", participant, UserFactory(), follow=True
    )

    assert "Choose one person at a time" in response.content.decode()


def test_staff_delete_accounts_through_the_admin_after_confirming(staff_client, staff):
    history = h.build_history()

    asked = changelist_action(staff_client, "delete_accounts", history.user, staff)
    assert asked.status_code == 200
    page = asked.content.decode()
    assert h.EMAIL in page and "Your own account is not in the list" in page
    assert inline_code(page) == []
    assert not User.objects.get(pk=history.user.pk).is_deleted

    changelist_action(staff_client, "delete_accounts", history.user, staff, confirmed="yes")

    assert User.objects.get(pk=history.user.pk).is_deleted
    assert not User.objects.get(pk=staff.pk).is_deleted
    assert readable_anywhere(h.MOTIVATION) == []


def test_staff_without_permission_to_delete_users_cannot_delete_accounts(client):
    clerk = UserFactory(is_staff=True)
    person = UserFactory()
    client.force_login(clerk)

    changelist_action(client, "delete_accounts", person, confirmed="yes")

    assert not User.objects.get(pk=person.pk).is_deleted


def test_a_participant_cannot_use_the_admin_actions(participant_client):
    person = UserFactory()

    response = changelist_action(participant_client, "download_personal_data", person)

    assert response.status_code == 302
    assert "json" not in response.get("Content-Type", "")


def test_the_old_address_can_sign_up_again_as_a_new_person(client):
    history = h.build_history()
    account_delete(user=history.user)

    client.post(
        reverse("account_signup"),
        {
            "email": h.EMAIL,
            "password1": "a long enough passphrase",
            "password2": "a long enough passphrase",
            "time_zone": "UTC",
        },
    )

    newcomer = User.objects.get(email=h.EMAIL)
    assert newcomer.pk != history.user.pk
    assert not newcomer.enrollments.exists()


def test_the_admins_own_delete_erases_the_person_but_keeps_their_records(staff_client):
    history = h.build_history()
    user = history.user
    url = reverse("admin:accounts_user_delete", args=[user.pk])

    asked = staff_client.get(url).content.decode()
    staff_client.post(url, {"post": "yes"})

    assert "personal data erased, records kept" in asked
    assert User.objects.get(pk=user.pk).is_deleted
    assert Submission.objects.filter(enrollment__user=user).exists()
    changelist = reverse("admin:accounts_user_changelist")
    assert 'value="delete_selected"' not in staff_client.get(changelist).content.decode()


def test_staff_cannot_delete_their_own_account_in_the_admin(staff_client, staff):
    url = reverse("admin:accounts_user_delete", args=[staff.pk])

    assert staff_client.get(url).status_code == 403
    assert staff_client.post(url, {"post": "yes"}).status_code == 403

    assert not User.objects.get(pk=staff.pk).is_deleted
