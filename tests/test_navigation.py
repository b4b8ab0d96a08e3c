"""Every page can be reached by links from home in at most three clicks, by whoever may open it.

For each person in tests/every_page.py this follows the links (<a href>) of the pages they
see, breadth first from the home page, and checks that each page listed for them turned up
within three clicks.
"""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
import time_machine
from django.urls import Resolver404, resolve

from tests.every_page import DURING_REVIEWS, NOT_PAGES, build_site

pytestmark = pytest.mark.django_db

CLICKS = 3

# Pages nobody reaches by browsing from home, and why.
NOT_BROWSED_TO = {
    "account_confirm_email": "opened from the email that confirms an address",
    "account_reset_password_from_key": "opened from the password-reset email",
    "account_reset_password_done": "shown after asking for a password-reset email",
    "account_reset_password_from_key_done": "shown after setting a new password",
    "account_email_verification_sent": "shown after signing up",
    "account_inactive": "shown when an inactive account tries to log in",
    "account_reauthenticate": "shown when a sensitive change needs the password again",
    "account_logout": "the header logs out with a button; this page is for a link from elsewhere",
    "reminders:unsubscribe": "opened from the unsubscribe link in a reminder email",
    "certificates:verify": "a certificate's public address, shared by its holder",
    "grouping:run": "an htmx fragment the round's grouping page polls",
    "grouping:check": "an htmx fragment the cohort form asks for as it changes",
    "grouping:publish": "linked from the round's grouping page once no grouping run is under"
    " way, and build_site leaves one running",
    "admin:password_change_done": "shown after changing one's password in the admin",
    "accounts:deleted": "shown once, after a person deletes their account",
    "cohorts:meeting_check": "an htmx fragment the meeting form asks for as the time changes",
    "feedback:rate_session": "the session page carries this form and posts to it; the page of"
    " its own shows only when a post without JavaScript needs fixing",
    "feedback:rate_resource": "as feedback:rate_session, for the question on each reading",
}
# The admin's pages about one object open from that object's page, a click past the limit
# (home, admin index, list, object).
ADMIN_OBJECT_PAGES = ("_history", "_delete", "_password_change", "_import")


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.found.append(href)


def links_on(html: str, here: str) -> set[str]:
    """Addresses on this site that the page links to, without #fragments."""
    parser = Links()
    parser.feed(html)
    out = set()
    for href in parser.found:
        address, _ = urldefrag(href)
        parts = urlsplit(address)
        if parts.scheme or parts.netloc or not address:
            continue
        out.add(address if address.startswith("/") else here.rsplit("/", 1)[0] + "/" + address)
    return out


def is_followable(address: str) -> bool:
    try:
        name = resolve(urlsplit(address).path).view_name
    except Resolver404:
        return False
    return name not in NOT_PAGES or name == "admin:view_on_site"


def clicks_from_home(client, user) -> dict[str, int]:
    """How many clicks from home each page this person can reach is, up to CLICKS."""
    client.logout()
    if user:
        client.force_login(user)
    seen = {"/": 0}
    queue = deque(["/"])
    while queue:
        address = queue.popleft()
        response = client.get(address, follow=True)
        # A redirect lands somewhere else: that page is as far from home as the link to it.
        landed = response.request["PATH_INFO"]
        seen.setdefault(landed, seen[address])
        content_type = response.headers.get("Content-Type", "")
        if seen[address] == CLICKS or response.status_code != 200 or "html" not in content_type:
            continue
        for link in links_on(response.content.decode(), landed):
            if link not in seen and is_followable(link):
                seen[link] = seen[address] + 1
                queue.append(link)
    return {urlsplit(address).path: clicks for address, clicks in seen.items()}


def must_be_reachable(page) -> bool:
    # A page that refuses (the add page of a read-only admin) has nothing linking to it.
    if page.name in NOT_BROWSED_TO or page.status != 200:
        return False
    return not (page.name.startswith("admin:") and page.name.endswith(ADMIN_OBJECT_PAGES))


def test_every_page_is_at_most_three_clicks_from_home(client, settings, tmp_path):
    settings.DEMO_MODE = True
    settings.EMAIL_FILE_PATH = tmp_path
    with time_machine.travel(DURING_REVIEWS):
        site = build_site(outbox=tmp_path)
        people = {page.user for page in site.pages}
        reached = {user: clicks_from_home(client, user) for user in people}

    far = [
        f"{page} as {page.user or 'a visitor'}"
        for page in site.pages
        if must_be_reachable(page) and urlsplit(page.url).path not in reached[page.user]
    ]
    assert not far, f"more than {CLICKS} clicks from home, or not linked at all:\n" + "\n".join(far)
