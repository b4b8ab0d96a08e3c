"""Turn Markdown written by people into HTML that is safe to show to others.

Everything people write (course notes, answers, comments) goes through here.
Markdown allows raw HTML, so the output is sanitised with nh3 (a binding to
the Ammonia sanitiser) against an allow-list: no script, no event handlers,
no javascript: links, whatever the input.
"""

import threading
from functools import lru_cache

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

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


_local = threading.local()


def _converter() -> markdown.Markdown:
    # Building a converter costs more than converting a short note, and one
    # converter must not be shared between threads, so each thread keeps one.
    if not hasattr(_local, "converter"):
        _local.converter = markdown.Markdown(
            extensions=["extra", "sane_lists"], output_format="html"
        )
    return _local.converter


def render_markdown(text: str) -> SafeString:
    return _render(text or "")


# The same notes and instructions are shown on page after page; their HTML
# depends on nothing but the text, so recent results are kept.
@lru_cache(maxsize=4096)
def _render(text: str) -> SafeString:
    html = _converter().reset().convert(text)
    clean = nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised just above
