"""Admissions end to end in Chromium: an applicant answers the round's own questions, two
reviewers score, the admin accepts, waitlists and declines in bulk, and when an accepted
person gives up their place the first person waiting is offered it and confirms."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.admissions.models import Offer, Review
from apps.admissions.services import review_submit
from apps.reminders.models import Reminder
from apps.rounds.models import ApplicationQuestion, Enrollment
from tests.admissions.world import build
from tests.browser.conftest import signed_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def score_in_browser(page, motivation: str, fit: str):
    page.get_by_role("group", name="Motivation").get_by_label(motivation).check()
    page.get_by_role("group", name="Fit").get_by_label(fit).check()
    page.get_by_role("button", name="Save my scores").click()
    expect(page.get_by_text("are saved")).to_be_visible()


def test_applying_scoring_deciding_and_the_waiting_list_moving(live_server, browser):
    world = build(applicants=3)
    ApplicationQuestion.objects.create(
        round=world.round,
        position=2,
        text="Which track suits you?",
        kind="choice",
        options="Technical\nGovernance",
    )
    base = live_server.url
    slug = world.round.slug

    # An applicant answers the round's own questions.
    cara = UserFactory(display_name="Cara Candidate")
    page = signed_in(browser, live_server, cara)
    page.goto(f"{base}/rounds/{slug}/apply/")
    page.get_by_label("Why do you want to take part?").fill("To work on safety.")
    page.get_by_label("Some reading").check()
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_text("Answer “What is your background?”.").first).to_be_visible()
    expect(page.get_by_label("Why do you want to take part?")).to_have_value("To work on safety.")
    page.get_by_label("What is your background?").fill("Maths teacher")
    page.get_by_role("group", name="Which track suits you?").get_by_label("Governance").check()
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_text("Your application is in.")).to_be_visible()
    mine = Enrollment.objects.get(user=cara)
    assert dict(mine.answers.values_list("question__text", "text")) == {
        "What is your background?": "Maths teacher",
        "Which track suits you?": "Governance",
    }

    # The lead facilitator assigns reviewers and scores Cara; the other scores hide till then.
    page = signed_in(browser, live_server, world.lead)
    page.goto(f"{base}/admissions/{slug}/")
    page.get_by_role("button", name="Assign reviewers").click()
    expect(page.get_by_text("Assigned 8 reviews.")).to_be_visible()
    for application in world.applicants:
        for review in Review.objects.filter(enrollment=application):
            review_submit(
                review=review,
                levels={c.pk: c.levels.get(points=1).pk for c in world.criteria},
            )
    page.get_by_role("link", name="Applications for me to score").click()
    page.get_by_role("link", name="Cara Candidate").click()
    expect(page.get_by_text("Governance")).to_be_visible()
    score_in_browser(page, "Strong (3 points)", "Good (2 points)")
    expect(page.get_by_text("No other scores yet.")).to_be_visible()

    # The second reviewer, staff, scores too and then sees the lead's scores.
    page = signed_in(browser, live_server, world.staff)
    page.goto(f"{base}/admissions/{slug}/reviews/")
    page.get_by_role("link", name="Cara Candidate").click()
    expect(
        page.get_by_text("You see the other reviewers' scores once you have given yours.")
    ).to_be_visible()
    score_in_browser(page, "Good (2 points)", "Good (2 points)")
    expect(page.get_by_role("heading", name="Lee Lead: 5 points")).to_be_visible()

    # The admin accepts, waitlists and declines in bulk from the ranked list.
    page.goto(f"{base}/admissions/{slug}/")
    first_row = page.get_by_role("row").nth(1)
    expect(first_row).to_contain_text("Cara Candidate")
    expect(first_row).to_contain_text("4.5")
    page.get_by_label("Select Cara Candidate").check()
    page.get_by_label("Select Applicant 1").check()
    page.get_by_label("Accept").check()
    page.get_by_role("button", name="Decide").click()
    expect(page.get_by_text("Accepted: 2 applications; each is told by email.")).to_be_visible()
    page.get_by_label("Select Applicant 2").check()
    page.get_by_label("Select Applicant 3").check()
    page.get_by_label("Put on the waiting list").check()
    page.get_by_role("button", name="Decide").click()
    expect(page.get_by_text("Put on the waiting list: 2 applications")).to_be_visible()
    page.get_by_label("Select Applicant 3").check()
    page.get_by_label("Decline").check()
    page.get_by_role("button", name="Decide").click()
    expect(page.get_by_text("Declined: 1 application")).to_be_visible()
    kinds = set(Reminder.objects.values_list("kind", flat=True))
    assert {"admission_accepted", "admission_waitlisted", "admission_declined"} <= kinds

    # Cara can no longer take part and gives up her place.
    page = signed_in(browser, live_server, cara)
    page.goto(f"{base}/admissions/{slug}/my-place/")
    page.get_by_role("button", name="Give up my place").click()
    expect(page.get_by_text("You gave up your place")).to_be_visible()

    # The first person waiting is offered it, and confirms.
    waiting = world.applicants[1]
    offer = Offer.objects.get()
    assert offer.enrollment == waiting and offer.expires_at > timezone.now()
    page = signed_in(browser, live_server, waiting.user)
    page.goto(f"{base}/reminders/notifications/")
    expect(page.get_by_text("is yours if you confirm").first).to_be_visible()
    page.goto(f"{base}/admissions/{slug}/my-place/")
    page.get_by_role("button", name="Confirm my place").click()
    expect(page.get_by_text("Your place is confirmed.")).to_be_visible()
    waiting.refresh_from_db()
    assert waiting.status == Enrollment.Status.ACCEPTED
