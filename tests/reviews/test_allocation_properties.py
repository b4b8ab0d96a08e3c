"""Property-based checks of the allocation promises over random rounds.

Rounds have 1-6 cohorts of 1-8 authors and k between 1 and 3, so tiny cohorts, rounds
smaller than k + 1 and cohorts of every shape around 2k + 1 all come up often.
"""

import random
from dataclasses import dataclass, replace

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from apps.reviews.allocation import (
    Assignment,
    Changes,
    Pool,
    Status,
    Submission,
    allocate,
    fit_late_submissions,
    reassign,
)
from apps.reviews.allocation.model import OUTSTANDING
from tests.reviews import (
    State,
    apply,
    assert_well_formed,
    coverage,
    eligible,
    loads,
    make_round,
    reciprocal_pairs,
    state_of,
)

FAST = settings(max_examples=100, deadline=None)


@dataclass(frozen=True)
class Round:
    k: int
    pool: Pool
    seed: int
    sizes: tuple[int, ...]

    @property
    def submissions(self) -> list[Submission]:
        return make_round(*self.sizes)

    def allocate(self, submissions: list[Submission]) -> list[Assignment]:
        return allocate(submissions, k=self.k, pool=self.pool, seed=self.seed)


rounds = st.builds(
    Round,
    k=st.integers(1, 3),
    pool=st.sampled_from(["cohort", "round"]),
    seed=st.integers(0, 10_000),
    sizes=st.lists(st.integers(1, 8), min_size=1, max_size=6).map(tuple),
)


