"""Compare the HTML of this renderer with an earlier one: ``python -m bench.markdown.compare``.

Renders every Markdown field of the demo course (read with the course-file
reader) and every answer in bench.markdown.answers with both renderers,
normalises whitespace, and prints each text whose HTML differs. The earlier
renderer is apps/markup as it was at a git commit (``--commit``, by default
the last one before the markup budget), unpacked into a temporary directory
and run there, so that it uses its own modules throughout. It needs the
packages it imported: for a commit that used Python-Markdown (fa3b0e7 and
earlier), ``pip install markdown==3.11.3``.
"""

import argparse
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from html import escape
from html.parser import HTMLParser
from pathlib import Path

from apps.courses.coursefiles import read_course
from apps.markup.render import render_markdown
from bench.markdown.answers import ANSWERS

OLD_COMMIT = "66021fb"
DEMO = Path(__file__).resolve().parents[2] / "demo" / "ai-alignment-fundamentals"
# The course-file fields that pages show through the markdown filter.
MARKDOWN_FIELDS = {"summary", "note", "instructions", "help", "description"}
_BLOCK_TAGS = "p|ul|ol|li|dl|dt|dd|blockquote|pre|table|thead|tbody|tr|th|td|h[1-6]|hr|br"


_RENDER_ALL = (
    "import json, sys\n"
    "from apps.markup.render import render_markdown\n"
    "print(json.dumps([render_markdown(text) for text in json.load(sys.stdin)]))\n"
)


def _render_at(commit: str, texts: list[str]) -> list[str]:
    """Each text rendered by apps/markup as it was at commit."""
    archive = subprocess.run(
        ["git", "archive", commit, "apps/__init__.py", "apps/markup"],
        check=True,
        capture_output=True,
    ).stdout
    with tempfile.TemporaryDirectory() as tree:
        with tarfile.open(fileobj=io.BytesIO(archive)) as files:
            files.extractall(tree, filter="data")
        rendered = subprocess.run(
            [sys.executable, "-c", _RENDER_ALL],
            cwd=tree,
            input=json.dumps(texts),
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    return json.loads(rendered)


def realistic_texts() -> list[tuple[str, str]]:
    """Every Markdown field of the demo course and every answer in the corpus, named."""
    texts = list(_fields(read_course(DEMO), "demo"))
    return texts + [(f"answer {number}", text) for number, text in enumerate(ANSWERS, start=1)]


def _fields(value, path: str):
    """Every non-empty Markdown field in a course spec, named by where it sits."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in MARKDOWN_FIELDS and isinstance(item, str):
                if item:
                    yield f"{path}.{key}", item
            else:
                yield from _fields(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            label = item.get("slug", index) if isinstance(item, dict) else index
            yield from _fields(item, f"{path}[{label}]")


class _Canonical(HTMLParser):
    """HTML written back with runs of whitespace as one space and attributes in order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        written = "".join(f' {name}="{escape(value or "")}"' for name, value in sorted(attrs))
        self.parts.append(f"<{tag}{written}>")

    def handle_endtag(self, tag):
        self.parts.append(f"</{tag}>")

    def handle_data(self, data):
        self.parts.append(escape(data, quote=False))


def normalise(html: str) -> str:
    """Whitespace collapsed, and dropped beside block tags where it shows as nothing."""
    canonical = _Canonical()
    canonical.feed(html)
    canonical.close()
    text = re.sub(r"\s+", " ", "".join(canonical.parts)).strip()
    return re.sub(rf" ?(</?(?:{_BLOCK_TAGS})>) ?", r"\1", text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commit", default=OLD_COMMIT)
    args = parser.parse_args()

    texts = realistic_texts()
    earlier = _render_at(args.commit, [text for _, text in texts])
    differences = 0
    for (where, text), old_html in zip(texts, earlier, strict=True):
        old, new = normalise(old_html), normalise(render_markdown(text))
        if old != new:
            differences += 1
            print(f"--- {where}\n{text}\n  old: {old}\n  new: {new}\n")
    print(f"{differences} of {len(texts)} texts render differently.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
