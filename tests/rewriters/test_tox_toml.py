from __future__ import annotations

from dataclasses import replace

import pytest

from rewriters import registry
from rewriters.environments import tox_toml
from rewriters.packaging import pyproject
from rewriters.policy import Facts
from rewriters.result import UnparsableInput
from rewriters.versions import Minor
from tests.conftest import POLICY
from tests.rewriters._check import check, fixture_pairs, noop

DECLARED = replace(POLICY, facts=Facts(newest=Minor(3, 13)))  # the project declares 3.13


@pytest.mark.parametrize(
    "before",
    (
        pytest.param("", id="empty file"),
        pytest.param('env_list = ["3.11", "3.12", "type"]\n', id="nothing to drop"),
        pytest.param('env_list = "py39"\n', id="env list that is not a list"),
        pytest.param('env_list = ["py\\u00339"]\n', id="name spelled with escapes"),
        pytest.param(
            'env_list = [{ product = [["py311", "py312"], ["a", "b"]] }]\n', id="current product"
        ),
        pytest.param(
            'env_list = [{ product = [["py311", "py312"], ["a,b"]] }]\n',
            id="product member tox could not name",
        ),
        pytest.param('[env_run_base]\nbase_python = "py312"\n', id="current base_python"),
        pytest.param('[env.lint]\ndepends = ["py311"]\n', id="current depends"),
        pytest.param('[env.lint]\ndepends = "py39"\n', id="depends that is not a list"),
        pytest.param('[labels]\ntest = ["py312", "py313"]\n', id="current labels"),
        pytest.param(
            'description = """\n[env.py39]\n"""\n[env.py312]\ndeps = ["x"]\n',
            id="header inside a string",
        ),
        pytest.param('requires = ["tox>=4.22"]\n', id="requires without markers"),
    ),
)
def test_noop(before):
    noop(tox_toml, before, POLICY)


