"""Benchmark render_markdown on hostile input: ``python -m bench.markdown``.

For each shape in bench.markdown.inputs it renders 100,000 characters of the
shape (the answer's size limit) and, alternately in the same loop, 100,000
characters of plain prose: the floor. Alternating means a burst of load from
elsewhere on the machine slows both alike. Prints a Markdown table with the
fastest run of each and their ratio; the target is every ratio at or under
10x. The fastest run, not the median, because other work on this two-core
machine only ever adds time, and in bursts that a median of a few runs of a
few milliseconds does not smooth out.

A last row does the same for realistic writing: the demo course's texts and
the answers in bench.markdown.answers (what compare.py renders), joined and
repeated to the same length. It must stay within its markup budget
(apps/markup/budget.py), so that it renders as Markdown; the run says how
much of the budget it spends.
"""

import argparse
import sys
import time

from apps.markup.budget import markup_budget, markup_in
from apps.markup.render import _parser, render_markdown
from bench.markdown.compare import realistic_texts
from bench.markdown.inputs import HOSTILE, prose, repeat

TARGET_RATIO = 10.0


def _ms(text: str) -> float:
    start = time.perf_counter()
    render_markdown(text)
    return (time.perf_counter() - start) * 1000


def _row(name: str, text: str, floor_text: str, runs: int) -> float:
    """Print one row of the table and return the ratio."""
    measured, floor = [], []
    for _ in range(runs):
        measured.append(_ms(text))
        floor.append(_ms(floor_text))
    ratio = min(measured) / min(floor)
    print(f"| `{name}` | {min(measured):.1f} | {min(floor):.1f} | {ratio:.1f}x |", flush=True)
    return ratio


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--length", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()

    floor_text = prose(args.length)
    print(f"| shape | {args.length:,} chars, ms | prose floor, ms | ratio |")
    print("|---|---:|---:|---:|")
    over = [
        name
        for name, make in HOSTILE.items()
        if _row(name, make(args.length), floor_text, args.runs) > TARGET_RATIO
    ]
    realistic = repeat("\n\n".join(text for _, text in realistic_texts()) + "\n\n", args.length)
    _row("realistic: demo course and answers", realistic, floor_text, args.runs)

    print(f"\n{len(HOSTILE) - len(over)} of {len(HOSTILE)} shapes within {TARGET_RATIO:g}x.")
    spent, budget = markup_in(_parser.html(realistic)), markup_budget(realistic)
    print(f"The realistic text spends {spent:,} of its markup budget of {budget:,}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
