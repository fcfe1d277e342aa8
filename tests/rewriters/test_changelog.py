from __future__ import annotations

import pytest

from rewriters.docs import changelog
from rewriters.policy import Policy
from rewriters.versions import Minor
from tests.conftest import POLICY, POLICY_310, TODAY
from tests.rewriters._check import fixture_pairs

DROPPED = (Minor(3, 9), Minor(3, 10))
LINE = "Drop support for Python 3.9 and 3.10, which have reached end-of-life."
TOWNCRIER = '[tool.towncrier]\ndirectory = "changes/"\nfilename = "CHANGES.md"\n'


def test_entry_text_single():
    assert changelog.entry_text(POLICY_310, [Minor(3, 9)]) == (
        "Drop support for Python 3.9, which has reached end-of-life."
    )


def test_entry_text_without_eol_clause_when_a_version_is_still_supported():
    policy = Policy.for_date(TODAY, minimum="3.12")
    dropped = [Minor(3, 11), Minor(3, 9), Minor(3, 10)]
    assert changelog.entry_text(policy, dropped) == "Drop support for Python 3.9, 3.10 and 3.11."


def test_nothing_dropped_is_no_entry():
    assert changelog.entry({"CHANGES.md": "## Unreleased\n"}, POLICY, ()) == {}


def test_rewrite_never_edits_a_changelog():
    assert changelog.rewrite("## Unreleased\n\nPython 3.9+\n", POLICY) is None