@pytest.mark.parametrize(
    ("before", "after"),
    (
        pytest.param(
            'env_list = ["3.9", "3.10", "3.11", "3.12", "type"]\n',
            'env_list = ["3.11", "3.12", "type"]\n',
            id="flat list",
        ),
        pytest.param(
            'env_list = ["3.9", "3.12", "3.13"]\n',
            'env_list = ["3.11", "3.12", "3.13"]\n',
            id="the list keeps testing the oldest supported python",
        ),
        pytest.param(
            'env_list = [\n    "py39",  # oldest\n    "py310",\n    "py311",\n    "docs",\n]\n',
            'env_list = [\n    "py311",\n    "docs",\n]\n',
            id="one per line",
        ),
        pytest.param(
            'env_list = ["py312", "py39-freeze"]\n\n[env.py39-freeze]\ndeps = ["pyinstaller"]\n',
            'env_list = ["py312", "py311-freeze"]\n\n[env.py311-freeze]\ndeps = ["pyinstaller"]\n',
            id="the oldest job moves up with its table",
        ),
        pytest.param(
            'env_list = ["py312", "py39-oldest"]\n\n'
            "# every dependency at its oldest supported release\n"
            '[env.py39-oldest]\ndeps = ["attrs==21.3.0", "click"]\n\n'
            '[env.py39-oldest.set_env]\nPIP_CONSTRAINT = "constraints.txt"\n\n'
            '# linters\n[env.lint]\ncommands = [["ruff", "check"]]\n',
            'env_list = ["py312"]\n\n# linters\n[env.lint]\ncommands = [["ruff", "check"]]\n',
            id="a job pinning old releases goes with its tables",
        ),
        pytest.param(
            'env_list = ["3.9-x", "3.12-x"]\n\n[env."3.9-x"]\ndescription = "x"\n',
            'env_list = ["3.11-x", "3.12-x"]\n\n[env."3.11-x"]\ndescription = "x"\n',
            id="quoted table name",
        ),
        pytest.param(
            "env_list = ['py39', 'py312']\n\n[env.'py39']\ndescription = 'x'\n",
            "env_list = ['py311', 'py312']\n\n[env.'py311']\ndescription = 'x'\n",
            id="literal quotes",
        ),
        pytest.param(
            'env_list = ["py3.9", "py3.12"]\n\n[env.py39]\ndescription = "x"\n',
            'env_list = ["py3.11", "py3.12"]\n',
            id="a table for another spelling of a dropped python goes",
        ),
        pytest.param(
            'env_list = ["py3.9", "py3.12"]\n\n[env.oldest]\ndepends = ["py3.9"]\n',
            'env_list = ["py3.11", "py3.12"]\n\n[env.oldest]\ndepends = ["py3.11"]\n',
            id="depends follows a moved env",
        ),
        pytest.param(
            '[env.py39]\ndeps = ["x"]\n[env.py312]\ndeps = ["x"]\n',
            '[env.py312]\ndeps = ["x"]\n',
            id="a table no list names goes with its python",
        ),
        pytest.param(
            'env_list = ["py39", "py310", "py312"]\n\n'
            '[labels]\ntest = ["py39", "py310", "py312"]\nold = ["py39"]\n',
            'env_list = ["py311", "py312"]\n\n[labels]\ntest = ["py311", "py312"]\nold = []\n',
            id="labels follow their envs",
        ),
        pytest.param(
            "env_list = [\n"
            '    { product = [["py39", "py310", "py312"], ["django42", "django51"]] },\n'
            '    { product = [["py39", "py310"], ["django32"]] },\n    "lint",\n]\n',
            "env_list = [\n"
            '    { product = [["py311", "py312"], ["django42", "django51"]] },\n'
            '    "lint",\n]\n',
            id="products shrink and a matrix cell goes",
        ),
        pytest.param(
            'env_list = [{ product = [["py39"], ["cli", "django32"]] }, "py312-django50"]\n',
            'env_list = [{ product = [["py311"], ["cli"]] }, "py312-django50"]\n',
            id="a product member whose envs all go goes",
        ),
        pytest.param(
            'requires = ["tox>=4.22", "virtualenv<20.22; python_version < \'3.10\'"]\n',
            'requires = ["tox>=4.22"]\n',
            id="requires marker no kept python meets",
        ),
        pytest.param(
            '[env_run_base]\nbase_python = ["py39", "py312"]\n\n[env.type]\nbase_python = "3.10"\n'
            '[env.pypy]\nbase_python = ["pypy3", "python3.9"]\n',
            '[env_run_base]\nbase_python = ["py312"]\n\n[env.type]\nbase_python = "3.11"\n'
            '[env.pypy]\nbase_python = ["pypy3", "python3.11"]\n',
            id="base_python",
        ),
    ),
)
def test_rewrite(before, after):
    check(tox_toml, before, after, POLICY)


def test_changes_and_dropped():
    before = (
        'env_list = ["3.9", "3.10", "3.12", "type", "3.9-old"]\n\n'
        '[env."3.9-old"]\ndeps = ["pytest==7.0.0"]\n\n'
        '[env.type]\nbase_python = "3.9"\ndepends = ["3.9", "3.12"]\n'
    )
    result = tox_toml.rewrite(before, POLICY)
    assert result is not None
    assert result.changes == (
        '[env."3.9-old"]: removed',
        "env_list: dropped 3.9 and 3.10",
        "env.type.base_python: 3.9 → 3.11",
        "env.type.depends: dropped 3.9",
    )
    assert result.dropped == {Minor(3, 9), Minor(3, 10)}


def test_rename_says_where():
    before = 'env_list = ["py39-x", "py312-x"]\n[env.py39-x]\ndescription = "x"\n'
    result = tox_toml.rewrite(before, POLICY)
    assert result is not None
    assert "[env.py39-x] → [env.py311-x]" in result.changes


