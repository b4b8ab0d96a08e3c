"""Admins read and search feedback in the Django admin, but cannot rewrite people's words."""

from django.urls import reverse

from apps.feedback.models import MeetingNote, ResourceRating, SessionRating
from tests.feedback.conftest import log_in


def test_staff_find_a_session_rating_by_the_words_of_its_comment(client, world, staff):
    SessionRating.objects.create(
        enrollment=world.participant, unit=world.unit, rating=2, comment="Too rushed"
    )
    SessionRating.objects.create(
        enrollment=world.mine.members[1], unit=world.unit, rating=5, comment="Loved it"
    )
    url = reverse("admin:feedback_sessionrating_changelist")

    html = log_in(client, staff).get(url, {"q": "rushed"}).content.decode()

    assert "1 result" in html and "Session 1" in html


def test_feedback_in_the_admin_can_be_read_and_deleted_but_not_written(client, world, staff):
    rating = ResourceRating.objects.create(
        enrollment=world.participant, resource=world.resources[0], worth_it=False, note="Dated"
    )
    note = MeetingNote.objects.create(
        meeting=world.mine.meeting, author=world.mine.facilitator, text="Quiet week"
    )
    log_in(client, staff)

    for obj in (rating, note):
        opts = obj._meta
        change = reverse(f"admin:feedback_{opts.model_name}_change", args=[obj.pk])
        assert client.get(change).status_code == 200
        client.post(change, {"note": "Rewritten", "text": "Rewritten"})
        obj.refresh_from_db()
        assert "Rewritten" not in (getattr(obj, "note", "") + getattr(obj, "text", ""))
        add = reverse(f"admin:feedback_{opts.model_name}_add")
        assert client.get(add).status_code == 403
        delete = reverse(f"admin:feedback_{opts.model_name}_delete", args=[obj.pk])
        client.post(delete, {"post": "yes"})
        assert not type(obj).objects.filter(pk=obj.pk).exists()
