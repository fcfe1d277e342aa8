from __future__ import annotations

import pytest

from rewriters.versions import (
    Minor,
    join_names,
    majority_quote,
    needs_quotes_in_yaml,
    parse_token,
    quote_counts,
    range_token,
    retarget,
    version_range,
    yaml_quote,
)

NEW = Minor(3, 11)


def latest(version: Minor) -> str:
    return f"{version}.16"


@pytest.mark.parametrize(
    ("token", "version", "retargeted"),
    (
        ("3.9", Minor(3, 9), "3.11"),
        ("3.10", Minor(3, 10), "3.11"),
        ("3.9.18", Minor(3, 9), "3.11.16"),
        ("3.9-dev", Minor(3, 9), "3.11-dev"),
        ("py39", Minor(3, 9), "py311"),
        ("py310", Minor(3, 10), "py311"),
        ("py3.9", Minor(3, 9), "py3.11"),
        ("cp39", Minor(3, 9), "cp311"),
        ("pp39", Minor(3, 9), "pp311"),
        ("python3.9", Minor(3, 9), "python3.11"),
        ("python39", Minor(3, 9), "python311"),
        ("pypy-3.9", Minor(3, 9), "pypy-3.11"),
        ("pypy3.9", Minor(3, 9), "pypy3.11"),
        ("pypy-3.10-nightly", Minor(3, 10), "pypy-3.11-nightly"),
        ("2.7", Minor(2, 7), "3.11"),
    ),
)
def test_tokens_in_every_spelling(token, version, retargeted):
    parsed = parse_token(token)
    assert parsed is not None
    assert parsed.version == version
    assert str(parsed) == token
    assert retarget(parsed, NEW, latest) == retargeted


@pytest.mark.parametrize("text", ("39", "3", "3.x", "v3.9", "py3", "django42", "3.9.18a", "py39.1"))
def test_not_tokens(text):
    assert parse_token(text) is None


def test_minor():
    assert str(Minor.parse("3.10")) == "3.10"
    assert Minor(3, 9).nodot == "39"
    assert Minor(3, 9) < Minor(3, 10)
    with pytest.raises(ValueError, match="not a Python minor"):
        Minor.parse("3.10.1")


@pytest.mark.parametrize(
    ("value", "expected"),
    (("3.10", True), ("3.11", True), ("3.9", False), ("py311", False), ("latest", False)),
)
def test_needs_quotes_in_yaml(value, expected):
    assert needs_quotes_in_yaml(value) is expected


def test_join_names():
    assert join_names([]) == ""
    assert join_names([Minor(3, 9)]) == "3.9"
    assert join_names([Minor(3, 10), Minor(3, 9)]) == "3.9 and 3.10"
    assert join_names([Minor(3, 8), Minor(3, 10), Minor(3, 9)]) == "3.8, 3.9 and 3.10"


@pytest.mark.parametrize(
    ("text", "found"),
    (
        pytest.param("3.11.0-beta - 3.11", ((3, 11), (3, 11)), id="hyphen range"),
        pytest.param(">=3.11 <3.12", ((3, 11), (3, 11)), id="comparators"),
        pytest.param(">=3.11, <3.12.0", ((3, 11), (3, 11)), id="comma and a zero patch"),
        pytest.param(">3.9 <=3.12", ((3, 9), (3, 12)), id="inclusive upper bound"),
        pytest.param("<3.12.4", ((3, 0), (3, 12)), id="open below, a patch bound"),
        pytest.param("3.11.x", ((3, 11), (3, 11)), id="x range"),
        pytest.param("~3.11", ((3, 11), (3, 11)), id="tilde"),
        pytest.param("^3.9", ((3, 9), None), id="caret is open above"),
        pytest.param("3.11", None, id="a plain version"),
        pytest.param("3.x", None, id="a major only"),
        pytest.param(">=3.12 <3.11", None, id="empty"),
        pytest.param("latest", None, id="not a version"),
    ),
)
def test_version_range(text, found):
    expected = None if found is None else (Minor(*found[0]), found[1] and Minor(*found[1]))
    assert version_range(text) == expected


def test_range_token_names_one_minor_and_keeps_its_text():
    token = range_token(" >=3.11 <3.12 ")
    assert token is not None
    assert (token.version, str(token)) == (Minor(3, 11), ">=3.11 <3.12")
    assert range_token(">=3.9 <3.12") is None
    assert range_token("3.11") is None


@pytest.mark.parametrize(
    ("token", "prerelease"),
    (("3.14-dev", True), ("3.14.0-rc.2", True), ("3.14.0-alpha.1", True), ("3.14", False)),
)
def test_prerelease(token, prerelease):
    parsed = parse_token(token)
    assert parsed is not None
    assert parsed.prerelease is prerelease


@pytest.mark.parametrize(
    ("text", "single", "double"),
    (
        pytest.param("python: ['3.9', '3.10']\n", 2, 0, id="flow list"),
        pytest.param('python:\n  - "3.9"\n  - "pypy-3.10"\n', 0, 2, id="block list"),
        pytest.param("a: '3.9'\nb: \"py39\"\n", 1, 1, id="values"),
        pytest.param("# a: '3.9'\nb: 3.9  # '3.9'\n", 0, 0, id="comments"),
        pytest.param("a: 'latest'\nb: '>=3.9'\nc: \"3.x\"\n", 0, 0, id="not versions"),
        pytest.param("run: echo '3.9'\n", 0, 0, id="inside a value"),
    ),
)
def test_quote_counts(text, single, double):
    counts = quote_counts(text)
    assert (counts["'"], counts['"']) == (single, double)


def test_majority_quote():
    assert majority_quote(quote_counts("a: '3.9'\nb: '3.9'\nc: \"3.9\"\n")) == "'"
    assert majority_quote(quote_counts('a: "3.9"\n')) == '"'
    assert majority_quote(quote_counts("a: '3.9'\nc: \"3.9\"\n")) is None
    assert majority_quote(quote_counts("a: 3.9\n")) is None


def test_yaml_quote_falls_back_to_the_default():
    assert yaml_quote("a: 3.9\n", "'") == "'"
    assert yaml_quote('a: "3.9"\n', "'") == '"'