def test_a_rename_never_duplicates_a_table():
    # the window moves py310 up to 3.11 and py311 to 3.12: [env.py310] cannot take the name
    # [env.py311] still holds, so it goes
    before = (
        'env_list = ["py310", "py311", "lint"]\n[env.py310]\ndeps = ["a"]\n'
        '[env.py311]\ndeps = ["b"]\n'
    )
    after = 'env_list = ["py311", "py312", "lint"]\n[env.py312]\ndeps = ["b"]\n'
    check(tox_toml, before, after, DECLARED)


def test_referenced_table_is_kept_with_a_note():
    before = (
        'env_list = ["py39", "py312"]\n\n[env.py39]\ndeps = ["attrs==21.3.0"]\n\n'
        '[env.oldest]\ndeps = [{ replace = "ref", env = "py39", key = "deps" }]\n'
    )
    result = tox_toml.rewrite(before, POLICY)
    assert result is not None
    assert result.text == before.replace('"py39", ', "", 1)
    assert result.notes == ("[env.py39] is only for dropped Pythons but is referenced; kept",)


def test_env_set_without_a_table_gets_a_note():
    before = 'env_list = ["py39-x", "py312-x"]\nenv.py39-x.deps = ["x"]\n'
    result = tox_toml.rewrite(before, POLICY)
    assert result is not None
    assert result.text == before.replace('"py39-x"', '"py311-x"', 1)
    assert result.notes == ("env.py39-x is set without a table of its own; rename it by hand",)


def test_product_with_a_range_is_left_with_a_note():
    before = 'env_list = [{ product = [{ prefix = "py3", start = 9 }, ["unit"]] }, "py39"]\n'
    result = tox_toml.rewrite(before, POLICY)
    assert result is not None
    assert result.text == before.replace('"py39"', '"py311"')
    assert result.notes == (
        "env_list: a product with range or labelled factor groups is left alone; "
        "check its Pythons by hand",
    )


@pytest.mark.parametrize(
    ("before", "after"),
    (
        pytest.param(
            '[project]\nname = "x"\n\n[tool.tox]\nenv_list = ["3.9", "3.12", "3.13"]\n',
            '[project]\nname = "x"\n\n[tool.tox]\nenv_list = ["3.11", "3.12", "3.13"]\n',
            id="env list",
        ),
        pytest.param(
            '[tool.tox]\nenv_list = ["py312", "py39-oldest"]\n\n'
            '[tool.tox.env.py39-oldest]\ndeps = ["attrs==21.3.0"]\n\n'
            "[tool.ruff]\nline-length = 99\n",
            '[tool.tox]\nenv_list = ["py312"]\n\n[tool.ruff]\nline-length = 99\n',
            id="a pinned env goes with its table",
        ),
        pytest.param(
            '[tool.tox]\nenv_list = ["py312", "py39-docs"]\n\n'
            '[tool.tox.env.py39-docs]\nbase_python = "python3.9"\n',
            '[tool.tox]\nenv_list = ["py312", "py311-docs"]\n\n'
            '[tool.tox.env.py311-docs]\nbase_python = "python3.11"\n',
            id="a moved env's table and its base_python",
        ),
        pytest.param(
            '[tool.tox.env_run_base]\nbase_python = ["python3.9"]\n',
            '[tool.tox.env_run_base]\nbase_python = ["python3.11"]\n',
            id="run base",
        ),
    ),
)
def test_pyproject_native_tox(before, after):
    check(pyproject, before, after, POLICY)


def test_pyproject_without_tox_is_untouched():
    noop(pyproject, "[tool.ruff]\nline-length = 99\n[env.py39]\nx = 1\n", POLICY)


def test_unparsable():
    with pytest.raises(UnparsableInput) as info:
        tox_toml.rewrite('env_list = [\n    "py39",,\n]\n', POLICY)
    assert info.value.line == 2


def test_owned_paths():
    assert registry.owner_of("tox.toml") is tox_toml
    assert registry.owner_of("pkg/tox.toml") is tox_toml


@pytest.mark.parametrize(("before", "after", "policy"), fixture_pairs("tox_toml"))
def test_real_files(before, after, policy):
    check(tox_toml, before, after, policy)
