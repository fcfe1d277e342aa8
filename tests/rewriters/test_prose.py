from __future__ import annotations

import pytest

from rewriters import registry
from rewriters.docs import prose
from tests.conftest import POLICY, POLICY_310
from tests.rewriters._check import check, fixture_pairs, noop

BADGE = "https://img.shields.io/badge/python-{}-blue"


@pytest.mark.parametrize(
    "before",
    (
        pytest.param("", id="empty"),
        pytest.param("Requires Python 3.11+.\n", id="already at the minimum"),
        pytest.param("Python 3.12 or later.\n", id="above the minimum"),
        pytest.param("Added in Python 3.9+ support.\n", id="history: added"),
        pytest.param("Python 3.9+ support was dropped.\n", id="history: dropped"),
        pytest.param("Deprecated since Python 3.9.\n", id="deprecated since"),
        pytest.param("Python 3.9 removed ``foo``; use Python 3.9 or later.\n", id="removed"),
        pytest.param("Version 2.0 requires Python 3.9+.\n", id="statement about a past release"),
        pytest.param("Requires Python 3.9 (not 3.10+) for numpy.\n", id="exact pin, not a floor"),
        pytest.param("Requires Python 3.9 or 3.10.\n", id="enumeration"),
        pytest.param("Requires Python 3.9, 3.10 and 3.11.\n", id="comma enumeration"),
        pytest.param("Tested on Python 3.9 and 3.12.\n", id="a list, not a floor"),
        pytest.param("Python 2.7+ was the old floor.\n", id="python 2"),
        pytest.param("Use python3.9+ here.\n", id="executable name"),
        pytest.param("Python 3.9.1+ fixes it.\n", id="patch version"),
        pytest.param("```\nRequires Python 3.9+\n```\n", id="fenced code"),
        pytest.param("~~~sh\n# Python 3.9+\n~~~\n", id="tilde fence"),
        pytest.param("Install::\n\n    Python 3.9+\n\nDone.\n", id="rst literal block"),
        pytest.param(".. code-block:: text\n\n   Python 3.9+\n", id="rst code-block directive"),
        pytest.param("Run `Python 3.9+` check.\n", id="inline code"),
        pytest.param("See ``Python 3.9+``.\n", id="rst inline literal"),
        pytest.param("See https://example.com/Python 3.9+\n", id="url"),
        pytest.param("![x](https://img.shields.io/pypi/pyversions/molt)\n", id="dynamic badge"),
        pytest.param(f"![x]({BADGE.format('3.11%2B')})\n", id="badge at the minimum"),
        pytest.param(f"![x]({BADGE.format('3.9')})\n", id="badge without plus"),
        pytest.param("![x](https://example.com/python-3.9%2B-blue)\n", id="not a badge host"),
        pytest.param(
            f"![x]({BADGE.format('3.11%20%7C%203.12')})\n", id="badge list already current"
        ),
        pytest.param("Python 3.11 - 3.13 are supported.\n", id="range already current"),
        pytest.param("Our docs say CPython3.9+ somewhere.\n", id="glued word"),
        pytest.param("## History\n\nRequires Python 3.9+\n", id="markdown history section"),
        pytest.param("Changes\n=======\n\nRequires Python 3.9+\n", id="rst changes section"),
        pytest.param("foo 2.x requires Python 3.9+.\n", id="a release series"),
        pytest.param("On Python 3.9+ we use zoneinfo.\n", id="sentence opens with a condition"),
        pytest.param(
            "If you are on Python 3.9+, zoneinfo is used; otherwise the backport.\n",
            id="a condition",
        ),
        pytest.param("The code uses Python 3.10+ syntax.\n", id="language feature"),
        pytest.param("Or use `x.is_relative_to()` on Python 3.9+.\n", id="api availability"),
        pytest.param("One abi3 wheel works on Python 3.9+.\n", id="abi3 wheel"),
        pytest.param(
            "It supports Python 3.9+ since version 2.0.\n", id="support stated with history"
        ),
        pytest.param(
            "pipx can run binaries from packages with Python 3.3+.\n",
            id="the Pythons of the packages a tool runs",
        ),
        pytest.param(
            "The generated project targets apps for Python 3.9 or later.\n",
            id="the Pythons of the apps it makes",
        ),
        pytest.param("Works on Python 3.9\n\nor later releases.\n", id="no wrap across paragraphs"),
        pytest.param(
            "Python 3.9+ [is no longer supported](https://example.com/news).\n",
            id="history told in a link's text",
        ),
        pytest.param(
            "The [release notes](https://example.com/) say version 2.0 requires Python 3.9+.\n",
            id="a past release named outside the link",
        ),
        pytest.param(
            '=== "Python 3.11+"\n\n    ```Python\n    {!> ../docs_src/a_py311.py!}\n    ```\n\n'
            '=== "Python 3.8+"\n\n    ```Python\n    {!> ../docs_src/a.py!}\n    ```\n\n'
            '=== "Python 3.8+ non-Annotated"\n\n    text\n',
            id="mkdocs tab labels name a code variant's Python",
        ),
        pytest.param(
            ".. tab:: Python 3.9+\n\n   Use ``zoneinfo``.\n\n"
            ":::{tab-item} Python 3.9+\nUse `zoneinfo`.\n:::\n",
            id="sphinx tab labels",
        ),
        pytest.param(
            "- **Python version**: 3.9\n- Python versions: 3.9, 3.10 and later\n",
            id="a labelled version that is no floor",
        ),
    ),
)
def test_noop(before):
    noop(prose, before, POLICY)


