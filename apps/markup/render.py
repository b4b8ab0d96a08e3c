"""Turn Markdown written by people into HTML that is safe to show to others.

Everything people write (course notes, answers, comments) goes through here.
Markdown allows raw HTML, so the output is sanitised with nh3 (a binding to
the Ammonia sanitiser) against an allow-list: no script, no event handlers,
no javascript: links, whatever the input.

Answers are written by participants and shown to others, so rendering must
take time linear in the text whatever it holds. The parser is pyromark, a
binding to the pulldown-cmark CommonMark parser, which is linear by design;
nesting.py keeps the sanitiser's share linear too. bench/markdown measures
both against plain prose.
"""

import nh3
import pyromark
from django.utils.safestring import SafeString, mark_safe

from apps.markup.nesting import cap_nesting

_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "dl", "dt", "em", "h1", "h2",
    "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub",
    "sup", "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}

# CommonMark plus tables. A parser is immutable, so every thread can share this one.
_parser = pyromark.Markdown(options=pyromark.Options.ENABLE_TABLES)


def render_markdown(text: str) -> SafeString:
    # A code block at the very end keeps its last newline only if the text has one.
    text = text or ""
    if text and not text.endswith("\n"):
        text += "\n"
    html = cap_nesting(_parser.html(text), allowed=_ALLOWED_TAGS)
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised just above
