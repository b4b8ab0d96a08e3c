"""The three entry points: allocate at the deadline, fit late submitters, reassign."""

from __future__ import annotations

from collections.abc import Iterable

from .layout import lay_out_fresh_groups
from .ledger import Ledger
from .model import OUTSTANDING, Assignment, Changes, Pool, Status, Submission
from .repair import fill, insert, relieve


def allocate(
    submissions: Iterable[Submission],
    *,
    k: int = 2,
    pool: Pool = "cohort",
    existing: Iterable[Assignment] = (),
    unavailable: Iterable[str] = (),
    seed: int = 0,
) -> list[Assignment]:
    """New assignments giving every submission k reviewers; existing ones are kept as is.

    Cohorts (or, with pool="round", the whole round) that have no stored assignment
    yet are laid out from scratch; everything else is only topped up, so calling this
    again with its own output in `existing` returns nothing. Submissions get exactly k
    reviewers whenever at least k + 1 authors can review, and a fresh layout gives
    every reviewer exactly k reviews. Reviewers in `unavailable` get no new work.

    Topping up never moves stored work, so authors who submit after their cohort was
    allocated should go through `fit_late_submissions`, which may move unstarted
    reviews to keep loads even.
    """
    ledger = Ledger(submissions, existing, k=k, pool=pool, seed=seed, unavailable=unavailable)
    lay_out_fresh_groups(ledger)
    fill(ledger)
    return list(ledger.changes().create)


def fit_late_submissions(
    submissions: Iterable[Submission],
    late: Iterable[str],
    *,
    k: int = 2,
    pool: Pool = "cohort",
    existing: Iterable[Assignment] = (),
    unavailable: Iterable[str] = (),
    seed: int = 0,
) -> Changes:
    """Fit the `late` submission ids, in order, into an already allocated round.

    `submissions` is the whole round including the late ones. Each late author takes
    over unstarted reviews from peers in their cohort, and those peers review the late
    submission instead, so everyone keeps their load and every late author gets k
    reviewers and k reviews. Started and done reviews are never touched. If too few
    unstarted reviews exist, the late submission still gets k reviewers (possibly
    someone at k + 1); a late author still short of work then takes unstarted reviews
    off anyone above k, and otherwise simply has less to do.

    Only the `late` submissions are topped up: another submission without reviewers
    may be a late one whose own call has not run yet, and covering it here would
    overload people. So pass every submission that is short of k reviews, which fits
    simultaneous arrivals together and also serves anyone fitted earlier, when too
    few people were around to review them. Calling it again changes nothing.
    """
    ledger = Ledger(
        submissions,
        existing,
        k=k,
        pool=pool,
        seed=seed,
        unavailable=unavailable,
        movable={Status.NOT_STARTED},
    )
    late_ids = list(dict.fromkeys(late))
    unknown = [sid for sid in late_ids if sid not in ledger.sub]
    if unknown:
        raise ValueError(f"late submissions {unknown} are not among the submissions")
    authors = [ledger.author(sid) for sid in late_ids if ledger.author(sid) in ledger.available]
    for author in authors:
        insert(ledger, author)
    fill(ledger, only=late_ids)
    # Last, so that top-ups made just above can be handed back to a late author too.
    for author in authors:
        relieve(ledger, author)
    return ledger.changes()


def reassign(
    submissions: Iterable[Submission],
    existing: Iterable[Assignment],
    *,
    k: int = 2,
    pool: Pool = "cohort",
    dropped: Iterable[str] = (),
    overdue: Iterable[str] = (),
    seed: int = 0,
) -> Changes:
    """Cancel what dropped or overdue reviewers still owe and give it to others.

    Their done reviews stay (and still count); their not-started and started ones are
    cancelled, and they get no new work. Any submission short of k live reviews, for
    that reason or because a facilitator hid a review (`Status.HIDDEN`), gets new
    reviewers: same cohort first, people who finished their own reviews before those
    who have not, lower load first, and nobody above k + 1 while someone eligible is
    below it. A submission stays short only when no eligible reviewer is left.
    """
    gone = {*dropped, *overdue}
    ledger = Ledger(submissions, existing, k=k, pool=pool, seed=seed, unavailable=gone)
    for reviewer in sorted(gone):
        for sid in sorted(ledger.reviews_of.get(reviewer, ())):
            if ledger.existing[(reviewer, sid)].status in OUTSTANDING:
                ledger.remove(reviewer, sid)
    fill(ledger)
    return ledger.changes()
