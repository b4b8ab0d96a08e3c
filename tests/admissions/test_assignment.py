"""Spreading applications over reviewers: pure, so tested without a database."""

from collections import Counter

from apps.admissions.assignment import Application, assign


def test_every_application_gets_its_reviewers_and_loads_differ_by_at_most_one():
    applications = [Application(id=n, reviewers=frozenset()) for n in range(25)]

    pairs = assign(applications, dict.fromkeys([1, 2, 3, 4], 0), per_application=2)

    per_app = Counter(app for app, _ in pairs)
    assert set(per_app.values()) == {2}
    assert len(set(pairs)) == len(pairs)
    loads = Counter(reviewer for _, reviewer in pairs)
    assert max(loads.values()) - min(loads.values()) <= 1


def test_existing_reviewers_count_and_busy_reviewers_get_the_new_ones_last():
    applications = [
        Application(id=1, reviewers=frozenset({1})),
        Application(id=2, reviewers=frozenset()),
    ]

    pairs = assign(applications, {1: 5, 2: 0, 3: 0}, per_application=2)

    assert sorted(pairs) == [(1, 2), (2, 2), (2, 3)]


def test_nobody_reviews_their_own_application_even_when_that_leaves_it_short():
    applications = [Application(id=1, reviewers=frozenset(), excluded=frozenset({7}))]

    assert assign(applications, {7: 0}, per_application=2) == []


def test_a_pool_smaller_than_asked_gives_each_application_everyone_once():
    applications = [Application(id=n, reviewers=frozenset()) for n in range(3)]

    pairs = assign(applications, {1: 0}, per_application=2)

    assert sorted(pairs) == [(0, 1), (1, 1), (2, 1)]
