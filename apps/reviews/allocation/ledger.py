"""In-memory state of one round while an allocation call runs.

Every public entry point builds a `Ledger` from its inputs, changes it only through
`add` and `remove`, and reads the net difference back with `changes`. Keeping all the
indexes in one place lets each strategy ask cheap questions ("who is least loaded?",
"would this pair be reciprocal?") without rescanning the round.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable, Iterator

from .model import COVERING, LOADED, OUTSTANDING, Assignment, Changes, Pool, Status, Submission

Pair = tuple[str, str]
"""(reviewer, submission id)."""

BucketKey = tuple[int, bool]
"""(load, still owes reviews) of an available reviewer."""


class Ledger:
    """Who reviews what in one round, plus the edits made during the current call."""

    def __init__(
        self,
        submissions: Iterable[Submission],
        existing: Iterable[Assignment],
        *,
        k: int,
        pool: Pool,
        seed: int,
        unavailable: Iterable[str] = (),
        movable: Collection[Status] = (),
    ) -> None:
        """Index the round.

        `movable` lists the statuses of existing assignments that may be handed to someone
        else; assignments created during this call are always movable.
        """
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k}")
        if pool not in ("cohort", "round"):
            raise ValueError(f"pool must be 'cohort' or 'round', got {pool!r}")
        self.k = k
        self.pool: Pool = pool
        self._index_submissions(submissions, seed)
        excluded = set(unavailable)
        self.available = {author for author in self.ring if author not in excluded}
        self.reviewers_of: dict[str, dict[str, None]] = {sid: {} for sid in self.sub}
        self.reviews_of: dict[str, dict[str, None]] = {author: {} for author in self.ring}
        self.load: dict[str, int] = dict.fromkeys(self.ring, 0)
        self.owed: dict[str, int] = dict.fromkeys(self.ring, 0)
        self.existing: dict[Pair, Assignment] = {}
        self.created: dict[Pair, None] = {}
        self.cancelled: list[Assignment] = []
        self.cursor = 0
        self._movable_existing: set[Pair] = set()
        self._record_existing(existing, frozenset(movable))
        self._buckets: dict[BucketKey, dict[str, None]] | None = None
        self._bucket_of: dict[str, BucketKey] = {}

    def _index_submissions(self, submissions: Iterable[Submission], seed: int) -> None:
        """Sort, validate and shuffle once, so results depend on the seed, not input order."""
        ordered = sorted(submissions, key=lambda s: s.id)
        self.sub = {s.id: s for s in ordered}
        if len(self.sub) != len(ordered):
            raise ValueError("submission ids must be unique")
        self.sub_of = {s.author: s.id for s in ordered}
        if len(self.sub_of) != len(ordered):
            raise ValueError("each author may have only one submission in a round")
        self.cohort_of = {s.author: s.cohort for s in ordered}
        shuffled = list(ordered)
        random.Random(seed).shuffle(shuffled)
        self.ring = [s.author for s in shuffled]
        self.rank = {author: i for i, author in enumerate(self.ring)}
        self.members: dict[str, list[str]] = {}
        for author in self.ring:
            self.members.setdefault(self.cohort_of[author], []).append(author)
        self.small_cohorts = frozenset(
            cohort
            for cohort, group in self.members.items()
            if self.pool == "cohort" and len(group) <= self.k
        )

    def _record_existing(self, existing: Iterable[Assignment], movable: frozenset[Status]) -> None:
        """Load stored assignments; ones for submissions outside the pool only add load.

        Reviewers outside the pool (say, a facilitator) are tracked too, but never get
        new work because they are not in `available`. Input order does not matter:
        every search over these links sorts them or goes by seeded rank.
        """
        stored, load, owed, sub = self.existing, self.load, self.owed, self.sub
        reviewers_of, reviews_of = self.reviewers_of, self.reviews_of
        for assignment in existing:
            reviewer, sid, status = assignment.reviewer, assignment.submission, assignment.status
            pair = (reviewer, sid)
            if pair in stored:
                raise ValueError(f"duplicate assignment {pair}")
            stored[pair] = assignment
            if reviewer not in load:
                load[reviewer] = owed[reviewer] = 0
                reviews_of[reviewer] = {}
            if status in LOADED:
                load[reviewer] += 1
            if status in OUTSTANDING:
                owed[reviewer] += 1
            if status in COVERING and sid in sub:
                reviewers_of[sid][reviewer] = None
                reviews_of[reviewer][sid] = None
                if status in movable:
                    self._movable_existing.add(pair)

    # Queries -------------------------------------------------------------------------

    def author(self, sid: str) -> str:
        return self.sub[sid].author

    def sub_rank(self, sid: str) -> int:
        """Seeded position of a submission, for deterministic tie-breaks."""
        return self.rank[self.sub[sid].author]

    def coverage(self, sid: str) -> int:
        """How many live reviews the submission has now."""
        return len(self.reviewers_of[sid])

    def eligible(self, reviewer: str, sid: str) -> bool:
        """May `reviewer` be given `sid`: available, not the author, never paired before."""
        pair = (reviewer, sid)
        return (
            reviewer in self.available
            and reviewer != self.sub[sid].author
            and pair not in self.existing
            and pair not in self.created
        )

    def movable(self, pair: Pair) -> bool:
        """May this live assignment be handed to someone else?"""
        return pair in self.created or pair in self._movable_existing

    def has_movable(self) -> bool:
        """Is any live assignment movable at all? Lets searches skip hopeless walks."""
        return bool(self.created or self._movable_existing)

    def reciprocal(self, reviewer: str, sid: str) -> bool:
        """Would `reviewer -> sid` mirror a live review of `reviewer`'s own submission?"""
        own = self.sub_of.get(reviewer)
        return own is not None and self.sub[sid].author in self.reviewers_of[own]

    def busy(self, reviewer: str) -> bool:
        """Does the reviewer still owe reviews (not yet finished their own share)?"""
        return self.owed[reviewer] > 0

    def buckets(self, *, load_first: bool) -> Iterator[tuple[BucketKey, dict[str, None]]]:
        """Available reviewers grouped by (load, busy), best group first.

        Groups are few (loads stay near k), so sorting their keys on each call is cheap
        and lets a round-wide search stop at the first eligible reviewer. They are built
        on first use: a plain layout never needs them.
        """
        if self._buckets is None:
            self._buckets = {}
            for author in self.ring:
                if author in self.available:
                    key = (self.load[author], self.owed[author] > 0)
                    self._buckets.setdefault(key, {})[author] = None
                    self._bucket_of[author] = key
        buckets = self._buckets
        keys = sorted(buckets, key=lambda key: key if load_first else (key[1], key[0]))
        for key in keys:
            yield key, buckets[key]

    def fresh_groups(self) -> list[list[str]]:
        """Available authors of each group (cohort, or the whole round) nobody touched yet.

        Only such groups can be laid out from scratch; a group with any stored
        assignment is topped up instead, so earlier decisions stay put.
        """
        touched = {reviewer for reviewer, _ in self.existing}
        touched.update(self.sub[sid].author for _, sid in self.existing if sid in self.sub)
        groups = [self.ring] if self.pool == "round" else list(self.members.values())
        fresh = []
        for group in groups:
            if not touched.intersection(group):
                authors = [author for author in group if author in self.available]
                if authors:
                    fresh.append(authors)
        return fresh

    # Edits ---------------------------------------------------------------------------

    def add(self, reviewer: str, sid: str) -> None:
        """Create a new, not-started assignment (the reviewer is always in the pool).

        This runs n·k times in a layout, so it updates the indexes inline.
        """
        self.created[(reviewer, sid)] = None
        self.reviewers_of[sid][reviewer] = None
        self.reviews_of[reviewer][sid] = None
        self.load[reviewer] += 1
        self.owed[reviewer] += 1
        if self._buckets is not None:
            self._rebucket(reviewer)

    def remove(self, reviewer: str, sid: str) -> None:
        """Withdraw a live assignment the reviewer still owes (so load and owed drop).

        Undoing an assignment created in this call just forgets it. Withdrawing a stored
        one records it for cancellation, and its pair keeps blocking a repeat, so the
        same person is never asked twice for the same submission.
        """
        pair = (reviewer, sid)
        del self.reviewers_of[sid][reviewer]
        del self.reviews_of[reviewer][sid]
        self.load[reviewer] -= 1
        self.owed[reviewer] -= 1
        self._rebucket(reviewer)
        if pair in self.created:
            del self.created[pair]
        else:
            self._movable_existing.discard(pair)
            self.cancelled.append(self.existing[pair])

    def changes(self) -> Changes:
        cohort_of, sub = self.cohort_of, self.sub
        created = tuple(
            Assignment(reviewer, sid, cross_cohort=cohort_of[reviewer] != sub[sid].cohort)
            for reviewer, sid in self.created
        )
        return Changes(cancel=tuple(self.cancelled), create=created)

    def _rebucket(self, reviewer: str) -> None:
        if self._buckets is None or reviewer not in self.available:
            return
        key = (self.load[reviewer], self.busy(reviewer))
        old = self._bucket_of.get(reviewer)
        if old == key:
            return
        if old is not None:
            bucket = self._buckets[old]
            del bucket[reviewer]
            if not bucket:
                del self._buckets[old]
        self._buckets.setdefault(key, {})[reviewer] = None
        self._bucket_of[reviewer] = key