def forced_reciprocal_pairs(n: int, k: int) -> int:
    """Fewest reciprocal pairs when n > k people review k others each among themselves."""
    return max(0, n * k - n * (n - 1) // 2)


def with_progress(state: State, rng: random.Random, statuses: list[Status]) -> State:
    """Move unstarted reviews to random statuses; abandoned ones stay abandoned."""
    return {
        key: replace(a, status=rng.choice(statuses)) if a.status == Status.NOT_STARTED else a
        for key, a in state.items()
    }


@FAST
@given(rounds)
def test_fresh_allocation_keeps_every_promise(r: Round) -> None:
    submissions = r.submissions
    created = r.allocate(submissions)
    state = state_of(created)
    assert len(state) == len(created), "a pair was assigned twice"
    assert_well_formed(submissions, state)

    expected = min(r.k, len(submissions) - 1)
    assert set(coverage(submissions, state).values()) == {expected}
    assert set(loads(submissions, state).values()) == {expected}

    if r.pool == "round":
        if len(submissions) > r.k:
            assert len(reciprocal_pairs(submissions, state)) == forced_reciprocal_pairs(
                len(submissions), r.k
            )
        return
    cohort_size = {f"c{c}": size for c, size in enumerate(r.sizes)}
    cohort_of = {s.author: s.cohort for s in submissions}
    by_id = {s.id: s for s in submissions}
    for a in created:
        if a.cross_cohort:
            touched = (cohort_of[a.reviewer], by_id[a.submission].cohort)
            assert min(cohort_size[c] for c in touched) <= r.k, "needless cross-cohort review"
    big = [size for size in r.sizes if size > r.k]
    if len(big) == len(r.sizes):
        floor = sum(forced_reciprocal_pairs(size, r.k) for size in r.sizes)
        assert len(reciprocal_pairs(submissions, state)) == floor
    if big:
        # With someone to borrow from, a small cohort still reviews itself completely.
        for s in submissions:
            if cohort_size[s.cohort] <= r.k:
                peers = {p.author for p in submissions if p.cohort == s.cohort} - {s.author}
                assert peers <= {a.reviewer for a in created if a.submission == s.id}


@FAST
@given(rounds, st.randoms(use_true_random=False))
def test_allocation_is_idempotent_and_ignores_input_order(r: Round, rng: random.Random) -> None:
    submissions = r.submissions
    created = r.allocate(submissions)
    assert allocate(submissions, k=r.k, pool=r.pool, existing=created, seed=r.seed) == []
    shuffled = list(submissions)
    rng.shuffle(shuffled)
    assert set(r.allocate(shuffled)) == set(created)


@FAST
@given(rounds, st.randoms(use_true_random=False))
def test_topping_up_only_adds_and_covers_everyone_it_can(r: Round, rng: random.Random) -> None:
    submissions = r.submissions
    state = with_progress(
        state_of(r.allocate(submissions)),
        rng,
        [Status.NOT_STARTED, Status.DONE, Status.ABANDONED, Status.HIDDEN],
    )
    unavailable = [s.author for s in submissions if rng.random() < 0.1]
    options = {"k": r.k, "pool": r.pool, "seed": r.seed, "unavailable": unavailable}

    created = allocate(submissions, existing=state.values(), **options)
    assert not any(a.reviewer in unavailable for a in created)
    state = apply(state, Changes(create=tuple(created)))
    assert_well_formed(submissions, state)
    for sid, count in coverage(submissions, state).items():
        assert count == r.k or (count < r.k and not eligible(submissions, state, sid, unavailable))
    assert allocate(submissions, existing=state.values(), **options) == []


def fit_late(
    r: Round, submissions: list[Submission], late: list[str], state: State, one_by_one: bool
) -> tuple[State, int]:
    """Fit `late` in one call, or one call per arrival; return the state and the moves.

    One call per arrival passes every submission still short of k reviews, as the
    platform's task does, and checks that repeating a call changes nothing.
    """
    if not one_by_one:
        return _fit_once(r, submissions, late, state)
    present = [s for s in submissions if s.id not in late]
    moves = 0
    for sid in late:
        present.append(next(s for s in submissions if s.id == sid))
        waiting = [sid for sid, count in coverage(present, state).items() if count < r.k]
        state, moved = _fit_once(r, present, waiting, state)
        moves += moved
    return state, moves


def _fit_once(
    r: Round, submissions: list[Submission], late: list[str], state: State
) -> tuple[State, int]:
    changes = fit_late_submissions(
        submissions, late, k=r.k, pool=r.pool, existing=state.values(), seed=r.seed
    )
    assert all(a.status == Status.NOT_STARTED for a in changes.cancel)
    state = apply(state, changes)
    again = fit_late_submissions(
        submissions, late, k=r.k, pool=r.pool, existing=state.values(), seed=r.seed
    )
    assert again.cancel == again.create == (), "a repeated call changed something"
    return state, len(changes.cancel)


@FAST
@given(rounds, st.randoms(use_true_random=False), st.booleans(), st.booleans())
def test_late_submitters_fit_in_without_touching_started_reviews(
    r: Round, rng: random.Random, progressed: bool, one_by_one: bool
) -> None:
    submissions = r.submissions
    late = [s.id for s in submissions if rng.random() < 0.3]
    on_time = [s for s in submissions if s.id not in late]
    state = state_of(r.allocate(on_time))
    if progressed:
        state = with_progress(state, rng, [Status.NOT_STARTED, Status.STARTED, Status.DONE])
    before = dict(state)

    state, moves = fit_late(r, submissions, late, state, one_by_one)
    assert_well_formed(submissions, state)
    assert all(state[key] == a for key, a in before.items() if a.status != Status.NOT_STARTED)
    assert moves <= r.k * len(late), "more moves than needed"

    counts, counts_before = coverage(submissions, state), coverage(submissions, before)
    assert all(counts[sid] >= counts_before[sid] for sid in counts)
    for sid in late:
        assert counts[sid] == r.k or (counts[sid] < r.k and not eligible(submissions, state, sid))
    if not progressed and len(on_time) > r.k:
        assert set(loads(submissions, state).values()) == {r.k}


@FAST
@given(
    k=st.integers(1, 3),
    on_time=st.integers(2, 8),
    late=st.integers(1, 3),
    seed=st.integers(0, 10_000),
)
def test_late_arrivals_keep_a_cohort_at_its_reciprocity_floor(
    k: int, on_time: int, late: int, seed: int
) -> None:
    assume(on_time > k)
    submissions = make_round(on_time + late)
    state = state_of(allocate(submissions[:on_time], k=k, seed=seed))
    for arrived in range(on_time + 1, on_time + late + 1):
        present = submissions[:arrived]
        changes = fit_late_submissions(
            present, [present[-1].id], k=k, existing=state.values(), seed=seed
        )
        state = apply(state, changes)
    pairs = reciprocal_pairs(submissions, state)
    assert len(pairs) == forced_reciprocal_pairs(on_time + late, k)


@FAST
@given(rounds, st.randoms(use_true_random=False))
def test_reassignment_keeps_every_author_covered(r: Round, rng: random.Random) -> None:
    submissions = r.submissions
    authors = [s.author for s in submissions]
    late = [s.id for s in submissions if rng.random() < 0.1]
    state = state_of(r.allocate([s for s in submissions if s.id not in late]))
    state, _ = fit_late(r, submissions, late, state, one_by_one=False)
    state = with_progress(
        state, rng, [Status.NOT_STARTED, Status.STARTED, Status.DONE, Status.DONE, Status.HIDDEN]
    )
    dropped = [a for a in authors if rng.random() < 0.15]
    overdue = [a for a in authors if a not in dropped and rng.random() < 0.1]
    gone = {*dropped, *overdue}

    changes = reassign(
        submissions,
        state.values(),
        k=r.k,
        pool=r.pool,
        dropped=dropped,
        overdue=overdue,
        seed=r.seed,
    )
    owed_by_gone = {a for a in state.values() if a.reviewer in gone and a.status in OUTSTANDING}
    assert set(changes.cancel) == owed_by_gone
    assert not any(a.reviewer in gone for a in changes.create)
    new_state = apply(state, changes)
    assert_well_formed(submissions, new_state)

    for sid, count in coverage(submissions, new_state).items():
        assert count == r.k or (count < r.k and not eligible(submissions, new_state, sid, gone))
    _assert_overload_only_when_forced(r, submissions, new_state, changes.create, gone)
    if r.pool == "cohort":
        _assert_strangers_only_when_cohort_is_full(r, submissions, new_state, changes.create, gone)

    again = reassign(
        submissions,
        new_state.values(),
        k=r.k,
        pool=r.pool,
        dropped=dropped,
        overdue=overdue,
        seed=r.seed,
    )
    assert again.cancel == again.create == ()


def _assert_overload_only_when_forced(
    r: Round,
    submissions: list[Submission],
    state: State,
    created: tuple[Assignment, ...],
    gone: set[str],
) -> None:
    """Nobody is pushed past k + 1 unless everyone who could have helped is already there."""
    load = loads(submissions, state)
    for reviewer in {a.reviewer for a in created}:
        if load[reviewer] > r.k + 1:
            assert any(
                all(
                    load[other] >= r.k + 1
                    for other in eligible(submissions, state, a.submission, gone)
                )
                for a in created
                if a.reviewer == reviewer
            ), f"{reviewer} carries {load[reviewer]} reviews while others had room"


def _assert_strangers_only_when_cohort_is_full(
    r: Round,
    submissions: list[Submission],
    state: State,
    created: tuple[Assignment, ...],
    gone: set[str],
) -> None:
    """A stranger is brought in only when every eligible cohort peer is at k + 1."""
    load = loads(submissions, state)
    cohort_of = {s.author: s.cohort for s in submissions}
    for a in created:
        if a.cross_cohort:
            cohort = next(s.cohort for s in submissions if s.id == a.submission)
            peers = [
                p
                for p in eligible(submissions, state, a.submission, gone)
                if cohort_of[p] == cohort
            ]
            assert all(load[p] >= r.k + 1 for p in peers)