@pytest.mark.parametrize(
    ("before", "after"),
    (
        pytest.param("Requires Python 3.9+.\n", "Requires Python 3.11+.\n", id="plus"),
        pytest.param("Python >= 3.9\n", "Python >= 3.11\n", id="greater or equal"),
        pytest.param("Python>=3.10\n", "Python>=3.11\n", id="greater or equal glued"),
        pytest.param("Python ≥ 3.9\n", "Python ≥ 3.11\n", id="unicode greater or equal"),
        pytest.param(
            "Works on Python 3.9 or later.\n", "Works on Python 3.11 or later.\n", id="or later"
        ),
        pytest.param(
            "It supports Python 3.9 and above\n",
            "It supports Python 3.11 and above\n",
            id="and above",
        ),
        pytest.param(
            "It supports Python 3.8+ and PyPy3 and uses standard libraries only.\n",
            "It supports Python 3.11+ and PyPy3 and uses standard libraries only.\n",
            id="the project says what it supports",
        ),
        pytest.param(
            "Only **Python 3.6 and above** is supported.\n",
            "Only **Python 3.11 and above** is supported.\n",
            id="only ... and above",
        ),
        pytest.param("CPython 3.10 or newer\n", "CPython 3.11 or newer\n", id="cpython or newer"),
        pytest.param("This requires Python 3.9.\n", "This requires Python 3.11.\n", id="requires"),
        pytest.param(
            "You need at least Python 3.9 to run it.\n",
            "You need at least Python 3.11 to run it.\n",
            id="at least",
        ),
        pytest.param(
            "Supported: Python 3.9 - 3.13\n", "Supported: Python 3.11 - 3.13\n", id="range"
        ),
        pytest.param(
            "Supported: Python 3.9 to 3.13\n", "Supported: Python 3.11 to 3.13\n", id="range to"
        ),
        pytest.param(
            "Supported: Python 3.9\u20133.13\n",
            "Supported: Python 3.11\u20133.13\n",
            id="range en dash",
        ),
        pytest.param(
            f"[![py]({BADGE.format('3.9%2B')})](https://x/python-3.9%2B)\n",
            f"[![py]({BADGE.format('3.11%2B')})](https://x/python-3.9%2B)\n",
            id="badge url only, link target left",
        ),
        pytest.param(
            f"![Python 3.9+]({BADGE.format('3.9+')})\n",
            f"![Python 3.11+]({BADGE.format('3.11+')})\n",
            id="badge and alt text",
        ),
        pytest.param(
            f"![x]({BADGE.format('%3E%3D3.10')})\n",
            f"![x]({BADGE.format('%3E%3D3.11')})\n",
            id="badge greater or equal",
        ),
        pytest.param(
            f"![x]({BADGE.format('3.9%20%7C%203.10%20%7C%203.12')})\n",
            f"![x]({BADGE.format('3.12')})\n",
            id="badge list",
        ),
        pytest.param(
            f"![x]({BADGE.format('3.9%20%7C%203.10')})\n",
            f"![x]({BADGE.format('3.11')})\n",
            id="badge list all dropped",
        ),
        pytest.param(
            ".. image:: https://img.shields.io/badge/Python-3.9+-yellow?style=flat\n",
            ".. image:: https://img.shields.io/badge/Python-3.11+-yellow?style=flat\n",
            id="rst image directive badge",
        ),
        pytest.param(
            "```\nPython 3.9+\n```\n\nPython 3.9+\n",
            "```\nPython 3.9+\n```\n\nPython 3.11+\n",
            id="after a closed fence",
        ),
        pytest.param(
            "Install::\n\n    Python 3.9+\n\nNeeds Python 3.9+.\n",
            "Install::\n\n    Python 3.9+\n\nNeeds Python 3.11+.\n",
            id="after a literal block",
        ),
        pytest.param(
            ".. note::\n\n   Requires Python 3.9+.\n",
            ".. note::\n\n   Requires Python 3.11+.\n",
            id="inside an admonition",
        ),
        pytest.param(
            "- Added a CLI.\n- Requires Python 3.9+\n",
            "- Added a CLI.\n- Requires Python 3.11+\n",
            id="history in another list item",
        ),
        pytest.param(
            "We dropped Python 2 long ago.\nRequires Python 3.9+.\n",
            "We dropped Python 2 long ago.\nRequires Python 3.11+.\n",
            id="history in another sentence",
        ),
        pytest.param(
            "## Changes\n\nPython 3.9+\n\n## Install\n\nPython 3.9+\n",
            "## Changes\n\nPython 3.9+\n\n## Install\n\nPython 3.11+\n",
            id="the section after a history section",
        ),
        pytest.param(
            "Install\n-------\n\nPython 3.9+\n",
            "Install\n-------\n\nPython 3.11+\n",
            id="rst section",
        ),
        pytest.param(
            "Requires Python 3.9+ and Python 3.10 or later\n",
            "Requires Python 3.11+ and Python 3.11 or later\n",
            id="two statements",
        ),
        pytest.param(
            "python 3.9+ is required to install it. It can run binaries from packages with\n"
            "Python 3.3+. Don't have Python 3.9 or\nlater? See the guide.\n",
            "python 3.11+ is required to install it. It can run binaries from packages with\n"
            "Python 3.3+. Don't have Python 3.11 or\nlater? See the guide.\n",
            id="a statement wrapped onto the next line; not the Pythons of what it runs",
        ),
        pytest.param(
            "The command line tool requires\nPython 3.10 to run.\n",
            "The command line tool requires\nPython 3.11 to run.\n",
            id="a verb ending the line before the version",
        ),
        pytest.param(
            "The zipapp can be downloaded from [GitHub releases](https://example.com/releases)"
            " and you can invoke it with a\nPython 3.9+ interpreter:\n",
            "The zipapp can be downloaded from [GitHub releases](https://example.com/releases)"
            " and you can invoke it with a\nPython 3.11+ interpreter:\n",
            id="a link named for a releases page is not history",
        ),
        pytest.param(
            "Download it from `the changelog <https://example.com/changes>`_; it needs"
            " Python 3.10+.\n",
            "Download it from `the changelog <https://example.com/changes>`_; it needs"
            " Python 3.11+.\n",
            id="an rst link named for a changelog page",
        ),
        pytest.param(
            "## Project Information\n\n- **License**: MIT\n"
            "- **Supported Python Versions**: 3.8 and later\n",
            "## Project Information\n\n- **License**: MIT\n"
            "- **Supported Python Versions**: 3.11 and later\n",
            id="a labelled floor in markdown",
        ),
        pytest.param(
            ":License: MIT\n:Python: 3.9+\n",
            ":License: MIT\n:Python: 3.11+\n",
            id="a labelled floor in an rst field list",
        ),
    ),
)
def test_rewrite(before, after):
    check(prose, before, after, POLICY)


