"""Peer-review allocation, one promise per test."""

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from apps.reviews.allocation import (
    Assignment,
    Status,
    Submission,
    allocate,
    fit_late_submissions,
    reassign,
)
from tests.reviews import (
    State,
    apply,
    assert_well_formed,
    coverage,
    eligible,
    loads,
    make_round,
    owes,
    reciprocal_pairs,
    state_of,
)

ROOT = Path(__file__).resolve().parents[2]


def allocated(submissions: list[Submission], k: int = 2, **options) -> State:
    return state_of(allocate(submissions, k=k, **options))


def with_status(state: State, status: Status, reviewer: str | None = None) -> State:
    """Set `status` on every assignment, or on every assignment of one reviewer."""
    return {
        key: replace(a, status=status) if reviewer in (None, a.reviewer) else a
        for key, a in state.items()
    }


# Allocation at the deadline ------------------------------------------------------------


@pytest.mark.parametrize("k", [1, 2, 3])
def test_every_submission_gets_exactly_k_reviews_when_pool_allows(k: int) -> None:
    submissions = make_round(5, 6, 7)
    state = allocated(submissions, k)
    assert set(coverage(submissions, state).values()) == {k}


@pytest.mark.parametrize("k", [1, 2, 3])
def test_every_reviewer_gets_exactly_k_reviews_to_do(k: int) -> None:
    submissions = make_round(4, 8, 5)
    state = allocated(submissions, k)
    assert set(loads(submissions, state).values()) == {k}


def test_nobody_reviews_their_own_submission() -> None:
    submissions = make_round(4, 8)
    state = allocated(submissions, k=3)
    author = {s.id: s.author for s in submissions}
    assert all(reviewer != author[sid] for reviewer, sid in state)


def test_nobody_is_asked_twice_for_the_same_submission() -> None:
    created = allocate(make_round(4, 5, 6), k=3)
    assert len({(a.reviewer, a.submission) for a in created}) == len(created)


def test_cohorts_of_at_least_2k_plus_1_have_no_reciprocal_pairs() -> None:
    submissions = make_round(5, 8)
    assert reciprocal_pairs(submissions, allocated(submissions, k=2)) == set()


def test_smaller_cohorts_have_only_the_reciprocal_pairs_their_size_forces() -> None:
    # Four people reviewing two each make 8 reviews over 6 possible pairs: 2 must mirror.
    submissions = make_round(4)
    assert len(reciprocal_pairs(submissions, allocated(submissions, k=2))) == 2


def test_reviews_stay_in_the_cohort_when_it_is_big_enough() -> None:
    created = allocate(make_round(3, 4, 5), k=2)
    assert not any(a.cross_cohort for a in created)


def test_small_cohort_borrows_reviewers_across_cohorts_and_says_so() -> None:
    submissions = make_round(6, 2)  # c1 has 2 authors, fewer than k + 1
    state = allocated(submissions, k=3)
    assert_well_formed(submissions, state)
    assert set(coverage(submissions, state).values()) == {3}
    assert set(loads(submissions, state).values()) == {3}
    borrowed = [a for a in state.values() if a.cross_cohort]
    assert borrowed
    cohort = {s.id: s.cohort for s in submissions} | {s.author: s.cohort for s in submissions}
    assert all("c1" in (cohort[a.submission], cohort[a.reviewer]) for a in borrowed)


def test_small_cohort_members_review_each_other_before_strangers() -> None:
    state = allocated(make_round(6, 2), k=3)
    assert ("p1.0", "s1.1") in state
    assert ("p1.1", "s1.0") in state


def test_several_tiny_cohorts_with_nobody_to_borrow_from_are_merged() -> None:
    submissions = make_round(1, 2, 1)
    state = allocated(submissions, k=2)
    assert set(coverage(submissions, state).values()) == {2}
    assert set(loads(submissions, state).values()) == {2}
    assert_well_formed(submissions, state)


def test_round_pool_mixes_cohorts_and_flags_it() -> None:
    submissions = make_round(5, 5)
    state = allocated(submissions, k=2, pool="round")
    assert_well_formed(submissions, state)
    assert any(a.cross_cohort for a in state.values())
    assert set(coverage(submissions, state).values()) == {2}


