"""Every page carries the security headers, and nothing in it needs the CSP to be loosened."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
import time_machine

from tests.every_page import AWAITING_FIX, DURING_REVIEWS, NOT_PAGES, build_site, url_names

pytestmark = pytest.mark.django_db


def policy(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def is_script_address(value, attributes) -> bool:
    """A javascript: address, which the policy refuses to follow.

    django-nested-admin's add and remove links have one, but its script handles their
    clicks and never follows them (tests/browser/test_content_security_policy.py clicks
    them); they carry its djn- classes.
    """
    if not (value or "").strip().lower().startswith("javascript:"):
        return False
    return not any(name.startswith("djn-") for name in attributes.get("class", "").split())


class InlineCode(HTMLParser):
    """Collects what a policy without 'unsafe-inline' blocks: inline scripts and styles."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._script_at = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")
            elif name == "style":
                self.found.append(f"<{tag} style={value!r}>")
            elif name in ("href", "src", "action") and is_script_address(value, attributes):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag == "style":
            self.found.append("<style> element")
        # A data block (type="application/json", as json_script writes) never runs.
        runs = attributes.get("type", "text/javascript") != "application/json"
        if tag == "script" and "src" not in attributes and runs:
            self._script_at = self.getpos()

    def handle_endtag(self, tag):
        if tag == "script" and self._script_at:
            self.found.append(f"inline <script> at line {self._script_at[0]}")
            self._script_at = None


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    parser.close()
    return parser.found


# What <time datetime> may hold: a date, or a date and time with seconds but no fraction,
# in UTC or with an offset. Django's "c" format adds microseconds, which is not valid.
MACHINE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2}))?")


class TimeValues(HTMLParser):
    def __init__(self):
        super().__init__()
        self.invalid = []

    def handle_starttag(self, tag, attrs):
        value = dict(attrs).get("datetime")
        if tag == "time" and value is not None and not MACHINE_TIME.fullmatch(value):
            self.invalid.append(f"<time datetime={value!r}>")


def invalid_times(html: str) -> list[str]:
    parser = TimeValues()
    parser.feed(html)
    return parser.invalid


def header_problems(response) -> list[str]:
    problems = []
    csp = response.headers.get("Content-Security-Policy")
    if not csp:
        return ["no Content-Security-Policy"]
    directives = policy(csp)
    expected = {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
    for name, sources in expected.items():
        if sorted(directives.get(name, [])) != sorted(sources):
            problems.append(f"{name} is {directives.get(name)}, not {sources}")
    if "'unsafe-inline'" in csp or "'unsafe-eval'" in csp:
        problems.append(f"the policy allows unsafe code: {csp}")
    if response.headers.get("Referrer-Policy") != "same-origin":
        problems.append(f"Referrer-Policy is {response.headers.get('Referrer-Policy')!r}")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    features = response.headers.get("Permissions-Policy", "").split(", ")
    for denied in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        if denied not in features:
            problems.append(f"Permissions-Policy lacks {denied}")
    return problems


def open_as(client, page, signed_in):
    """Signs in as the page's user if another is signed in; returns who now is."""
    if page.user != signed_in:
        client.logout()
        if page.user:
            client.force_login(page.user)
    return page.user


def test_every_page_sends_the_security_headers_has_no_inline_code_and_valid_times(
    client, settings, tmp_path
):
    settings.DEMO_MODE = True
    settings.EMAIL_FILE_PATH = tmp_path
    # A fraction of a second in the clock, so every time stored while building the site has
    # one, as real times do: <time datetime> must not print it.
    with time_machine.travel(DURING_REVIEWS + timedelta(microseconds=123_456), tick=False):
        site = build_site(outbox=tmp_path)
        names = url_names()
        listed = {page.name for page in site.pages}
        assert names - listed - set(NOT_PAGES) == set(), "add these to tests/every_page.py"
        assert (listed | set(NOT_PAGES)) - names == set(), "these URLs are gone"

        problems, still_broken, signed_in = {}, set(), None
        for page in site.pages:
            signed_in = open_as(client, page, signed_in)
            response = client.get(page.url, follow=page.follow)
            found = header_problems(response)
            if response.status_code != page.status:
                found.append(f"status {response.status_code}, not {page.status}")
            found += inline_code(response.content.decode())
            found += invalid_times(response.content.decode())
            # Some views answer htmx with a fragment of the page instead.
            fragment = client.get(page.url, HTTP_HX_REQUEST="true")
            found += [f"htmx: {item}" for item in inline_code(fragment.content.decode())]
            if page.name in AWAITING_FIX:
                still_broken.update([page.name] if found else [])
            elif found:
                problems[str(page)] = found
        for page in site.posted_fragments:
            signed_in = open_as(client, page, signed_in)
            response = client.post(page.url, page.data, HTTP_HX_REQUEST="true")
            assert response.status_code == 200, page
            if found := inline_code(response.content.decode()):
                problems[f"POST {page}"] = found

    assert not problems, "\n".join(
        f"{page}: {'; '.join(found)}" for page, found in problems.items()
    )
    assert still_broken == set(AWAITING_FIX), "fixed: remove it from AWAITING_FIX"