def test_policy_310_keeps_310():
    result = prose.rewrite("Python 3.9+ or Python 3.10+\n", POLICY_310)
    assert result is not None
    assert result.text == "Python 3.10+ or Python 3.10+\n"
    assert result.dropped == frozenset()


def test_changes_name_the_statement():
    result = prose.rewrite(f"Requires Python 3.9+ ![b]({BADGE.format('3.9%2B')})\n", POLICY)
    assert result is not None
    assert result.changes == (
        'stated minimum: "Python 3.9+" → "Python 3.11+"',
        "badge: python 3.9 -> 3.11",
    )


def test_fully_dropped_range_is_a_note():
    result = prose.rewrite("Python 3.9 - 3.10 and Python 3.9 - 3.11, Python 3.9+\n", POLICY)
    assert result is not None
    assert result.text == "Python 3.9 - 3.10 and Python 3.9 - 3.11, Python 3.11+\n"
    assert result.notes == (
        '"Python 3.9 - 3.10": every version in it is dropped; reword by hand',
        '"Python 3.9 - 3.11": every version in it is dropped; reword by hand',
    )


PYPY_README = (
    "Supported interpreters:\n\n"
    "* CPython 3.9+.\n"
    "* {pypy}\n\n"
    "It runs on PyPy and Python 3.9+ alike; see `pypy3.8` in the docs.\n"
)


