"""Markdown built to make a parser backtrack renders in reasonable time, and safely.

The shapes (bench.markdown.inputs) are the ones that kept Python-Markdown busy
for minutes. Each test renders one at the answer's size limit under a 20-second
alarm: not a speed target (bench/markdown measures that), only proof that it
cannot hang a page.
"""

import signal

import pytest

from apps.markup.nesting import MAX_ATTRIBUTES, MAX_DEPTH, cap_nesting
from apps.markup.render import render_markdown
from apps.submissions.models import MAX_ANSWER_CHARACTERS
from bench.markdown.inputs import HOSTILE
from tests.markup.test_render import assert_harmless

LIMIT_SECONDS = 20


class TookTooLong(Exception):
    pass


@pytest.fixture
def alarm():
    def give_up(signum, frame):
        raise TookTooLong(f"still rendering after {LIMIT_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.alarm(LIMIT_SECONDS)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("shape", HOSTILE)
def test_hostile_input_at_the_answer_size_limit_renders_without_hanging(shape, alarm):
    html = render_markdown(HOSTILE[shape](MAX_ANSWER_CHARACTERS))
    assert_harmless(html)


def test_quotes_nested_past_the_cap_keep_their_text_but_not_their_depth():
    html = render_markdown(">" * 100 + " deep")
    assert html.count("<blockquote>") == MAX_DEPTH
    assert "deep" in html


def test_tags_nested_past_the_cap_are_dropped_and_their_text_kept():
    html = cap_nesting("<b>x" * 100, allowed={"b"})
    assert html.count("<b>") == MAX_DEPTH
    assert html.count("x") == 100


def test_an_end_tag_hidden_in_a_comment_does_not_close_anything():
    html = cap_nesting("<b><!-- </b> -->x" * 100, allowed={"b"})
    assert html.count("<b>") == MAX_DEPTH
    assert "</b>" not in html


def test_tags_outside_the_allow_list_are_dropped_so_nothing_hides_inside_them():
    html = cap_nesting("<textarea></b></textarea><b>x", allowed={"b"})
    assert html == "</b><b>x"


def test_script_and_style_go_with_their_content():
    html = cap_nesting("a<script>alert(1)</script>b<STYLE>p {}</style>c", allowed={"b"})
    assert html == "abc"


def test_a_less_than_sign_that_starts_no_tag_is_written_as_text():
    assert cap_nesting("1 < 2 and <3 and <b", allowed={"b"}) == "1 &lt; 2 and &lt;3 and &lt;b"


def test_a_tag_with_more_attributes_than_writing_uses_is_read_as_text():
    names = " ".join(f"a{number}" for number in range(MAX_ATTRIBUTES + 1))

    assert cap_nesting(f"<b {names}>x", allowed={"b"}) == f"&lt;b {names}>x"
    assert cap_nesting("<b title=t>x", allowed={"b"}) == "<b title=t>x"
