from __future__ import annotations

import pytest

from rewriters.result import BrokenOutput, Edit, Rewrite, UnparsableInput, apply_edits, finish
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


def test_unparsable_input_names_file_and_line():
    assert str(UnparsableInput("tox.ini", 3, "no section")) == "tox.ini:3: no section"
    assert str(UnparsableInput("setup.py", None, "syntax error")) == "setup.py: syntax error"


def _parses(text):
    if "[" in text:
        raise BrokenOutput("unbalanced")


def test_finish_applies_checks_and_says_each_thing_once():
    result = finish("a 3.9\n", [Edit(2, 5, "3.11")], ["x", "x"], ["n", "n"], [Minor(3, 9)], _parses)
    assert result == Rewrite("a 3.11\n", ("x",), ("n",), frozenset({Minor(3, 9)}))


def test_finish_without_edits_keeps_only_the_notes():
    assert finish("a\n", [], [], ["left alone"], [], _parses) == Rewrite("a\n", (), ("left alone",))
    assert finish("a\n", [], [], [], [], _parses) is None


def test_finish_refuses_output_that_does_not_parse():
    with pytest.raises(BrokenOutput):
        finish("a\n", [Edit(0, 1, "[")], ["x"], [], [], _parses)