def test_round_smaller_than_k_plus_one_gets_every_possible_review() -> None:
    submissions = make_round(3)
    state = allocated(submissions, k=3)
    assert set(coverage(submissions, state).values()) == {2}
    assert set(loads(submissions, state).values()) == {2}


def test_running_twice_adds_nothing() -> None:
    submissions = make_round(4, 7, 2)
    first = allocate(submissions, k=2, seed=3)
    assert allocate(submissions, k=2, seed=3, existing=first) == []


def test_same_seed_gives_same_allocation_whatever_the_input_order() -> None:
    submissions = make_round(5, 6, 3)
    forwards = allocate(submissions, k=2, seed=7)
    backwards = allocate(list(reversed(submissions)), k=2, seed=7)
    assert set(forwards) == set(backwards)


def test_seed_changes_who_reviews_whom() -> None:
    submissions = make_round(8, 8)
    assert set(allocate(submissions, seed=1)) != set(allocate(submissions, seed=2))


def test_allocation_does_not_depend_on_hash_randomisation() -> None:
    script = (
        "import json\n"
        "from apps.reviews.allocation import allocate, fit_late_submissions, reassign\n"
        "from tests.reviews import make_round\n"
        "subs = make_round(2, 5, 4, 1)\n"
        "first = allocate(subs[2:], k=2, seed=5)\n"
        "late = fit_late_submissions(subs, ['s0.0', 's0.1'], k=2, existing=first, seed=5)\n"
        "rest = reassign(subs, [*first, *late.create], dropped=['p1.0'], seed=5)\n"
        "print(json.dumps([repr(x) for x in (first, late, rest)]))\n"
    )

    def run(hash_seed: str) -> list[str]:
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
        out = subprocess.run(
            [sys.executable, "-c", script], env=env, cwd=ROOT, check=True, capture_output=True
        )
        return json.loads(out.stdout)

    assert run("1") == run("2")


def test_a_cohort_allocated_later_is_laid_out_without_touching_the_others() -> None:
    submissions = make_round(5, 6)
    first = allocate([s for s in submissions if s.cohort == "c0"], k=2)
    later = allocate(submissions, k=2, existing=first)
    assert all(a.submission.startswith("s1.") and not a.cross_cohort for a in later)
    state = state_of([*first, *later])
    assert set(loads(submissions, state).values()) == {2}


def test_unavailable_authors_get_reviews_but_no_work() -> None:
    submissions = make_round(6)
    state = allocated(submissions, k=2, unavailable=["p0.0"])
    assert coverage(submissions, state)["s0.0"] == 2
    assert loads(submissions, state)["p0.0"] == 0


# Late submitters ------------------------------------------------------------------------


def fit(submissions: list[Submission], late: list[str], state: State, k: int = 2, **options):
    return fit_late_submissions(submissions, late, k=k, existing=state.values(), **options)


def test_late_submitter_gets_reviewers_without_disturbing_started_reviews() -> None:
    submissions = make_round(7)
    state = allocated(submissions[:-1])
    for reviewer in ("p0.0", "p0.1", "p0.2"):
        state = with_status(state, Status.STARTED, reviewer)
    state = with_status(state, Status.DONE, "p0.3")

    changes = fit(submissions, ["s0.6"], state)
    assert all(a.status == Status.NOT_STARTED for a in changes.cancel)
    after = apply(state, changes)
    assert coverage(submissions, after)["s0.6"] == 2
    assert loads(submissions, after)["p0.6"] == 2
    assert all(after[key] == a for key, a in state.items() if a.status != Status.NOT_STARTED)


def test_late_submitter_takes_over_unstarted_reviews_so_loads_stay_even() -> None:
    submissions = make_round(6, 5)
    state = allocated([s for s in submissions if s.id != "s0.5"])
    changes = fit(submissions, ["s0.5"], state)
    assert len(changes.cancel) == 2 and len(changes.create) == 4  # two splits, no more
    after = apply(state, changes)
    assert set(loads(submissions, after).values()) == {2}
    assert set(coverage(submissions, after).values()) == {2}
    assert not any(a.cross_cohort for a in changes.create)


