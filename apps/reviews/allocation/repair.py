"""Local repairs: topping submissions up to k, and making room for a newcomer.

`fill` adds reviewers one at a time where a submission is short. It never moves
anything, so it is safe whenever stored work must stay put, and it keeps the promise to
authors: a submission stays short only when no eligible reviewer is left anywhere.

`insert` gives an author both reviewers and reviews to do by splitting assignments
that have not started yet. Nobody else's load or reviewer count changes, which is why
late submitters and small cohorts can be absorbed without unbalancing the round.

`relieve` hands unstarted work from reviewers above k to an author below k, for the
cases where splitting is no longer possible.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from .ledger import Ledger, Pair

Phase = tuple[bool, int | None]
"""(same cohort only, load cap): candidates must have a load strictly below the cap."""


def phases(ledger: Ledger) -> list[Phase]:
    """Where to look for a reviewer, in order of preference.

    The own cohort comes first as long as nobody goes above k + 1; only then other
    cohorts, first within the same bounds, and finally anyone, least loaded first,
    because an author's k reviews matter more than perfect balance.
    """
    k = ledger.k
    wide: list[Phase] = [(False, k), (False, k + 1), (False, None)]
    if ledger.pool == "round":
        return wide
    return [(True, k), (True, k + 1), *wide]


def fill(ledger: Ledger, only: Sequence[str] | None = None) -> None:
    """Top up submissions to k live reviews: all of them (in seeded order) or `only`."""
    order = only if only is not None else [ledger.sub_of[author] for author in ledger.ring]
    for sid in order:
        while ledger.coverage(sid) < ledger.k:
            reviewer = pick_reviewer(ledger, sid)
            if reviewer is None:
                break
            ledger.add(reviewer, sid)


def pick_reviewer(ledger: Ledger, sid: str) -> str | None:
    """Best eligible reviewer for `sid`, or None when nobody eligible is left.

    Within each phase a reviewer that would not create a reciprocal pair wins; among
    equals, people who have finished their own reviews come first, then lower load.
    """
    for same_cohort, cap in phases(ledger):
        for allow_reciprocal in (False, True):
            reviewer = _pick(ledger, sid, same_cohort, cap, allow_reciprocal)
            if reviewer is not None:
                return reviewer
    return None


def _pick(
    ledger: Ledger, sid: str, same_cohort: bool, cap: int | None, allow_reciprocal: bool
) -> str | None:
    def fits(reviewer: str) -> bool:
        return (
            (cap is None or ledger.load[reviewer] < cap)
            and ledger.eligible(reviewer, sid)
            and (allow_reciprocal or not ledger.reciprocal(reviewer, sid))
        )

    if same_cohort:
        candidates = [r for r in ledger.members[ledger.sub[sid].cohort] if fits(r)]
        return min(
            candidates,
            key=lambda r: (ledger.busy(r), ledger.load[r], ledger.rank[r]),
            default=None,
        )
    # Beyond the cohort the candidates are the whole round, so walk the load buckets
    # in preference order and stop at the first reviewer that fits.
    for (load, _), bucket in ledger.buckets(load_first=cap is None):
        if cap is None or load < cap:
            for reviewer in bucket:
                if fits(reviewer):
                    return reviewer
    return None


def insert(ledger: Ledger, author: str) -> None:
    """Give `author` up to k reviewers and k reviews by splitting movable assignments.

    A split turns `u -> v` into `u -> author's submission` plus `author -> v`, so `u`
    keeps its load and `v` keeps its reviewer count. In a cohort pool, splits are taken
    by tier: pairs with both ends (reviewer, reviewed author) in the author's cohort,
    then one end, then none, and only as a last resort pairs inside another small
    cohort, which would cost that cohort a review among its own members.

    Near the cohort each split is the one that adds the fewest reciprocal pairs, net
    of any it breaks up. Further away the round is too big to compare every pair, so
    the first split that creates no reciprocal pair is taken, or failing that any.
    """
    if not ledger.has_movable():
        return  # Everything has started: walking the round would find nothing.
    sid = ledger.sub_of[author]
    cohort = ledger.cohort_of[author] if ledger.pool == "cohort" else None

    def wants_more() -> bool:
        return ledger.load[author] < ledger.k and ledger.coverage(sid) < ledger.k

    if cohort is not None:
        for tier in (2, 1):
            if not wants_more():
                return
            # Listed once: the splits below only remove pairs from this list, and the
            # pairs they add involve the author, who cannot split them.
            arcs = _local_arcs(ledger, cohort, tier)
            while wants_more():
                arc = _best_split(ledger, author, sid, arcs)
                if arc is None:
                    break
                _split(ledger, author, sid, arc)
    for inside_small in (False, True) if cohort is not None else (False,):
        for allow_reciprocal in (False, True):
            for arc in _walk(ledger, cohort, inside_small):
                if not wants_more():
                    return
                if _splittable(ledger, author, sid, arc) and (
                    allow_reciprocal or not _creates_reciprocal(ledger, author, sid, arc)
                ):
                    _split(ledger, author, sid, arc)


def _best_split(ledger: Ledger, author: str, sid: str, arcs: list[Pair]) -> Pair | None:
    """The split among `arcs` that adds the fewest reciprocal pairs, net of one it breaks."""
    return min(
        (arc for arc in arcs if _splittable(ledger, author, sid, arc)),
        key=lambda arc: (
            _creates_reciprocal(ledger, author, sid, arc) - ledger.reciprocal(*arc),
            ledger.rank[arc[0]],
            ledger.sub_rank(arc[1]),
        ),
        default=None,
    )


def _local_arcs(ledger: Ledger, cohort: str, tier: int) -> list[Pair]:
    """Movable pairs with exactly `tier` of their ends (reviewer, reviewed author) in `cohort`."""
    touching: set[Pair] = set()
    for member in ledger.members[cohort]:
        own = ledger.sub_of[member]
        touching.update((member, sid) for sid in ledger.reviews_of[member])
        touching.update((reviewer, own) for reviewer in ledger.reviewers_of[own])
    return [
        (reviewer, sid)
        for reviewer, sid in touching
        if reviewer in ledger.available
        and ledger.movable((reviewer, sid))
        and (ledger.cohort_of[reviewer] == cohort) + (ledger.sub[sid].cohort == cohort) == tier
    ]


def _walk(ledger: Ledger, cohort: str | None, inside_small: bool) -> Iterator[Pair]:
    """Movable pairs with no end in `cohort`, reviewers in ring order from the cursor.

    With `inside_small` only pairs inside one small cohort, otherwise all but those.
    Starting where the previous split left off spreads borrowing over the round
    instead of always taking from the same few reviewers. Each reviewer's pairs are
    copied and sorted, which keeps the walk deterministic and safe while splits edit
    the ledger underneath it.
    """
    ring, start = ledger.ring, ledger.cursor
    for step in range(len(ring)):
        reviewer = ring[(start + step) % len(ring)]
        if reviewer not in ledger.available or ledger.cohort_of[reviewer] == cohort:
            continue
        own = ledger.cohort_of[reviewer]
        for sid in sorted(ledger.reviews_of[reviewer], key=ledger.sub_rank):
            target = ledger.sub[sid].cohort
            if (
                target != cohort
                and (target == own and own in ledger.small_cohorts) == inside_small
                and ledger.movable((reviewer, sid))
            ):
                yield reviewer, sid


def _splittable(ledger: Ledger, author: str, sid: str, arc: Pair) -> bool:
    """Can `arc` be split to fit `author` in without anyone reviewing twice or themselves?"""
    reviewer, target = arc
    return (
        ledger.movable(arc) and ledger.eligible(reviewer, sid) and ledger.eligible(author, target)
    )


def _creates_reciprocal(ledger: Ledger, author: str, sid: str, arc: Pair) -> int:
    """How many reciprocal pairs the two new assignments of a split would create (0-2)."""
    reviewer, target = arc
    return ledger.reciprocal(reviewer, sid) + ledger.reciprocal(author, target)


def _split(ledger: Ledger, author: str, sid: str, arc: Pair) -> None:
    reviewer, target = arc
    ledger.remove(reviewer, target)
    ledger.add(reviewer, sid)
    ledger.add(author, target)
    ledger.cursor = ledger.rank[reviewer] + 1


def relieve(ledger: Ledger, author: str) -> None:
    """Let an author below k take unstarted work off reviewers above k.

    This matters when the author's submission already has its reviewers, for example
    because a top-up ran before the author was fitted in: splitting is then impossible,
    but moving work from the overloaded still evens loads out. Own cohort first.
    """
    if ledger.load[author] >= ledger.k:
        return
    cohort = ledger.cohort_of[author]
    scopes = (True, False) if ledger.pool == "cohort" else (False,)
    for same_cohort in scopes:
        for allow_reciprocal in (False, True):
            for donor in _overloaded(ledger, cohort if same_cohort else None):
                for sid in sorted(ledger.reviews_of[donor], key=ledger.sub_rank):
                    if ledger.load[author] >= ledger.k:
                        return
                    if ledger.load[donor] <= ledger.k:
                        break
                    if (
                        ledger.movable((donor, sid))
                        and ledger.eligible(author, sid)
                        and (allow_reciprocal or not ledger.reciprocal(author, sid))
                    ):
                        ledger.remove(donor, sid)
                        ledger.add(author, sid)


def _overloaded(ledger: Ledger, cohort: str | None) -> list[str]:
    """Available reviewers above k, in `cohort` or anywhere, most loaded first."""
    if cohort is not None:
        heavy = [r for r in ledger.members[cohort] if r in ledger.available]
    else:
        buckets = ledger.buckets(load_first=True)
        heavy = [r for (load, _), bucket in buckets if load > ledger.k for r in bucket]
    return sorted(
        (r for r in heavy if ledger.load[r] > ledger.k),
        key=lambda r: (-ledger.load[r], ledger.rank[r]),
    )