@pytest.mark.parametrize(
    ("files", "expected"),
    (
        pytest.param(
            {"pyproject.toml": TOWNCRIER + '[[tool.towncrier.type]]\ndirectory = "removal"\n'},
            {"changes/+drop-python-3.9-3.10.removal.md": LINE + "\n"},
            id="towncrier removal type",
        ),
        pytest.param(
            {
                "pyproject.toml": TOWNCRIER
                + '[[tool.towncrier.type]]\ndirectory = "feature"\n'
                + '[[tool.towncrier.type]]\ndirectory = "breaking"\n'
            },
            {"changes/+drop-python-3.9-3.10.breaking.md": LINE + "\n"},
            id="towncrier breaking before feature",
        ),
        pytest.param(
            {"towncrier.toml": TOWNCRIER + "[tool.towncrier.fragment.feature]\n"},
            {"changes/+drop-python-3.9-3.10.feature.md": LINE + "\n"},
            id="towncrier.toml fragment tables",
        ),
        pytest.param(
            {"pyproject.toml": '[tool.towncrier]\ndirectory = "news"\norphan_prefix = "~"\n'},
            {"news/~drop-python-3.9-3.10.removal.rst": LINE + "\n"},
            id="towncrier default types and file name",
        ),
        pytest.param(
            {"pyproject.toml": '[tool.towncrier]\npackage = "pkg"\npackage_dir = "src"\n'},
            {"src/pkg/newsfragments/+drop-python-3.9-3.10.removal.rst": LINE + "\n"},
            id="towncrier package newsfragments",
        ),
        pytest.param(
            {"pyproject.toml": '[tool.towncrier]\ndirectory = "."\nfilename = "NEWS"\n'},
            {"+drop-python-3.9-3.10.removal": LINE + "\n"},
            id="towncrier fragments at the root",
        ),
        pytest.param(
            {"pyproject.toml": '[tool.towncrier]\nname = "x"\n'},
            {},
            id="towncrier without a directory",
        ),
        pytest.param(
            {"pyproject.toml": TOWNCRIER + '[[tool.towncrier.type]]\ndirectory = "bugfix"\n'},
            {},
            id="towncrier without a fitting type",
        ),
        pytest.param(
            {
                "pyproject.toml": TOWNCRIER,
                "changes/1234.removal.md": "Dropped Python 3.9.\n",
            },
            {},
            id="towncrier fragment already there",
        ),
        pytest.param(
            {
                "pyproject.toml": TOWNCRIER,
                "changes/+drop-python-3.9-3.10.removal.md": "reworded by a human\n",
            },
            {},
            id="towncrier same fragment name",
        ),
        pytest.param(
            {"pyproject.toml": '[tool.scriv]\nformat = "md"\n'},
            {"changelog.d/20261126_molt_drop_python_39_310.md": f"### Removed\n\n- {LINE}\n"},
            id="scriv markdown default categories",
        ),
        pytest.param(
            {"setup.cfg": "[scriv]\nfragment_directory = scriv.d\ncategories = Added, Changed\n"},
            {"scriv.d/20261126_molt_drop_python_39_310.rst": f"Changed\n-------\n\n- {LINE}\n"},
            id="scriv setup.cfg rst",
        ),
        pytest.param(
            {"setup.cfg": "[tool.scriv]\ncategories =\n"},
            {"changelog.d/20261126_molt_drop_python_39_310.rst": f"- {LINE}\n"},
            id="scriv without categories",
        ),
        pytest.param(
            {"pyproject.toml": "[tool.scriv]\ncategories = ['Other']\n"},
            {"changelog.d/20261126_molt_drop_python_39_310.rst": f"- {LINE}\n"},
            id="scriv list without a fitting category",
        ),
        pytest.param(
            {"setup.cfg": "[metadata]\nname = x\n", "pyproject.toml": "[project\n"},
            {},
            id="no convention, unreadable pyproject",
        ),
        pytest.param({"setup.cfg": "[metadata\n"}, {}, id="unreadable setup.cfg"),
        pytest.param(
            {"CHANGES.md": "# Changes\n\n## 1.0.0\n\n- First.\n"},
            {},
            id="top section released",
        ),
        pytest.param(
            {
                "CHANGELOG.md": "See docs/changelog.md.\n",
                "docs/changelog.md": "# Changelog\n\n## Unreleased\n\n* Fix a bug.\n",
                "docs/guide/changelog.md": "## Unreleased\n",
            },
            {"docs/changelog.md": (f"# Changelog\n\n## Unreleased\n\n* {LINE}\n* Fix a bug.\n")},
            id="pointer file, then docs",
        ),
        pytest.param(
            {"CHANGES.md": "## Unreleased\n\n- Drop Python 3.9.\n\n## 1.0\n"},
            {},
            id="already has an entry",
        ),
        pytest.param(
            {
                "CHANGES.rst": "Changes\n=======\n\n1.1 (unreleased)\n----------------\n\n"
                "* One.\n\n  More.\n\n* Two.\n\n1.0\n---\n\n* Zero.\n"
            },
            {
                "CHANGES.rst": "Changes\n=======\n\n1.1 (unreleased)\n----------------\n\n"
                f"* {LINE}\n\n* One.\n\n  More.\n\n* Two.\n\n1.0\n---\n\n* Zero.\n"
            },
            id="loose list keeps its blank lines",
        ),
        pytest.param(
            {
                "HISTORY.rst": "=======\nHistory\n=======\n\nIn development\n--------------\n\n"
                "1.0\n---\n\n-  Zero.\n"
            },
            {
                "HISTORY.rst": "=======\nHistory\n=======\n\nIn development\n--------------\n\n"
                f"-  {LINE}\n\n1.0\n---\n\n-  Zero.\n"
            },
            id="empty unreleased section, overlined title",
        ),
        pytest.param(
            {"NEWS": "v2.0\n====\n\nUnreleased"},
            {"NEWS": f"v2.0\n====\n\nUnreleased\n\n- {LINE}\n"},
            id="no trailing newline, no list anywhere",
        ),
        pytest.param(
            {"CHANGES.md": "## 2.0\n\n"},
            {},
            id="version heading with nothing under it",
        ),
        pytest.param(
            {"CHANGES.md": "## Unreleased\n\n  - Nested.\n"},
            {"CHANGES.md": f"## Unreleased\n\n  - {LINE}\n  - Nested.\n"},
            id="indented list",
        ),
        pytest.param(
            {"CHANGELOG.md": "# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2025-01-01\n"},
            {
                "CHANGELOG.md": "# Changelog\n\n## [Unreleased]\n\n### Removed\n\n"
                f"- {LINE}\n\n## [1.0.0] - 2025-01-01\n"
            },
            id="keep a changelog, empty unreleased",
        ),
        pytest.param(
            {"CHANGELOG.md": "## [Unreleased]\n### Added\n- A.\n### Fixed\n- B.\n## [1.0.0]\n"},
            {
                "CHANGELOG.md": "## [Unreleased]\n### Added\n- A.\n\n### Removed\n\n"
                f"- {LINE}\n\n### Fixed\n- B.\n## [1.0.0]\n"
            },
            id="keep a changelog, removed before fixed",
        ),
        pytest.param(
            {"CHANGELOG.md": "## [Unreleased]\n\n### Removed\n\n- Old API.\n\n## [1.0.0]\n"},
            {
                "CHANGELOG.md": "## [Unreleased]\n\n### Removed\n\n"
                f"- {LINE}\n- Old API.\n\n## [1.0.0]\n"
            },
            id="keep a changelog, removed exists",
        ),
        pytest.param(
            {"CHANGELOG.md": "## Unreleased\n\n### Features\n\n- A.\n\n## 1.0\n"},
            {},
            id="subsections without a fitting one",
        ),
        pytest.param(
            {"CHANGELOG.md": "Based on Keep a Changelog.\n\n## Unreleased\n\n- A.\n"},
            {"CHANGELOG.md": f"Based on Keep a Changelog.\n\n## Unreleased\n\n- {LINE}\n- A.\n"},
            id="keep a changelog named in the text, flat list",
        ),
    ),
)
def test_entry(files, expected):
    assert changelog.entry(files, POLICY, DROPPED) == expected
    assert changelog.entry({**files, **expected}, POLICY, DROPPED) == {}


def test_crlf_is_kept():
    before = "## Unreleased\r\n\r\n- A.\r\n"
    after = f"## Unreleased\r\n\r\n- {LINE}\r\n- A.\r\n"
    assert changelog.entry({"CHANGES.md": before}, POLICY, DROPPED) == {"CHANGES.md": after}


FIXTURE_PATHS = {
    "black": "CHANGES.md",
    "click": "CHANGES.rst",
    "httpx": "CHANGELOG.md",
    "requests": "HISTORY.md",
}


@pytest.mark.parametrize(
    ("path", "before", "after", "policy"),
    [
        pytest.param(FIXTURE_PATHS[case.id], *case.values, id=case.id)
        for case in fixture_pairs("changelog", POLICY)
    ],
)
def test_fixture(path, before, after, policy):
    expected = {} if after == before else {path: after}
    assert changelog.entry({path: before}, policy, DROPPED) == expected