def test_fitting_a_late_submitter_twice_changes_nothing() -> None:
    submissions = make_round(6)
    state = allocated(submissions[:-1])
    after = apply(state, fit(submissions, ["s0.5"], state))
    again = fit(submissions, ["s0.5"], after)
    assert again.cancel == again.create == ()


def test_late_submitters_fitted_together_or_one_by_one_keep_the_same_promises() -> None:
    submissions = make_round(6, 6)
    late = ["s0.4", "s0.5", "s1.5"]
    on_time = [s for s in submissions if s.id not in late]
    state = allocated(on_time)
    together = apply(state, fit(submissions, late, state))
    one_by_one, present = state, on_time
    for sid in late:
        present = [*present, next(s for s in submissions if s.id == sid)]
        one_by_one = apply(one_by_one, fit(present, [sid], one_by_one))
    for result in (together, one_by_one):
        assert set(coverage(submissions, result).values()) == {2}
        assert set(loads(submissions, result).values()) == {2}


def test_late_submitter_joining_a_tiny_cohort_pairs_up_with_it() -> None:
    submissions = make_round(6, 2)
    state = allocated(submissions[:-1])  # c1 starts with p1.0 alone
    after = apply(state, fit(submissions, ["s1.1"], state))
    assert ("p1.0", "s1.1") in after and ("p1.1", "s1.0") in after
    assert set(loads(submissions, after).values()) == {2}


def test_late_submitter_whose_cohort_has_started_everything_borrows_across_cohorts() -> None:
    submissions = make_round(6, 5)
    state = allocated([s for s in submissions if s.id != "s0.5"])
    state = {
        key: replace(a, status=Status.STARTED) if a.submission.startswith("s0.") else a
        for key, a in state.items()
    }
    changes = fit(submissions, ["s0.5"], state)
    after = apply(state, changes)
    assert coverage(submissions, after)["s0.5"] == 2
    assert set(loads(submissions, after).values()) == {2}
    assert all(a.cross_cohort for a in changes.create)


def test_late_submitter_already_covered_by_a_top_up_takes_work_off_the_overloaded() -> None:
    submissions = make_round(6)
    state = allocated(submissions[:-1])
    state |= state_of(allocate(submissions, existing=state.values()))  # on-demand top-up
    assert loads(submissions, state)["p0.5"] == 0 and max(loads(submissions, state).values()) == 3
    after = apply(state, fit(submissions, ["s0.5"], state))
    assert set(loads(submissions, after).values()) == {2}
    assert set(coverage(submissions, after).values()) == {2}


def test_late_submitter_when_every_review_has_started_still_gets_k_reviewers() -> None:
    submissions = make_round(6)
    state = with_status(allocated(submissions[:-1]), Status.STARTED)
    changes = fit(submissions, ["s0.5"], state)
    assert changes.cancel == ()
    after = apply(state, changes)
    assert coverage(submissions, after)["s0.5"] == 2
    assert max(loads(submissions, after).values()) == 3


# Drop-outs, overdue and hidden reviews -----------------------------------------------------


def test_dropped_reviewer_work_goes_to_someone_who_finished() -> None:
    submissions = make_round(8)
    state = allocated(submissions)
    dropped_review = next(sid for reviewer, sid in state if reviewer == "p0.0")
    author = dropped_review.replace("s", "p")
    finisher = next(  # someone whose review would not mirror one they receive
        p
        for p in eligible(submissions, state, dropped_review)
        if (author, p.replace("p", "s")) not in state
    )
    state = with_status(state, Status.DONE, finisher)

    changes = reassign(submissions, state.values(), dropped=["p0.0"])
    assert Assignment(finisher, dropped_review) in changes.create


def test_dropped_reviewer_done_reviews_stay_and_the_rest_move() -> None:
    submissions = make_round(6)
    state = allocated(submissions)
    done, pending = [key for key in state if key[0] == "p0.0"]
    state[done] = replace(state[done], status=Status.DONE)

    changes = reassign(submissions, state.values(), dropped=["p0.0"])
    assert [(a.reviewer, a.submission) for a in changes.cancel] == [pending]
    after = apply(state, changes)
    assert after[done].status == Status.DONE
    assert set(coverage(submissions, after).values()) == {2}
    assert not owes(after, "p0.0")


