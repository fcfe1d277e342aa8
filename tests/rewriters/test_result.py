from __future__ import annotations

import pytest

from rewriters.result import (
    BrokenOutput,
    Edit,
    Record,
    Rewrite,
    UnparsableInput,
    apply_edits,
    resolve,
)
from rewriters.versions import Minor


def test_apply_edits_in_any_order():
    text = "python 3.9 and 3.10"
    edits = [Edit(15, 19, "3.12"), Edit(7, 10, "3.11")]
    assert apply_edits(text, edits) == "python 3.11 and 3.12"


def test_identical_edits_are_merged():
    assert apply_edits("abc", [Edit(0, 1, "x"), Edit(0, 1, "x")]) == "xbc"


def test_overlapping_edits_are_a_bug():
    with pytest.raises(ValueError, match="overlapping"):
        apply_edits("abcdef", [Edit(0, 3, "x"), Edit(2, 4, "y")])


def _swap(text: str, old: str, new: str) -> str:
    start = text.index(old)
    return apply_edits(text, [Edit(start, start + len(old), new)])


@pytest.mark.parametrize(
    ("text", "old", "new", "expected"),
    (
        pytest.param('["3.9",  "3.12"]', "3.9", "3.10", '["3.10", "3.12"]', id="flow list"),
        pytest.param(
            "| 3.9    | yes |\n| 3.12   | no  |\n",
            "3.9",
            "3.10",
            "| 3.10   | yes |\n| 3.12   | no  |\n",
            id="table column",
        ),
        pytest.param(
            "python: 3.9    # oldest\nnumpy: 1.26    # pinned\n",
            "3.9",
            "3.10",
            "python: 3.10   # oldest\nnumpy: 1.26    # pinned\n",
            id="aligned comments",
        ),
        pytest.param(
            '"python=3.9"  # min', "3.9", "3.11", '"python=3.11"  # min', id="two before a comment"
        ),
        pytest.param("a 3.9  b", "3.9", "3.10.19", "a 3.10.19 b", id="at least one blank"),
        pytest.param('["3.9", "3.12"]', "3.9", "3.10", '["3.10", "3.12"]', id="one blank: none"),
        pytest.param("3.9  \n", "3.9", "3.10", "3.10  \n", id="trailing blanks are not padding"),
        pytest.param("[3.10,  3]", "3.10", "3.9", "[3.9,   3]", id="shorter word"),
    ),
)
def test_replaced_word_keeps_what_follows_in_its_column(text, old, new, expected):
    assert _swap(text, old, new) == expected


def test_padding_is_left_when_the_next_edit_starts_in_it():
    text = '["3.9",  "3.8"]'
    edits = [Edit(2, 5, "3.10"), Edit(6, 14, "")]
    assert apply_edits(text, edits) == '["3.10"]'


def test_deletion_keeps_the_padding_after_it():
    assert apply_edits("a, 3.9,  b", [Edit(3, 6, "")]) == "a, ,  b"


def test_unparsable_input_names_file_and_line():
    assert str(UnparsableInput("tox.ini", 3, "no section")) == "tox.ini:3: no section"
    assert str(UnparsableInput("setup.py", None, "syntax error")) == "setup.py: syntax error"


def _parses(text):
    if "[" in text:
        raise BrokenOutput("unbalanced")


def record(edits=(), changes=(), notes=(), dropped=()):
    return Record(edits=list(edits), changes=list(changes), notes=list(notes), dropped=set(dropped))


def test_finish_applies_checks_and_says_each_thing_once():
    found = record([Edit(2, 5, "3.11")], ["x", "x"], ["n", "n"], [Minor(3, 9)])
    result = found.finish("a 3.9\n", _parses)
    assert result == Rewrite("a 3.11\n", ("x",), ("n",), frozenset({Minor(3, 9)}))


def test_finish_without_edits_keeps_only_the_notes():
    assert record(notes=["left alone"]).finish("a\n", _parses) == Rewrite(
        "a\n", (), ("left alone",)
    )
    assert record().finish("a\n", _parses) is None


def test_finish_refuses_output_that_does_not_parse():
    with pytest.raises(BrokenOutput):
        record([Edit(0, 1, "[")], ["x"]).finish("a\n", _parses)


def test_merge_keeps_only_the_notes_of_a_discarded_trial():
    kept = record(changes=["a"])
    kept.merge(record([Edit(0, 1, "x")], ["b"], ["note"], [Minor(3, 9)]), edits=False)
    assert kept == record(changes=["a"], notes=["note"])
    kept.merge(record([Edit(0, 1, "x")], ["b"], [], [Minor(3, 9)]))
    assert kept == record([Edit(0, 1, "x")], ["a", "b"], ["note"], [Minor(3, 9)])


@pytest.mark.parametrize(
    ("edits", "resolved"),
    (
        pytest.param([Edit(0, 2, "x"), Edit(0, 2, "x")], [Edit(0, 2, "x")], id="identical"),
        pytest.param(
            [Edit(0, 10, ""), Edit(2, 4, "3.11")], [Edit(0, 10, "")], id="inside a removed span"
        ),
        pytest.param(
            [Edit(0, 4, ""), Edit(3, 6, "")], [Edit(0, 6, "")], id="overlapping deletions fuse"
        ),
        pytest.param(
            [Edit(0, 4, "x"), Edit(4, 4, "y")],
            [Edit(0, 4, "x"), Edit(4, 4, "y")],
            id="an insertion at the end is not inside",
        ),
    ),
)
def test_resolve(edits, resolved):
    assert resolve(edits) == resolved
