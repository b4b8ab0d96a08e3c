"""From-scratch layout for groups (cohorts, or the whole round) that have no assignments yet.

A group of n >= k + 1 authors is laid out as a circulant: in seeded order, the author
at position i reviews positions i+1 .. i+k (mod n). Everyone then gives and receives
exactly k reviews, nobody reviews themselves, no pair repeats, and no pair is
reciprocal when n >= 2k + 1. Below that, some reciprocal pairs are unavoidable (n * k
reviews must fit among n(n-1)/2 unordered pairs) and the circulant uses the fewest
possible, because offsets d and n - d are the only ones that mirror each other.

A group too small for k reviewers (n <= k) first reviews itself completely, then each
member borrows the missing reviews from other cohorts with `insert`, which keeps all
loads at exactly k. When no cohort is big enough to borrow from, the small groups are
merged into one ring instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from .ledger import Ledger
from .repair import insert


def lay_out_fresh_groups(ledger: Ledger) -> None:
    """Lay out every untouched group; groups with stored assignments are left to `fill`."""
    groups = ledger.fresh_groups()
    small = [group for group in groups if len(group) <= ledger.k]
    for group in groups:
        if len(group) > ledger.k:
            circulant(ledger, group)
    if not small:
        return
    if ledger.created:
        for group in small:
            complete(ledger, group)
        for group in small:
            for author in group:
                insert(ledger, author)
        return
    merged = [author for group in small for author in group]
    if len(merged) > ledger.k:
        circulant(ledger, merged)
    else:
        complete(ledger, merged)


def circulant(ledger: Ledger, ring: Sequence[str]) -> None:
    """Each author reviews the next k authors around the ring (needs len(ring) > k)."""
    n = len(ring)
    for i, reviewer in enumerate(ring):
        for offset in range(1, ledger.k + 1):
            ledger.add(reviewer, ledger.sub_of[ring[(i + offset) % n]])


def complete(ledger: Ledger, group: Sequence[str]) -> None:
    """Everyone in a group of at most k reviews everyone else in it."""
    for reviewer in group:
        for other in group:
            if other != reviewer:
                ledger.add(reviewer, ledger.sub_of[other])