def test_overdue_reviews_are_reassigned_and_the_late_reviewer_gets_no_new_work() -> None:
    submissions = make_round(6)
    state = with_status(allocated(submissions), Status.STARTED, "p0.2")
    changes = reassign(submissions, state.values(), overdue=["p0.2"])
    assert {a.reviewer for a in changes.cancel} == {"p0.2"}
    assert all(a.reviewer != "p0.2" for a in changes.create)
    assert set(coverage(submissions, apply(state, changes)).values()) == {2}


def test_hidden_review_gets_a_replacement_from_someone_else() -> None:
    submissions = make_round(6)
    state = with_status(allocated(submissions), Status.DONE)
    hidden = next(key for key in state if key[1] == "s0.3")
    state[hidden] = replace(state[hidden], status=Status.HIDDEN)

    changes = reassign(submissions, state.values())
    assert changes.cancel == ()
    assert [a.submission for a in changes.create] == ["s0.3"]
    assert changes.create[0].reviewer != hidden[0]


def test_reassigned_work_stays_in_the_cohort_while_someone_there_has_room() -> None:
    submissions = make_round(6, 6)
    state = allocated(submissions)
    changes = reassign(submissions, state.values(), dropped=["p0.0", "p0.1"])
    assert changes.create and not any(a.cross_cohort for a in changes.create)
    assert max(loads(submissions, apply(state, changes), without=["p0.0", "p0.1"]).values()) == 3


def test_author_keeps_k_reviews_even_if_the_rest_of_their_cohort_drops_out() -> None:
    submissions = make_round(4, 6)
    state = allocated(submissions)
    changes = reassign(submissions, state.values(), dropped=["p0.1", "p0.2", "p0.3"])
    after = apply(state, changes)
    assert coverage(submissions, after)["s0.0"] == 2
    assert any(a.submission == "s0.0" and a.cross_cohort for a in changes.create)


def test_author_is_short_only_when_nobody_eligible_is_left() -> None:
    submissions = make_round(3)
    state = allocated(submissions)
    changes = reassign(submissions, state.values(), dropped=["p0.1", "p0.2"])
    after = apply(state, changes)
    assert coverage(submissions, after)["s0.0"] == 0
    assert eligible(submissions, after, "s0.0", ["p0.1", "p0.2"]) == []
    assert changes.create == ()


def test_reassigning_again_changes_nothing() -> None:
    submissions = make_round(5, 7)
    state = allocated(submissions)
    after = apply(state, reassign(submissions, state.values(), dropped=["p1.3"]))
    again = reassign(submissions, after.values(), dropped=["p1.3"])
    assert again.cancel == again.create == ()


def test_work_outside_the_round_counts_towards_load() -> None:
    submissions = make_round(5)
    state = allocated(submissions)
    busy = next(a for a in eligible(submissions, state, "s0.1") if a != "p0.0")
    outside = Assignment(busy, "another-round", status=Status.NOT_STARTED)
    changes = reassign(submissions, [*state.values(), outside], dropped=["p0.0"])
    assert changes.create and all(a.reviewer != busy for a in changes.create)


# Bad input ---------------------------------------------------------------------------------


def test_two_submissions_from_one_author_are_rejected() -> None:
    twice = [Submission("a", "p", "c"), Submission("b", "p", "c")]
    with pytest.raises(ValueError, match="one submission"):
        allocate(twice)


def test_duplicate_submission_ids_are_rejected() -> None:
    with pytest.raises(ValueError, match="unique"):
        allocate([Submission("a", "p", "c"), Submission("a", "q", "c")])


def test_k_below_one_is_rejected() -> None:
    with pytest.raises(ValueError, match="k must be"):
        allocate(make_round(4), k=0)


def test_unknown_pool_is_rejected() -> None:
    with pytest.raises(ValueError, match="pool"):
        allocate(make_round(4), pool="course")  # type: ignore[arg-type]


def test_unknown_late_submission_is_rejected() -> None:
    with pytest.raises(ValueError, match="not among"):
        fit_late_submissions(make_round(4), ["nope"])


def test_duplicate_assignments_are_rejected() -> None:
    twice = [Assignment("p0.0", "s0.1"), Assignment("p0.0", "s0.1", status=Status.DONE)]
    with pytest.raises(ValueError, match="duplicate"):
        reassign(make_round(4), twice)
