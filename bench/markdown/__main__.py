"""Benchmark render_markdown on hostile input: ``python -m bench.markdown``.

For each shape in bench.markdown.inputs it renders 100,000 characters of the
shape (the answer's size limit) and, alternately in the same loop, 100,000
characters of plain prose: the floor. Alternating means a burst of load from
elsewhere on the machine slows both alike. Prints a Markdown table with the
median of each and their ratio; the target is every ratio at or under 10x.
"""

import argparse
import statistics
import sys
import time

from apps.markup.render import render_markdown
from bench.markdown.inputs import HOSTILE, prose

TARGET_RATIO = 10.0


def _ms(text: str) -> float:
    start = time.perf_counter()
    render_markdown(text)
    return (time.perf_counter() - start) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--length", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    floor_text = prose(args.length)
    print(f"| shape | {args.length:,} chars, ms | prose floor, ms | ratio |")
    print("|---|---:|---:|---:|")
    over = []
    for name, make in HOSTILE.items():
        text = make(args.length)
        hostile, floor = [], []
        for _ in range(args.runs):
            hostile.append(_ms(text))
            floor.append(_ms(floor_text))
        ratio = statistics.median(hostile) / statistics.median(floor)
        if ratio > TARGET_RATIO:
            over.append(name)
        print(
            f"| `{name}` | {statistics.median(hostile):.1f} | {statistics.median(floor):.1f} "
            f"| {ratio:.1f}x |",
            flush=True,
        )
    print(f"\n{len(HOSTILE) - len(over)} of {len(HOSTILE)} shapes within {TARGET_RATIO:g}x.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
