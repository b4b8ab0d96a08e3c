"""Peer review end to end in Chromium: three peers review each other, rate a review, and a
facilitator hides one, which brings in a replacement reviewer."""

import re

import pytest
from playwright.sync_api import expect

from apps.reviews.models import Review, ReviewAssignment
from tests.browser.conftest import expect_signed_in
from tests.factories import PASSWORD
from tests.reviews.test_services import QUESTIONS, build_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.reviews.urls"),
]

SAVE_TIMEOUT = 15_000


def log_in(page, live_server, user):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect_signed_in(page)


def write_all_reviews(page, live_server, name: str):
    """Do every review on the person's list through the review form."""
    page.goto(f"{live_server.url}/reviews/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reviews to do")
    links = page.get_by_role("link", name=re.compile(r"^Write review"))
    expect(links).to_have_count(2)
    for _ in range(2):
        page.goto(f"{live_server.url}/reviews/")
        links.first.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("A peer in your cohort")
        # The plan is there to read, and nobody else's review of it is.
        expect(page.get_by_text("Research engineer")).to_be_visible()
        expect(page.get_by_role("heading", name="Other reviews of this work")).to_have_count(0)

        page.get_by_role("group", name="Specific").get_by_label("Fully").check()
        page.get_by_label(QUESTIONS[0]).fill(f"{name}: the roles are concrete.")
        expect(page.locator("#save-status")).to_contain_text("Draft saved at", timeout=SAVE_TIMEOUT)

        # Submitting with a criterion left open is refused, and nothing typed is lost.
        page.get_by_role("button", name="Submit review").click()
        expect(page.get_by_role("alert")).to_contain_text("Choose a level for every criterion")
        expect(page.get_by_label(QUESTIONS[0])).to_have_value(f"{name}: the roles are concrete.")

        page.get_by_role("group", name="Realistic").get_by_label("Partly").check()
        page.get_by_label(QUESTIONS[1]).fill("Put a date on the first cheap test.")
        page.get_by_role("button", name="Submit review").click()
        expect(page.get_by_text("Review submitted.")).to_be_visible()
        expect(page.get_by_role("heading", name="Other reviews of this work")).to_be_visible()
    page.goto(f"{live_server.url}/reviews/")
    expect(page.get_by_text("Nothing to review right now.")).to_be_visible()


def test_three_peers_review_each_other_rate_a_review_and_a_hidden_review_is_replaced(
    live_server, browser_page
):
    page = browser_page
    world = build_world(3, 3)
    world.allocate()
    peers = world.members[0]

    for number, peer in enumerate(peers, start=1):
        log_in(page, live_server, peer.user)
        write_all_reviews(page, live_server, f"Peer {number}")

    for peer in peers:
        log_in(page, live_server, peer.user)
        page.goto(f"{live_server.url}/reviews/received/")
        expect(page.get_by_role("heading", name=re.compile(r"^Reviewer \d$"))).to_have_count(2)
        for other in peers:  # reviews are anonymous: no names
            expect(page.get_by_text(other.user.name)).to_have_count(0)

    author = peers[0]
    rating = page.get_by_role("group", name=re.compile("How helpful was this review")).first
    rating.get_by_label("4 – Very helpful").check()
    page.get_by_label("Note (optional)").first.fill("The date idea is useful.")
    page.get_by_role("button", name="Save rating").first.click()
    expect(page.get_by_text("Thank you: your rating is saved.")).to_be_visible()
    rated = Review.objects.get(helpfulness__isnull=False)
    assert rated.helpfulness == 4 and rated.assignment.submission.enrollment == peers[-1]

    # The facilitator hides one review of the first author's plan.
    target = ReviewAssignment.objects.filter(submission__enrollment=author).first()
    log_in(page, live_server, world.facilitators[0].user)
    page.goto(f"{live_server.url}/reviews/cohorts/{world.cohorts[0].pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Peer reviews")
    row = page.locator(f"#assignment-{target.pk}")
    row.get_by_role("link", name=re.compile("^Read or hide")).click()
    reason = page.get_by_label("Why are you hiding this review?")
    reason.fill("It is about the author, not the plan.")
    page.get_by_role("button", name="Hide review").click()
    expect(page.get_by_text("a new reviewer is assigned")).to_be_visible()

    target.refresh_from_db()
    assert target.status == ReviewAssignment.Status.HIDDEN
    replacement = ReviewAssignment.objects.get(
        submission=target.submission, status=ReviewAssignment.Status.NOT_STARTED
    )
    assert replacement.is_cross_cohort  # the cohort of three has nobody else left
    new_row = page.locator(f"#assignment-{replacement.pk}")
    expect(new_row).to_contain_text(replacement.reviewer.user.name)
    expect(new_row).to_contain_text("Not started")
    expect(page.locator(f"#assignment-{target.pk}")).to_contain_text("Hidden by a facilitator")
