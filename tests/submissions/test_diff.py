"""Differences between revisions: word by word for text, item by item for lists."""

from apps.submissions.diff import (
    ADDED,
    REMOVED,
    SAME,
    WORD_DIFF_LIMIT,
    Segment,
    answers_diff,
    items_diff,
    words_diff,
)


def old_and_new(segments):
    old = "".join(s.text for s in segments if s.kind != ADDED)
    new = "".join(s.text for s in segments if s.kind != REMOVED)
    return old, new


def test_one_changed_word_is_shown_as_removed_then_added_in_place():
    segments = words_diff("the cat sat on the mat", "the dog sat on the mat")

    assert segments == [
        Segment(SAME, "the "),
        Segment(REMOVED, "cat "),
        Segment(ADDED, "dog "),
        Segment(SAME, "sat on the mat"),
    ]


def test_a_word_added_at_the_end_leaves_the_rest_unchanged():
    assert words_diff("I like papers", "I like papers a lot") == [
        Segment(SAME, "I like papers "),
        Segment(ADDED, "a lot"),
    ]


def test_a_run_of_changed_words_is_one_change_not_many():
    segments = words_diff("keep old one two keep", "keep new three four keep")
    assert [s.kind for s in segments] == [SAME, REMOVED, ADDED, SAME]


def test_both_texts_can_be_read_back_from_the_segments():
    old = "First paragraph stays.\n\nSecond one changes a little.\nThird goes."
    new = "First paragraph stays.\n\nSecond one changes quite a lot.\nA new line."
    assert old_and_new(words_diff(old, new)) == (old, new)


def test_identical_texts_have_no_changes():
    assert all(s.kind == SAME for s in words_diff("same text", "same text"))


def test_from_nothing_everything_is_added():
    assert words_diff("", "brand new") == [Segment(ADDED, "brand new")]


def test_a_huge_changed_block_is_shown_as_replaced_whole_instead_of_taking_ages():
    old = " ".join(["alpha"] * WORD_DIFF_LIMIT)
    new = " ".join(["beta"] * WORD_DIFF_LIMIT)
    assert words_diff(old, new) == [Segment(REMOVED, old), Segment(ADDED, new)]


def test_items_added_and_removed_ignore_reordering():
    added, removed = items_diff(["a", "b", "c"], ["c", "a", "d"])
    assert added == ["d"]
    assert removed == ["b"]


def test_repeated_items_are_counted():
    assert items_diff(["a"], ["a", "a"]) == (["a"], [])


def test_answers_diff_covers_every_prompt_kind():
    prompts = [("t", "text"), ("l", "list"), ("m", "milestones")]
    old = {
        "t": "Plan A",
        "l": ["one", "two"],
        "m": [{"title": "Read", "date": "2027-03-01"}],
    }
    new = {
        "t": "Plan B",
        "l": ["two", "three", " "],
        "m": [{"title": "Read", "date": "2027-03-08"}, {"title": "Write", "date": ""}],
    }

    text, items, milestones = answers_diff(prompts, old, new)

    assert text.changed and text.kind == "text"
    assert (items.added, items.removed) == (["three"], ["one"])
    assert milestones.added == ["Read (by 2027-03-08)", "Write"]
    assert milestones.removed == ["Read (by 2027-03-01)"]


def test_unchanged_prompts_say_so():
    prompts = [("t", "text"), ("l", "list")]
    answers = {"t": "Same", "l": ["x"]}
    assert not any(change.changed for change in answers_diff(prompts, answers, answers))


def test_missing_or_malformed_answers_count_as_empty():
    [text, items] = answers_diff([("t", "text"), ("l", "list")], {}, {"t": 3, "l": "nope"})
    assert not text.changed and not items.changed
