"""Downloading your own data: what the file holds, who may have it, and large files built later."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.accounts import personal_data, selectors
from apps.accounts.models import DataExport
from apps.accounts.tasks import build_data_export
from apps.reviews.models import PeerReviewSettings
from tests.accounts import history as h
from tests.factories import UserFactory
from tests.grading import login, submitted

pytestmark = pytest.mark.django_db


def export_of(user) -> dict:
    return json.loads(selectors.personal_data_json(user=user))


def test_every_model_that_points_at_a_person_is_covered_by_a_section():
    """A model that keeps something about a person, directly or through one of their rows
    (an enrollment, a submission...), must be exported and erased by some section."""
    about_people = {get_user_model()}
    grew = True
    while grew:
        grew = False
        for model in apps.get_models(include_auto_created=True):
            if model not in about_people and any(
                field.is_relation and field.related_model in about_people
                for field in model._meta.concrete_fields
            ):
                about_people.add(model)
                grew = True
    covered = {model for section in personal_data.sections() for model in section.models}

    missing = sorted(model._meta.label for model in about_people - covered)
    assert missing == [], "add these to a section in the app's personal_data.py"


def test_the_export_holds_each_section_of_a_full_history():
    history = h.build_history()

    data = export_of(history.user)

    assert list(data)[2:] == [section.key for section in personal_data.sections()]
    assert data["account"]["email"] == h.EMAIL
    assert data["account"]["name"] == h.NAME
    assert data["account"]["email_addresses"] == [
        {"email": h.EMAIL, "verified": True, "primary": True}
    ]
    assert len(data["readings_done"]) == 1
    [enrollment] = data["rounds"]
    assert enrollment["motivation"] == h.MOTIVATION
    assert enrollment["availability"]["entered_in_time_zone"] == "Europe/London"
    assert enrollment["availability"]["weekly"][0] == {
        "from": "Tuesday 18:00 UTC",
        "until": "Tuesday 22:00 UTC",
    }
    assert [c["cohort"] for c in data["cohorts"]["member_of"]] == [history.course.cohort.name]
    assert data["cohorts"]["attendance"][0]["status"] == "Present"
    assert data["cohorts"]["calendar_feed_made_at"]

    [work] = [s for s in data["exercise_work"]["submissions"] if s["status"] == "Accepted"]
    assert work["answers"]["roles"] == [h.REVISED_ANSWER]
    assert [r["answers"]["roles"] for r in work["revisions"]] == [[h.ANSWER], [h.REVISED_ANSWER]]
    assert work["milestones"][0]["title"] == h.MILESTONE
    [feedback] = work["feedback"]
    assert (feedback["comment"], feedback["points"], feedback["on_revision"]) == (h.FEEDBACK, 4, 2)
    assert feedback["from"] == history.facilitator.name
    assert [score["level"] for score in feedback["rubric"]] == ["Fully", "Partly"]
    assert data["milestone_checkins"][0]["note"] == h.CHECKIN_NOTE

    written = data["peer_reviews"]["written"]
    assert [w["status"] for w in written] == ["Done", "Started"]
    assert written[0]["review"]["answers"][0]["answer"] == h.REVIEW_WRITTEN
    assert written[1]["review"]["answers"][0]["answer"] == h.DRAFT_REVIEW
    [received] = data["peer_reviews"]["received"]
    [review] = received["reviews"]
    assert review["answers"][0]["answer"] == h.OTHER_REVIEW
    assert (review["your_rating"], review["your_note"]) == (4, h.RATING_NOTE)

    [certificate] = data["certificates"]
    assert certificate["verification_link"].endswith(history.certificate.get_absolute_url())
    reminders = data["reminders"]
    assert [n["title"] for n in reminders["notifications"]] == ["Your plan is due tomorrow"]
    assert {r["status"] for r in reminders["reminders"]} == {"Sent", "Pending"}
    assert reminders["choices"] == [{"kind": "Weekly facilitator digest", "by_email": False}]


def test_the_export_holds_nothing_of_anyone_elses():
    history = h.build_history(anonymous_reviews=True)

    text = selectors.personal_data_json(user=history.user)

    # Another member's answers, their name as the (anonymous) reviewer of the person's
    # plan and as the author of the plan the person reviewed, their address.
    for word in (h.OTHER_ANSWER, h.OTHER_NAME, history.other.user.email, "Cordelia Third"):
        assert word not in text
    data = json.loads(text)
    assert data["peer_reviews"]["received"][0]["reviews"][0]["reviewer"] == "Reviewer 1"
    assert data["peer_reviews"]["written"][0]["author"] == "A peer in your cohort"
    # The facilitator's notification about the person is the facilitator's.
    assert "submitted a plan" not in text


def test_named_reviews_name_the_reviewer_and_author_as_the_pages_do():
    history = h.build_history(anonymous_reviews=False)

    data = export_of(history.user)

    assert data["peer_reviews"]["received"][0]["reviews"][0]["reviewer"] == h.OTHER_NAME
    assert data["peer_reviews"]["written"][0]["author"] == h.OTHER_NAME


def test_reviews_of_my_work_are_left_out_until_they_are_released():
    history = h.build_history()
    # Released once the author has done their own reviews, and the person has a draft left.
    PeerReviewSettings.objects.update(release=PeerReviewSettings.Release.AFTER_OWN_REVIEWS)

    [received] = export_of(history.user)["peer_reviews"]["received"]

    assert received["released"] is False
    assert received["reviews"] == []
    assert received["reviews_not_yet_released"] == 1
    assert h.OTHER_REVIEW not in selectors.personal_data_json(user=history.user)


def test_feedback_a_grader_gave_is_in_their_export_without_whose_work_it_was():
    history = h.build_history()

    data = export_of(history.facilitator)

    [given] = data["exercise_work"]["feedback_given"]
    assert given["comment"] == h.FEEDBACK
    assert h.NAME not in json.dumps(data["exercise_work"])


def test_the_export_costs_the_same_queries_however_long_the_history():
    def queries_for(history) -> int:
        with CaptureQueriesContext(connection) as captured:
            selectors.personal_data_json(user=history.user)
        return len(captured)

    short = h.build_history(revisions=1)
    long = h.build_history(revisions=6, email="long@example.com")
    for n in range(4):
        exercise = type(long.course.exercise).objects.create(
            unit=long.course.exercise.unit, position=10 + n, slug=f"more-{n}", title=f"More {n}"
        )
        submitted(long.person, exercise, revisions=3)

    assert queries_for(long) == queries_for(short)


# The page ---------------------------------------------------------------------------------


def test_the_data_page_and_downloads_need_a_login(client):
    for address in (reverse("accounts:data"), reverse("accounts:data_download", args=[1])):
        response = client.get(address)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    assert client.post(reverse("accounts:data")).status_code == 302


def test_a_small_export_downloads_straight_away(participant_client, participant):
    response = participant_client.post(reverse("accounts:data"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="cohort-courses-data-')
    assert "no-store" in response["Cache-Control"]
    assert json.loads(response.content)["account"]["email"] == participant.email
    assert not DataExport.objects.exists()


@pytest.fixture
def large(monkeypatch):
    """Every export counts as large, so it goes through the background task."""
    monkeypatch.setattr(selectors, "IMMEDIATE_EXPORT_MAX_ROWS", 0)
    queued = []
    monkeypatch.setattr(build_data_export, "delay", lambda export_id: queued.append(export_id))
    return queued


def test_a_large_export_is_built_by_the_task_and_the_page_shows_progress_then_the_link(
    client, large, django_capture_on_commit_callbacks
):
    history = h.build_history()
    login(client, history.user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:data"))

    assert response.status_code == 302
    export = DataExport.objects.get(user=history.user)
    assert large == [export.pk]
    page = client.get(reverse("accounts:data")).content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert '<progress max="100" value="0"' in page

    DataExport.objects.filter(pk=export.pk).update(status="building", progress=40)
    fragment = client.get(reverse("accounts:data"), HTTP_HX_REQUEST="true").content.decode()
    assert '<progress max="100" value="40"' in fragment
    assert "<html" not in fragment

    DataExport.objects.filter(pk=export.pk).update(status="queued", progress=0)
    build_data_export(export.pk)

    fragment = client.get(reverse("accounts:data"), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment
    download = reverse("accounts:data_download", args=[export.pk])
    assert download in fragment
    response = client.get(download)
    assert response.status_code == 200
    assert json.loads(response.content)["rounds"][0]["motivation"] == h.MOTIVATION


def test_the_task_writes_its_progress_before_each_section_is_done(participant, monkeypatch):
    export = DataExport.objects.create(user=participant)
    sections = personal_data.sections()
    last = sections[-1]
    seen = []
    export_last = type(last).export

    def watched(self, user):
        seen.append(DataExport.objects.values_list("status", "progress").get(pk=export.pk))
        return export_last(self, user)

    monkeypatch.setattr(type(last), "export", watched)
    build_data_export(export.pk)

    assert seen == [("building", 100 * (len(sections) - 1) // len(sections))]
    export.refresh_from_db()
    assert (export.status, export.progress) == ("ready", 100)
    assert export.finished_at is not None


def test_asking_twice_while_one_is_being_built_builds_one(participant_client, participant, large):
    participant_client.post(reverse("accounts:data"))
    participant_client.post(reverse("accounts:data"))

    assert DataExport.objects.filter(user=participant).count() == 1


def test_a_build_claimed_by_another_worker_is_not_built_twice(participant):
    export = DataExport.objects.create(user=participant, status="building")

    build_data_export(export.pk)

    export.refresh_from_db()
    assert (export.status, export.content) == ("building", "")


def test_a_failed_build_says_so_on_the_page(participant_client, participant, monkeypatch):
    export = DataExport.objects.create(user=participant)
    section = personal_data.sections()[-1]
    monkeypatch.setattr(type(section), "export", lambda self, user: 1 / 0)

    with pytest.raises(ZeroDivisionError):
        build_data_export(export.pk)

    export.refresh_from_db()
    assert export.status == "failed"
    assert "could not be built" in participant_client.get(reverse("accounts:data")).content.decode()


def test_only_the_owner_downloads_a_built_export(client, participant):
    export = DataExport.objects.create(user=participant, status="ready", content="{}")
    other = UserFactory()
    login(client, other)

    download = reverse("accounts:data_download", args=[export.pk])
    assert client.get(download).status_code == 404
    assert download not in client.get(reverse("accounts:data")).content.decode()


def test_staff_cannot_download_someone_elses_export_from_the_site(staff_client, participant):
    export = DataExport.objects.create(user=participant, status="ready", content="{}")

    assert staff_client.get(reverse("accounts:data_download", args=[export.pk])).status_code == 404


def test_an_export_not_ready_or_older_than_a_week_is_not_offered(participant_client, participant):
    building = DataExport.objects.create(user=participant, status="building")
    ready = DataExport.objects.create(user=participant, status="ready", content="{}")

    assert (
        participant_client.get(reverse("accounts:data_download", args=[building.pk])).status_code
        == 404
    )
    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        assert (
            participant_client.get(reverse("accounts:data_download", args=[ready.pk])).status_code
            == 404
        )
        assert (
            "None in the last 7 days"
            in participant_client.get(reverse("accounts:data")).content.decode()
        )


def test_expired_exports_are_deleted_when_a_new_one_is_asked_for(participant, large):
    old = DataExport.objects.create(user=UserFactory(), status="ready", content="{}")
    DataExport.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    from apps.accounts.services import data_export_start

    data_export_start(user=participant)

    assert not DataExport.objects.filter(pk=old.pk).exists()


def test_a_build_whose_worker_died_lets_the_person_ask_again(participant, large):
    from apps.accounts.services import data_export_start

    stuck = DataExport.objects.create(user=participant, status="building")
    DataExport.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - timedelta(hours=2))

    fresh = data_export_start(user=participant)

    assert fresh.pk != stuck.pk
    stuck.refresh_from_db()
    assert stuck.status == "failed"


def test_the_data_page_keeps_its_query_count_however_many_exports(
    participant_client, participant, django_assert_num_queries
):
    for status in ("ready", "building", "failed", "ready"):
        DataExport.objects.create(user=participant, status=status, content="{}")

    # The session, the person, the navigation's badge and roles, the exports.
    with django_assert_num_queries(5):
        page = participant_client.get(reverse("accounts:data")).content.decode()
    assert page.count("Download the file") == 2
