"""A person's feedback in their data export, and what deleting their account leaves of it."""

import json

import pytest

from apps.accounts.selectors import personal_data_json
from apps.accounts.services import account_delete
from apps.feedback.models import MeetingNote, ResourceRating, SessionRating

pytestmark = pytest.mark.django_db


def test_the_export_holds_the_persons_ratings_and_meeting_notes(world):
    person, facilitator = world.participant, world.mine.facilitator
    SessionRating.objects.create(enrollment=person, unit=world.unit, rating=4, comment="Good.")
    ResourceRating.objects.create(
        enrollment=person, resource=world.resources[1], worth_it=False, note="Too long."
    )
    MeetingNote.objects.create(meeting=world.mine.meeting, author=facilitator, text="Lively.")

    mine = json.loads(personal_data_json(user=person.user))["feedback"]
    theirs = json.loads(personal_data_json(user=facilitator.user))["feedback"]

    [session] = mine["session_ratings"]
    assert (session["session"], session["rating"], session["comment"]) == (
        "Session 1: Rewards",
        4,
        "Good.",
    )
    [resource] = mine["resource_ratings"]
    assert (resource["resource"], resource["worth_your_time"], resource["note"]) == (
        "Open problems",
        False,
        "Too long.",
    )
    assert mine["meeting_notes"] == []
    assert [note["notes"] for note in theirs["meeting_notes"]] == ["Lively."]
    assert theirs["session_ratings"] == []


def test_deleting_an_account_keeps_the_scores_but_not_the_words(world):
    person, other = world.mine.members
    SessionRating.objects.create(enrollment=person, unit=world.unit, rating=2, comment="Dull.")
    ResourceRating.objects.create(
        enrollment=person, resource=world.resources[0], worth_it=True, note="Vivid."
    )
    SessionRating.objects.create(enrollment=other, unit=world.unit, rating=5, comment="Great.")
    name = person.user.name
    note = MeetingNote.objects.create(
        meeting=world.mine.meeting,
        author=world.mine.facilitator,
        text=f"{name} was quiet; {other.user.name} led.",
    )

    account_delete(user=person.user)

    assert list(SessionRating.objects.order_by("rating").values_list("rating", "comment")) == [
        (2, ""),
        (5, "Great."),
    ]
    assert list(ResourceRating.objects.values_list("worth_it", "note")) == [(True, "")]
    note.refresh_from_db()
    assert name not in note.text
    assert note.text == f"a deleted account was quiet; {other.user.name} led."


def test_a_facilitator_who_deletes_their_account_leaves_their_notes_for_the_cohort(world):
    note = MeetingNote.objects.create(
        meeting=world.mine.meeting, author=world.mine.facilitator, text="Start with examples."
    )

    account_delete(user=world.mine.facilitator.user)

    note.refresh_from_db()
    assert note.text == "Start with examples."
