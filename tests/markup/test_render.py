"""Markdown written by people is rendered, and nothing in it can run script."""

import re
from html.parser import HTMLParser
from urllib.parse import urlparse

import pytest
from django.template import Context, Template
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.markup.render import render_markdown
from tests.factories import (
    CourseFactory,
    ExerciseFactory,
    PromptFactory,
    ResourceFactory,
    UnitFactory,
)

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "strong", "sub",
    "sup", "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
SAFE_SCHEMES = {"", "http", "https", "mailto"}
C0_AND_SPACE = "".join(chr(code) for code in range(0x21))


class Tags(HTMLParser):
    """Every element and attribute in a piece of HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def elements(html: str) -> list[tuple[str, dict]]:
    parser = Tags()
    parser.feed(html)
    parser.close()
    return parser.elements


def assert_harmless(html: str) -> None:
    """Only allow-listed tags, no event handlers or styles, only safe link schemes."""
    for tag, attrs in elements(html):
        assert tag in ALLOWED_TAGS, (tag, html)
        for name, value in attrs.items():
            assert not name.startswith("on"), (name, html)
            assert name not in ("style", "class", "id", "srcdoc", "formaction"), (name, html)
            if name in ("href", "src"):
                # As a browser reads a link: tabs and newlines dropped, ends trimmed.
                link = re.sub(r"[\t\n\r]", "", value or "").strip(C0_AND_SPACE).lower()
                assert urlparse(link).scheme in SAFE_SCHEMES, (value, html)
                assert not link.startswith(("javascript:", "vbscript:", "data:")), (value, html)
    assert "<script" not in html.lower()


# Things that must never reach the output


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "Before <script>alert(1)</script> after",
        "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
        "<scr<script>ipt>alert(1)</script>",
    ],
)
def test_script_tags_never_reach_the_output(text):
    html = render_markdown(text)
    assert "<script" not in html.lower()
    assert "alert(1)" not in html
    assert_harmless(html)


@pytest.mark.parametrize(
    "text",
    [
        "<img src=x onerror=alert(1)>",
        '<img src="https://example.com/a.png" onerror="alert(1)">',
        '<a href="https://example.com" onclick="alert(1)">x</a>',
        "<p onmouseover=alert(1)>hover</p>",
        "<svg onload=alert(1)>",
        "<body onload=alert(1)>",
    ],
)
def test_event_handler_attributes_never_reach_the_output(text):
    html = render_markdown(text)
    assert "onerror" not in html
    assert "onclick" not in html
    assert "onload" not in html
    assert "onmouseover" not in html
    assert "alert(1)" not in html
    assert_harmless(html)


@pytest.mark.parametrize(
    "text",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x]( javascript:alert(1) )",
        "[x][ref]\n\n[ref]: javascript:alert(1)",
        "![x](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        '<a href="java&#x09;script:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        "<javascript:alert(1)>",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[x](vbscript:msgbox(1))",
    ],
)
def test_javascript_and_other_unsafe_links_never_reach_the_output(text):
    html = render_markdown(text)
    # The words may still show as text (an autolink's text is its address); no attribute holds them.
    values = [value or "" for _, attrs in elements(html) for value in attrs.values()]
    assert not [value for value in values if "javascript" in value.lower()]
    assert not [value for value in values if "data:" in value or "vbscript" in value]
    assert_harmless(html)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('<iframe src="https://evil.example"></iframe>', ["<iframe", "evil.example"]),
        ("<style>body { display: none }</style>", ["<style", "display: none"]),
        ('<p style="position:fixed">x</p>', ["style=", "position:fixed"]),
        ('<object data="https://evil.example/x.swf"></object>', ["<object", "evil.example"]),
        ('<embed src="https://evil.example/x.swf">', ["<embed", "evil.example"]),
        ('<form action="https://evil.example"><input name="password"></form>', ["<form", "<input"]),
        ('<base href="https://evil.example/">', ["<base", "evil.example"]),
        ('<meta http-equiv="refresh" content="0;url=https://evil.example">', ["<meta", "refresh"]),
        ('<link rel="stylesheet" href="https://evil.example/x.css">', ["<link", "evil.example"]),
        ('<div class="admin-only" id="main">text</div>', ["<div", "admin-only", 'id="main"']),
    ],
)
def test_raw_html_outside_the_allow_list_never_reaches_the_output(text, words):
    html = render_markdown(text)
    for word in words:
        assert word not in html
    assert_harmless(html)


def test_html_inside_code_is_shown_as_text():
    html = render_markdown("Use `<script>` carefully.\n\n```\n<script>alert(1)</script>\n```")
    assert "<code>&lt;script&gt;</code>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert_harmless(html)


# Ordinary Markdown


def test_emphasis_renders():
    html = render_markdown("Some *emphasis*, some **strong** and ~~no~~ `code`.")
    assert "<em>emphasis</em>" in html
    assert "<strong>strong</strong>" in html
    assert "<code>code</code>" in html


def test_lists_render():
    html = render_markdown("- one\n- two\n\n1. first\n2. second")
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert "<ol>\n<li>first</li>\n<li>second</li>\n</ol>" in html


def test_a_list_that_starts_later_keeps_its_start():
    assert '<ol start="3">' in render_markdown("3. third\n4. fourth")


def test_code_blocks_render():
    html = render_markdown("```\nprint('hi')\n```\n\n    indented = True")
    assert "<pre><code>print('hi')\n</code></pre>" in html
    assert "<pre><code>indented = True\n</code></pre>" in html


def test_tables_render():
    html = render_markdown("| a | b |\n|---|:-:|\n| 1 | 2 |")
    assert "<table>" in html
    assert "<th>a</th>" in html
    assert "<td>1</td>" in html
    assert_harmless(html)


def test_headings_quotes_and_rules_render():
    html = render_markdown("## Heading\n\n> quoted\n\n---")
    assert "<h2>Heading</h2>" in html
    assert "<blockquote>" in html
    assert "<hr>" in html


def test_links_render_with_a_safe_rel():
    html = render_markdown(
        '[80,000 Hours](https://80000hours.org/ "Careers") and <https://example.com>'
    )
    links = [attrs for tag, attrs in elements(html) if tag == "a"]
    assert len(links) == 2
    assert links[0]["href"] == "https://80000hours.org/"
    assert links[0]["title"] == "Careers"
    assert links[1]["href"] == "https://example.com"
    for link in links:
        assert link["rel"] == "noopener noreferrer nofollow"


def test_a_rel_written_by_the_author_is_replaced():
    html = render_markdown('<a href="https://example.com" rel="opener" target="_blank">x</a>')
    (link,) = [attrs for tag, attrs in elements(html) if tag == "a"]
    assert link["rel"] == "noopener noreferrer nofollow"
    assert "target" not in link


def test_mailto_links_are_kept():
    html = render_markdown("[write to us](mailto:team@example.com)")
    assert 'href="mailto:team@example.com"' in html


def test_images_with_http_addresses_are_kept_as_links_to_them():
    html = render_markdown("![a chart](https://example.com/chart.png)")
    assert (
        "a",
        {"href": "https://example.com/chart.png", "rel": "noopener noreferrer nofollow"},
    ) in elements(html)
    assert "img" not in {tag for tag, _ in elements(html)}


def test_empty_and_missing_text_render_as_nothing():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


def test_the_template_filter_renders_without_escaping_twice():
    html = Template("{% load markup %}{{ text|markdown }}").render(
        Context({"text": "**bold** <script>alert(1)</script> & more"})
    )
    assert "<strong>bold</strong>" in html
    assert "&amp; more" in html
    assert "<script" not in html


FRAGMENTS = [
    "<script>",
    "</script>",
    "alert(1)",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "javascript:",
    "<a href='",
    "'>",
    '"',
    "<iframe>",
    "<style>",
    "<svg/onload=alert(1)>",
    "&#106;",
    "&#x09;",
    "`",
    "```\n",
    "*",
    "**",
    "[",
    "](",
    ")",
    "<",
    ">",
    "\n",
    "\n\n",
    "    ",
    "- ",
    "| a |",
    "text",
    "https://example.com",
    "<b>",
    "<p ",
    "on",
    "error=",
]


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=20).map("".join))
def test_nothing_put_together_from_dangerous_pieces_comes_out_harmful(text):
    assert_harmless(render_markdown(text))


# Through a page


@pytest.mark.django_db
def test_a_session_page_never_shows_script_from_course_text(participant_client):
    # The link comes first: a line that starts with <script> is raw HTML to
    # CommonMark, and the link would show as plain text.
    attack = (
        "[x](javascript:alert(1)) <script>alert(1)</script> "
        '<img src=x onerror="alert(1)"> <iframe src="https://evil.example"></iframe>'
    )
    course = CourseFactory(slug="safe", summary=attack, is_published=True)
    unit = UnitFactory(course=course, number=1, summary=attack)
    ResourceFactory(unit=unit, title="<script>alert(1)</script>", note=attack, is_core=True)
    ResourceFactory(unit=unit, note=attack, is_core=False)
    exercise = ExerciseFactory(unit=unit, instructions=attack)
    PromptFactory(exercise=exercise, text="<script>alert(1)</script>?", help_text=attack)

    response = participant_client.get(f"/courses/{course.slug}/sessions/1/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "javascript:" not in html
    assert "onerror" not in html
    assert "<iframe" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the title and prompt, escaped
    assert 'rel="noopener noreferrer nofollow"' in html  # the note's link, defanged


@pytest.mark.django_db
def test_a_course_page_never_shows_script_from_the_course_summary(participant_client):
    course = CourseFactory(summary="[x](javascript:alert(1)) <script>alert(1)</script>")
    UnitFactory(course=course, number=1)

    response = participant_client.get(course.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "javascript:" not in html
