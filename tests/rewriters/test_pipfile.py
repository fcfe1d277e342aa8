from __future__ import annotations

import pytest

from rewriters import registry
from rewriters.packaging import pipfile
from rewriters.result import UnparsableInput
from rewriters.versions import Minor
from tests.conftest import POLICY, POLICY_310
from tests.rewriters._check import check, fixture_pairs, noop

PACKAGES = """\
[[source]]
url = "https://pypi.org/simple"
verify_ssl = true
name = "pypi"

[packages]
requests = "*"
idna = ">=3.9"
tomli = {version = "*", markers = "python_version < '3.11'"}

"""


@pytest.mark.parametrize(
    "before",
    (
        pytest.param(PACKAGES, id="no requires"),
        pytest.param(PACKAGES + '[requires]\npython_version = "3.11"\n', id="current"),
        pytest.param(PACKAGES + '[requires]\npython_version = "3"\n', id="major only"),
        pytest.param(PACKAGES + '[requires]\npython_version = "*"\n', id="any python"),
        pytest.param('[packages]\npython_version = "3.9"\n', id="not under requires"),
        pytest.param('[requires]\npython_version = ["3.9"]\n', id="not a string"),
    ),
)
def test_noop(before):
    noop(pipfile, before, POLICY)


@pytest.mark.parametrize(
    ("before", "after"),
    (
        pytest.param(
            PACKAGES + '[requires]\npython_version = "3.9"\n',
            PACKAGES + '[requires]\npython_version = "3.11"\n',
            id="python_version",
        ),
        pytest.param(
            "[requires]\npython_full_version = '3.9.18'  # pinned\n",
            "[requires]\npython_full_version = '3.11.16'  # pinned\n",
            id="python_full_version, literal string and comment",
        ),
        pytest.param(
            '[requires]\npython_version = "3.10"\npython_full_version = "3.10.4"\n',
            '[requires]\npython_version = "3.11"\npython_full_version = "3.11.16"\n',
            id="both",
        ),
    ),
)
def test_rewrite(before, after):
    check(pipfile, before, after, POLICY)


def test_minimum_310():
    check(
        pipfile,
        '[requires]\npython_version = "3.9"\n',
        '[requires]\npython_version = "3.10"\n',
        POLICY_310,
    )


def test_changes_and_dropped():
    result = pipfile.rewrite('[requires]\npython_version = "3.9"\n', POLICY)
    assert result is not None
    assert result.changes == ("requires.python_version: 3.9 → 3.11",)
    assert result.dropped == frozenset({Minor(3, 9)})


def test_unparsable():
    with pytest.raises(UnparsableInput):
        pipfile.rewrite("[requires\n", POLICY)


@pytest.mark.parametrize(
    "path",
    (
        "Pipfile",
        "services/api/Pipfile",
    ),
)
def test_owned_paths(path):
    assert registry.owner_of(path) is pipfile


@pytest.mark.parametrize(("before", "after", "policy"), fixture_pairs("pipfile", POLICY))
def test_real_files(before, after, policy):
    check(pipfile, before, after, policy)
