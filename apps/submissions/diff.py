"""What changed between two versions of a submission's answers.

Text is compared word by word; lists and milestones item by item. These are
plain functions on plain data (no Django), returning pieces of text labelled
same / added / removed. They never produce HTML: the template escapes every
piece, so whatever a person wrote stays text.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher

SAME, ADDED, REMOVED = "same", "added", "removed"

# A word with the whitespace after it. Words are compared without that
# whitespace, so a change of spacing alone is not reported as a change.
_WORDS = re.compile(r"\s*\S+\s*|\s+")
# Lines with the blank lines after them, so empty lines (all alike) are not
# matched with each other across the text.
_LINES = re.compile(r"[^\n]+\n*|\n+")
# Comparing word by word costs up to the product of the two lengths, so it runs
# within changed lines only, and a block of changed lines longer than this (in
# words, both sides together) is shown as replaced as a whole.
WORD_DIFF_LIMIT = 2_000


@dataclass(frozen=True)
class Segment:
    kind: str  # SAME, ADDED or REMOVED
    text: str


@dataclass
class PromptChange:
    """How one prompt's answer changed: segments for text, items for lists."""

    slug: str
    kind: str  # "text" or "items"
    segments: list[Segment] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        if self.kind == "text":
            return any(segment.kind != SAME for segment in self.segments)
        return bool(self.added or self.removed)


def _word_ops(old: str, new: str) -> list[tuple[str, str, str]]:
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    if len(a) + len(b) > WORD_DIFF_LIMIT:
        return [("change", old, new)]
    matcher = SequenceMatcher(None, [w.strip() for w in a], [w.strip() for w in b], autojunk=False)
    ops = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops.append((SAME, "".join(b[j1:j2]), ""))
        else:
            ops.append(("change", "".join(a[i1:i2]), "".join(b[j1:j2])))
    return ops


def words_diff(old: str, new: str) -> list[Segment]:
    """The new text as segments, with removed words placed where they were."""
    a, b = _LINES.findall(old), _LINES.findall(new)
    ops = []  # (SAME, text, "") or ("change", removed text, added text)
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append((SAME, "".join(a[i1:i2]), ""))
        else:
            ops += _word_ops("".join(a[i1:i2]), "".join(b[j1:j2]))
    # A lone space between two changes reads better inside one change:
    # "<del>old words</del><ins>new words</ins>" rather than word by word.
    merged: list[tuple[str, str, str]] = []
    for index, (kind, first, second) in enumerate(ops):
        between_changes = 0 < index < len(ops) - 1 and (
            ops[index - 1][0] == "change" and ops[index + 1][0] == "change"
        )
        if kind == SAME and between_changes and not first.strip():
            kind, second = "change", first
        if merged and merged[-1][0] == kind:
            _, earlier_first, earlier_second = merged.pop()
            first, second = earlier_first + first, earlier_second + second
        merged.append((kind, first, second))
    segments = []
    for kind, first, second in merged:
        if kind == SAME:
            segments.append(Segment(SAME, first))
            continue
        if first:
            segments.append(Segment(REMOVED, first))
        if second:
            segments.append(Segment(ADDED, second))
    return segments


def items_diff(old: list[str], new: list[str]) -> tuple[list[str], list[str]]:
    """Items added and items removed, each in the order they appear.

    Counted as multisets: an item that only moved is neither added nor removed.
    """
    old_count, new_count = Counter(old), Counter(new)
    added_left = new_count - old_count
    removed_left = old_count - new_count
    added, removed = [], []
    for item in new:
        if added_left[item] > 0:
            added.append(item)
            added_left[item] -= 1
    for item in old:
        if removed_left[item] > 0:
            removed.append(item)
            removed_left[item] -= 1
    return added, removed


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _items(kind: str, value) -> list[str]:
    """List answers as strings; a milestone reads "title (by date)"."""
    values = value if isinstance(value, list) else []
    if kind == "list":
        return [item for item in values if isinstance(item, str) and item.strip()]
    rows = []
    for item in values:
        if not isinstance(item, dict):
            continue
        title, when = _text(item.get("title")).strip(), _text(item.get("date")).strip()
        if title or when:
            rows.append(f"{title} (by {when})" if when else title)
    return rows


def answers_diff(prompts: list[tuple[str, str]], old: dict, new: dict) -> list[PromptChange]:
    """One change per prompt, in prompt order.

    `prompts` are (slug, answer kind) pairs, the kind being "text", "list" or
    "milestones" as in Prompt.Answer.
    """
    changes = []
    for slug, kind in prompts:
        if kind == "text":
            changes.append(
                PromptChange(
                    slug, "text", segments=words_diff(_text(old.get(slug)), _text(new.get(slug)))
                )
            )
        else:
            added, removed = items_diff(_items(kind, old.get(slug)), _items(kind, new.get(slug)))
            changes.append(PromptChange(slug, "items", added=added, removed=removed))
    return changes