@pytest.mark.parametrize(
    ("pypy", "notes"),
    (
        pytest.param(
            "PyPy3 versions 3.8 through 3.10.",
            (
                'line 4: "* PyPy3 versions 3.8 through 3.10." names PyPy versions no longer '
                "supported; PyPy prose is left as written, check it by hand",
            ),
            id="a range of pypy versions",
        ),
        pytest.param(
            "pypy3.9 wheels are built as well.",
            (
                'line 4: "* pypy3.9 wheels are built as well." names PyPy versions no longer '
                "supported; PyPy prose is left as written, check it by hand",
            ),
            id="a pypy spelling with its version",
        ),
        pytest.param("PyPy3 versions 3.11 through 3.12.", (), id="only kept pypy versions"),
        pytest.param("PyPy 7.3 and later.", (), id="pypy's own version"),
    ),
)
def test_pypy_prose_stays_but_a_dropped_version_is_noted(pypy, notes):
    before = PYPY_README.format(pypy=pypy)
    after = before.replace("CPython 3.9+", "CPython 3.11+")
    check(prose, before, after, POLICY)
    result = prose.rewrite(before, POLICY)
    assert result is not None
    assert result.notes == notes


@pytest.mark.parametrize(
    ("path", "owner"),
    (
        ("README.md", "prose"),
        ("README.rst", "prose"),
        ("CONTRIBUTING.md", "prose"),
        ("INSTALL", "prose"),
        ("docs/install.rst", "prose"),
        ("docs/guide/setup.md", "prose"),
        ("CHANGELOG.md", "changelog"),
        ("CHANGES.rst", "changelog"),
        ("HISTORY.md", "changelog"),
        ("NEWS", "changelog"),
        ("docs/changelog.rst", "changelog"),
        ("docs/en/changelog.md", "changelog"),
        ("docs/release-notes.md", "changelog"),
        ("docs/release-notes/1.0.md", "changelog"),
        ("docs/whatsnew/3.0.rst", "changelog"),
        ("docs/whats-new.rst", "changelog"),
    ),
)
def test_changelogs_are_not_prose(path, owner):
    module = registry.owner_of(path)
    assert module is not None
    assert module.__name__.rsplit(".", 1)[1] == owner


@pytest.mark.parametrize(("before", "after", "policy"), fixture_pairs("prose", POLICY))
def test_fixture(before, after, policy):
    check(prose, before, after, policy)
