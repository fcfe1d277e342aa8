from __future__ import annotations

from dataclasses import replace

import pytest

from rewriters import registry
from rewriters.environments import tox_ini
from rewriters.formats import ini as _ini
from rewriters.policy import Facts
from rewriters.result import BrokenOutput, UnparsableInput
from rewriters.versions import Minor
from tests.conftest import POLICY, POLICY_310
from tests.rewriters._check import check, fixture_pairs, noop

DECLARED = replace(POLICY, facts=Facts(newest=Minor(3, 13)))  # the project declares 3.13


@pytest.mark.parametrize(
    "before",
    (
        pytest.param("", id="empty file"),
        pytest.param("[tox]\nenvlist = py311,py312,lint\n", id="nothing to drop"),
        pytest.param("[tox]\nenvlist = py,pypy3,pre-commit\n", id="unversioned envs"),
        pytest.param("[tox]\nenvlist = py3{11,12}-{a,b}\n", id="braces already current"),
        pytest.param("[tox]\nenvlist = py{311,312}, {env:EXTRA}\n", id="substitution kept"),
        pytest.param("[tox]\nenvlist = py{3{9,10}}\n", id="nested braces left alone"),
        pytest.param(
            "[testenv]\ncommands = pytest {posargs:tests}\nsetenv = URL=http://x:1\n",
            id="colons that are not conditions",
        ),
        pytest.param("[testenv]\ndeps = !py39: foo\n", id="negated factor is always true"),
        pytest.param("[testenv]\nbasepython = python3.12\n", id="current basepython"),
        pytest.param("[testenv]\nbasepython = {env:PY:python3.9}\n", id="basepython substitution"),
        pytest.param(
            "[testenv]\ndeps =\n    foo; python_version < '3.13'\n", id="marker still splits"
        ),
        pytest.param(
            "[testenv]\ndeps = foo; python_full_version < '3.11.2'\n",
            id="patch marker splits the minimum",
        ),
        pytest.param(
            "[testenv]\ndeps = foo; python_version < '3.9' and sys_platform == 'win32'\n",
            id="compound marker left alone",
        ),
        pytest.param(
            "[flake8]\nmax-line-length = 3.9\n[pytest]\nminversion = 3.9\n", id="other tools"
        ),
        pytest.param("[mypy]\npython_version = 3.9\n", id="mypy does not read tox.ini"),
        pytest.param("[tox]\nrequires = tox>=3.9\n", id="requirement pin"),
        pytest.param("[tox]\nlabels =\n    unit = py311\n    # py39\n", id="labels current"),
        pytest.param("[tox]\nlabels = py39\n", id="labels without a name"),
        pytest.param("[gh]\npython =\n    3.12 = py312\n    note\n", id="tox-gh map current"),
        pytest.param("[gh-actions:env]\nPLATFORM =\n    ubuntu-latest: linux\n", id="env map"),
        pytest.param("[testenv:py{311,312}]\ndeps = x\n", id="current section"),
        pytest.param("[testenv:lint]\ndepends = py311\n", id="current depends"),
        pytest.param(
            "[tox]\nenvlist = django-3.2-py312, django-4.2-py313\n",
            id="a dotted release is not the python of an env that names one",
        ),
    ),
)
def test_noop(before):
    noop(tox_ini, before, POLICY)


@pytest.mark.parametrize(
    ("before", "after"),
    (
        pytest.param(
            "[tox]\nenvlist = py39,py310,py311,lint\n",
            "[tox]\nenvlist = py311,lint\n",
            id="flat list",
        ),
        pytest.param(
            "[tox]\nenvlist = formatting, py39, py310, py311, pypy\n",
            "[tox]\nenvlist = formatting, py311, pypy\n",
            id="flat list with spaces",
        ),
        pytest.param(
            "[tox]\nenvlist = lint, py311, py39\n",
            "[tox]\nenvlist = lint, py311\n",
            id="last item",
        ),
        pytest.param(
            "[tox]\nenvlist =\n    py39\n    py310\n    py311\n    lint\n",
            "[tox]\nenvlist =\n    py311\n    lint\n",
            id="one per line",
        ),
        pytest.param(
            "[tox]\nenv_list =\n    py39,\n    py311,  # current\n    lint,\n",
            "[tox]\nenv_list =\n    py311,  # current\n    lint,\n",
            id="trailing commas and inline comment",
        ),
        pytest.param(
            "[tox]\nenvlist = py39,py310\n",
            "[tox]\nenvlist = py311\n",
            id="emptied list gets the minimum",
        ),
        pytest.param(
            "[tox]\nenvlist = py{39,310,311,312}-django{42,50}\n",
            "[tox]\nenvlist = py{311,312}-django{42,50}\n",
            id="brace members",
        ),
        pytest.param(
            "[tox]\nenvlist = py3{12,11,10,9}\n",
            "[tox]\nenvlist = py3{12,11}\n",
            id="brace glued to py3",
        ),
        pytest.param(
            "[tox]\nenvlist = py{39, 310, 311, py3}\n",
            "[tox]\nenvlist = py{311, py3}\n",
            id="first member goes and spacing stays",
        ),
        pytest.param(
            "[tox]\nenvlist = py{39,310,311}\n",
            "[tox]\nenvlist = py{311}\n",
            id="single member keeps braces",
        ),
        pytest.param(
            "[tox]\nenvlist = py3{,9,10}\n",
            "[tox]\nenvlist = py3{,11}\n",
            id="the empty member stays beside the minimum",
        ),
        pytest.param(
            "[tox]\nenvlist = py3{,9}\n",
            "[tox]\nenvlist = py3{,11}\n",
            id="a single old member moves beside the empty one",
        ),
        pytest.param(
            "[tox]\nenvlist = django-3.2, django-4.2, py39, py311\n\n[testenv]\ndeps =\n"
            "    django-3.2: Django>=3.2,<3.3\n    django-4.2: Django>=4.2,<4.3\n",
            "[tox]\nenvlist = django-3.2, django-4.2, py311\n\n[testenv]\ndeps =\n"
            "    django-3.2: Django>=3.2,<3.3\n    django-4.2: Django>=4.2,<4.3\n",
            id="a bare version after another factor is that project's, not Python's",
        ),
        pytest.param(
            "[tox]\nenvlist = {3.9,3.10,3.11,pypy3}-unit\n",
            "[tox]\nenvlist = {3.11,pypy3}-unit\n",
            id="bare dotted factors",
        ),
        pytest.param(
            "[tox]\nenvlist = py3{9-13}-tests\n",
            "[tox]\nenvlist = py3{11-13}-tests\n",
            id="range",
        ),
        pytest.param(
            "[tox]\nenvlist = py3{8 - 11}\n",
            "[tox]\nenvlist = py3{11}\n",
            id="range down to one",
        ),
        pytest.param(
            "[tox]\nenvlist = py3{8-10, 12}\n",
            "[tox]\nenvlist = py3{11, 12}\n",
            id="old range becomes the minimum",
        ),
        pytest.param(
            "[tox]\nenvlist = {,ci-}py{39,310,311,py3},fuzz\n",
            "[tox]\nenvlist = {,ci-}py{311,py3},fuzz\n",
            id="several groups",
        ),
        pytest.param(
            "[tox]\nenvlist =\n    py311-django{42,50}\n    py310-django{42}\n",
            "[tox]\nenvlist =\n    py311-django{42,50}\n",
            id="dropped env already covered goes",
        ),
        pytest.param(
            "[tox]\nenvlist =\n    py311\n    py39-freeze\n\n[testenv:py39-freeze]\ndeps = x\n",
            "[tox]\nenvlist =\n    py311\n    py311-freeze\n\n[testenv:py311-freeze]\ndeps = x\n",
            id="dropped env alone moves up with its section",
        ),
        pytest.param(
            "[tox]\nenvlist = py{38,39}-django{32}, py312-django{50}\n",
            "[tox]\nenvlist = py312-django{50}\n",
            id="emptied group goes with its other factors",
        ),
        pytest.param(
            "[tox]\nenvlist =\n    py310-dj40-sqlite\n    py39-dj31-{a,b}\n    py311-dj42\n",
            "[tox]\nenvlist =\n    py311-dj42\n",
            id="matrix cells with another versioned factor go",
        ),
        pytest.param(
            "[tox]\nenvlist = {py38,py39}-flake8, py312\n"
            "[testenv:py38-flake8]\ndeps = flake8\n[testenv:py39-flake8]\ndeps = flake8\n",
            "[tox]\nenvlist = py311-flake8, py312\n[testenv:py311-flake8]\ndeps = flake8\n",
            id="tool env moves up and renamed sections never duplicate",
        ),
        pytest.param(
            "[tox]\nenvlist = py{38,39}-django{32}, lint\n",
            "[tox]\nenvlist = py311-django{32}, lint\n",
            id="emptied group moves up when no other env runs a Python",
        ),
        pytest.param(
            "[tox]\nenvlist = py3{9-10}-x, docs\n",
            "[tox]\nenvlist = py311-x, docs\n",
            id="emptied range moves up",
        ),
        pytest.param(
            "[tox]\nenvlist = py39-a, py310-a, py312\n",
            "[tox]\nenvlist = py311-a, py312\n",
            id="second move is covered by the first",
        ),
        pytest.param(
            "[tox:tox]\nenvlist = py39, py311\n",
            "[tox:tox]\nenvlist = py311\n",
            id="tox section of setup.cfg style",
        ),
        pytest.param(
            "[testenv]\ndeps =\n    py39: a\n    py39,py311: b\n    py311: c\n",
            "[testenv]\ndeps =\n    py311: b\n    py311: c\n",
            id="factor conditions",
        ),
        pytest.param(
            "[testenv]\ndeps =\n    py39-django: a\n    py{39,311}-x: b\n",
            "[testenv]\ndeps =\n    py{311}-x: b\n",
            id="conditions with factors and braces",
        ),
        pytest.param(
            "[tox]\nenvlist = py39-cov, py312\n[testenv]\ncommands =\n    pytest\n"
            "    py39-cov: coverage report\n    py39: echo old\n",
            "[tox]\nenvlist = py311-cov, py312\n[testenv]\ncommands =\n    pytest\n"
            "    py311-cov: coverage report\n",
            id="condition follows an env the env list moved up",
        ),
        pytest.param(
            "[testenv]\ndeps =\n    3.9,3.10,3.11: a\n",
            "[testenv]\ndeps =\n    3.11: a\n",
            id="dotted factor condition",
        ),
        pytest.param(
            "[testenv]\nsetenv = py39: A=1\ncommands = pytest\n",
            "[testenv]\nsetenv =\ncommands = pytest\n",
            id="condition on the key line",
        ),
        pytest.param(
            "[testenv]\nbasepython =\n    3.9: python3.9\n    3.11: python3.11\n"
            "    lint: python3.10\n",
            "[testenv]\nbasepython =\n    3.11: python3.11\n    lint: python3.11\n",
            id="basepython map",
        ),
        pytest.param(
            "[testenv:oldest]\n# keep in sync\nbasepython = python3.9\n",
            "[testenv:oldest]\n# keep in sync\nbasepython = python3.11\n",
            id="basepython moves to the minimum",
        ),
        pytest.param(
            "[testenv:lint]\nbase_python = py310\n",
            "[testenv:lint]\nbase_python = py311\n",
            id="base_python tox 4 spelling",
        ),
        pytest.param(
            "[gh-actions]\npython =\n    3.9: py39\n    3.10: py310\n    3.11: py311, mypy\n",
            "[gh-actions]\npython =\n    3.11: py311, mypy\n",
            id="gh-actions map",
        ),
        pytest.param(
            "[travis]\npython =\n  3.9: py39\n  3.11: py311\n",
            "[travis]\npython =\n  3.11: py311\n",
            id="tox-travis map",
        ),
        pytest.param(
            "[gh]\npython =\n    3.12 = py312\n    3.10 = py310\n    3.9 = py39\n",
            "[gh]\npython =\n    3.12 = py312\n",
            id="tox-gh map",
        ),
        pytest.param(
            "[tox]\nenvlist = py39,py310,py311,lint\nlabels =\n    lint = lint\n"
            "    unit = py311,py310\n    old = py39, py310\n",
            "[tox]\nenvlist = py311,lint\nlabels =\n    lint = lint\n    unit = py311\n",
            id="labels",
        ),
        pytest.param(
            "[tox]\nenvlist = py39, py311\n\n[testenv:py39]\ndeps = old\n\n"
            "# next\n[testenv:py311]\n",
            "[tox]\nenvlist = py311\n\n# next\n[testenv:py311]\n",
            id="section of a dropped env goes",
        ),
        pytest.param(
            "[testenv:py39]\ndeps = old\n",
            "",
            id="last section goes",
        ),
        pytest.param(
            "[testenv:lint]\ndeps = ruff\n\n# the oldest releases we support\n; keep in sync\n"
            "[testenv:py39-oldest]\ndeps = attrs==21.3.0\n\n[testenv:docs]\n",
            "[testenv:lint]\ndeps = ruff\n\n[testenv:docs]\n",
            id="comments right above a removed section go with it",
        ),
        pytest.param(
            "[tox]\nenvlist = py311\n\n\n[testenv:py39]\ndeps = old\n",
            "[tox]\nenvlist = py311\n",
            id="the file still ends with one line break",
        ),
        pytest.param(
            "[testenv:py39]\n[testenv:py311]\ndeps = x\n",
            "[testenv:py311]\ndeps = x\n",
            id="empty section goes",
        ),
        pytest.param(
            "[testenv:py3{9,10,14}-tests]\ndeps = x\n[testenv:cov]\ndepends = py3{9,10,14}-tests\n",
            "[testenv:py3{14}-tests]\ndeps = x\n[testenv:cov]\ndepends = py3{14}-tests\n",
            id="generative section and depends",
        ),
        pytest.param(
            "[testenv:cov]\ndepends =\n    py39\n    py311\n",
            "[testenv:cov]\ndepends =\n    py311\n",
            id="depends on a dropped env",
        ),
        pytest.param(
            "[tox]\nenvlist = py39-x, py312\n[testenv:cov]\ndepends = py39-x, py312\n",
            "[tox]\nenvlist = py311-x, py312\n[testenv:cov]\ndepends = py311-x, py312\n",
            id="depends follows a moved env",
        ),
        pytest.param(
            "[testenv]\ndeps =\n    a; python_version < '3.10'\n"
            '    a>=2 ; python_version >= "3.9"\n    b; python_version >= "3.9"\n',
            '[testenv]\ndeps =\n    a>=2\n    b; python_version >= "3.9"\n',
            id="markers in deps: a split pin collapses, a lone true marker stays",
        ),
        pytest.param(
            "[testenv]\ndeps =\n    x: a==1; python_full_version <= '3.10.4'\n    c\n",
            "[testenv]\ndeps =\n    c\n",
            id="full version marker never true",
        ),
        pytest.param(
            "[testenv]\ndeps = a; python_version != '3.9'\n    a<2; python_version == '3.9'\n",
            "[testenv]\ndeps = a\n",
            id="marker always true after its other half went",
        ),
    ),
)
def test_rewrite(before, after):
    check(tox_ini, before, after, POLICY)


# Envs whose Pythons are all dropped: each goes when the file keys something to those Pythons,
# and moves to the new minimum only when it is plainly the oldest supported job.
ENVS_OF_DROPPED_PYTHONS = (
    pytest.param(
        "[tox]\nenvlist =\n    py{39,310}-dj32-{sqlite,mysql}\n"
        "    py{310,311,312}-dj{42,50}-{sqlite,mysql}\n\n"
        "[testenv]\ndeps =\n    dj32: django~=3.2.9\n    dj42: django~=4.2.1\n"
        "    dj50: django~=5.0\n\n"
        "[testenv:py{39,310,311,312}-dj{32,42,50}-mysql]\nsetenv =\n    DB_BACKEND = mysql\n",
        "[tox]\nenvlist =\n"
        "    py{311,312}-dj{42,50}-{sqlite,mysql}\n\n"
        "[testenv]\ndeps =\n    dj32: django~=3.2.9\n    dj42: django~=4.2.1\n"
        "    dj50: django~=5.0\n\n"
        "[testenv:py{311,312}-dj{32,42,50}-mysql]\nsetenv =\n    DB_BACKEND = mysql\n",
        id="a release only old pythons test goes, though a section header names it for new ones",
    ),
    pytest.param(
        "[tox]\nenvlist = py39, py310, py312, py313, lint\n",
        "[tox]\nenvlist = py311, py312, py313, lint\n",
        id="the list keeps testing the oldest supported python, as a CI list does",
    ),
    pytest.param(
        "[tox]\nenvlist = py3{9,10,12,13}-tests, lint\n",
        "[tox]\nenvlist = py3{11,12,13}-tests, lint\n",
        id="a brace list gives the expanded list's answer",
    ),
    pytest.param(
        "[tox]\nenvlist =\n    py39\n    py312\n    py313\n\n"
        "[testenv]\ndeps =\n    pytest>=8\n    docs: sphinx<8\n    py39: pytest==8.3.5\n"
        "commands = pytest {posargs}\n",
        "[tox]\nenvlist =\n    py312\n    py313\n\n"
        "[testenv]\ndeps =\n    pytest>=8\n    docs: sphinx<8\ncommands = pytest {posargs}\n",
        id="a pin keyed to the dropped python takes its env along",
    ),
    pytest.param(
        "[tox]\nenvlist = py39, py312\n\n[testenv]\ndeps =\n    py39,py312: coverage==7.6.1\n",
        "[tox]\nenvlist = py311, py312\n\n[testenv]\ndeps =\n    py311,py312: coverage==7.6.1\n",
        id="a pin shared with a kept python moves with the env",
    ),
    pytest.param(
        "[tox]\nenvlist = py312, py39-oldest\n\n"
        "[testenv:py39-oldest]\ndescription = the oldest releases we support\n"
        "deps =\n    attrs==21.3.0  # first with attrs.define\n    click==8.0.0\n"
        "commands = pytest\n\n[testenv:lint]\ncommands = ruff check\n",
        "[tox]\nenvlist = py312\n\n[testenv:lint]\ncommands = ruff check\n",
        id="a section of its own with pinned deps goes with its env",
    ),
    pytest.param(
        "[tox]\nenvlist = py312, py39-build\n\n"
        "[testenv:py3{9,12}-build]\ndeps = build==1.2.2\ncommands = python -m build\n",
        "[tox]\nenvlist = py312, py311-build\n\n"
        "[testenv:py3{11,12}-build]\ndeps = build==1.2.2\ncommands = python -m build\n",
        id="a pinned section shared with a kept python does not hold its env back",
    ),
    pytest.param(
        "[tox]\nenvlist =\n    {py3.8,py3.9}-django-v{1.11,2.2}\n"
        "    {py3.9,py3.12,py3.13}-django-v{4.2}\n    {py3.12,py3.13}-django-v{5.1}\n\n"
        "[testenv]\ndeps =\n    django-v1.11: Django~=1.11.0\n    django-v2.2: Django~=2.2.0\n"
        "    django-v4.2: Django~=4.2.0\n    django-v5.1: Django~=5.1.0\n"
        "    django-v{1.11,2.2,4.2}: pytest-django<4.9\n",
        "[tox]\nenvlist =\n    {py3.11,py3.12,py3.13}-django-v{4.2}\n"
        "    {py3.12,py3.13}-django-v{5.1}\n\n"
        "[testenv]\ndeps =\n    django-v4.2: Django~=4.2.0\n    django-v5.1: Django~=5.1.0\n"
        "    django-v{4.2}: pytest-django<4.9\n",
        id="library releases only dropped pythons test go with their conditions",
    ),
    pytest.param(
        "[tox]\nenvlist =\n    py39-{cli,django32}\n    py312-{cli,django50}\n",
        "[tox]\nenvlist =\n    py311-{cli}\n    py312-{cli,django50}\n",
        id="a matrix cell leaves its group while its row moves up",
    ),
    pytest.param(
        "[tox]\nenvlist = py{39,312}-django{32,50}, py311-django50\n",
        "[tox]\nenvlist = py{312}-django{32,50}, py311-django50\n",
        id="a member whose envs disagree goes",
    ),
    pytest.param(
        "[tox]\nenvlist = py{39}-{a,b}-{x,y}, py312\n\n"
        "[testenv]\ndeps =\n    py39-a-x: attrs==21.3.0\n",
        "[tox]\nenvlist = py312\n\n[testenv]\ndeps =\n",
        id="envs of a group that disagree beyond one member go",
    ),
    pytest.param(
        "[tox]\nenvlist = py39-{a,b}-{x,y}, py312\n\n"
        "[testenv]\ndeps =\n    py39-a-x: attrs==21.3.0\n",
        "[tox]\nenvlist = py312\n\n[testenv]\ndeps =\n",
        id="envs of a literal python that disagree go",
    ),
    pytest.param(
        "[tox]\nenvlist = {unit,docs}-x-py39, py312\n",
        "[tox]\nenvlist = {unit,docs}-x-py311, py312\n",
        id="python factor after the groups",
    ),
    pytest.param(
        "[tox]\nenvlist = py3{,9,10}, py311\n",
        "[tox]\nenvlist = py3, py311\n",
        id="only the empty member left",
    ),
    pytest.param(
        "[tox]\nenvlist = py39, py310, py312\n\n[gh-actions]\npython =\n    3.9: py39\n"
        "    3.10: py310, mypy\n    3.12: py312\n",
        "[tox]\nenvlist = py311, py312\n\n[gh-actions]\npython =\n    3.11: py311, mypy\n"
        "    3.12: py312\n",
        id="the gh-actions line of a moved env maps the minimum",
    ),
    pytest.param(
        "[tox]\nenvlist = py39, py312\n\n[gh]\npython =\n    3.12 = py312\n    3.9 = py39, type\n",
        "[tox]\nenvlist = py311, py312\n\n"
        "[gh]\npython =\n    3.12 = py312\n    3.11 = py311, type\n",
        id="the tox-gh line of a moved env maps the minimum",
    ),
    pytest.param(
        "[tox]\nenvlist = py39-cov, py312\nlabels =\n    ci = py39-cov, py312\n\n"
        "[testenv:report]\ndepends = py39-cov\n",
        "[tox]\nenvlist = py311-cov, py312\nlabels =\n    ci = py311-cov, py312\n\n"
        "[testenv:report]\ndepends = py311-cov\n",
        id="labels and depends follow a moved env",
    ),
)


@pytest.mark.parametrize(("before", "after"), ENVS_OF_DROPPED_PYTHONS)
def test_envs_of_dropped_pythons(before, after):
    check(tox_ini, before, after, POLICY)


def test_a_line_for_every_test_env_follows_the_env_that_moved_up():
    before = (
        "[tox]\nenvlist =\n    {3.8,3.9,3.10,pypy3.9}-unit\n"
        "    {3.8,3.9,3.10}-linux-integration-py-{amqp,redis}\n    flake8\n\n"
        "[testenv]\ndeps =\n    -r{toxinidir}/requirements/dev.txt\n"
        "    apicheck,pypy3.9,3.8,3.9,3.10: -r{toxinidir}/requirements/test.txt\n"
        "    apicheck,3.8-linux,3.9-linux,3.10-linux: -r{toxinidir}/requirements/kafka.txt\n"
        "    3.8: backports.zoneinfo\n"
        "basepython =\n    3.8: python3.8\n    3.10: python3.10\n"
        "    flake8,mypy: python3.10\n"
    )
    after = (
        "[tox]\nenvlist =\n    3.11-unit\n"
        "    3.11-linux-integration-py-{amqp,redis}\n    flake8\n\n"
        "[testenv]\ndeps =\n    -r{toxinidir}/requirements/dev.txt\n"
        "    apicheck,3.11: -r{toxinidir}/requirements/test.txt\n"
        "    apicheck,3.11-linux: -r{toxinidir}/requirements/kafka.txt\n"
        "basepython =\n"
        "    flake8,mypy: python3.11\n"
    )
    check(tox_ini, before, after, POLICY)


def test_shared_settings_taken_by_substitution_move_their_basepython():
    before = (
        "[tox]\nenvlist =\n    min\n    py{310,311,312}\n\n"
        "[min]\nbasepython = python3.10\ndeps =\n    Twisted==21.7.0\n"
        "setenv =\n    _MIN=true\n\n"
        "[testenv:min]\nbasepython = {[min]basepython}\ndeps =\n    {[min]deps}\n\n"
        "[docs]\nbasepython = python3.9\n"
    )
    after = (
        "[tox]\nenvlist =\n    min\n    py{311,312}\n\n"
        "[min]\nbasepython = python3.11\ndeps =\n    Twisted==21.7.0\n"
        "setenv =\n    _MIN=true\n\n"
        "[testenv:min]\nbasepython = {[min]basepython}\ndeps =\n    {[min]deps}\n\n"
        "[docs]\nbasepython = python3.9\n"
    )
    check(tox_ini, before, after, POLICY)


def test_extras_on_the_oldest_python_move_with_their_pins():
    # twisted24 is tested on the oldest Python only, and no kept Python tests another twisted:
    # the env is the oldest supported job for that extra, not a cell of a compatibility matrix
    before = (
        "[tox]\nenvlist =\n    py39\n    py310\n    py311\n    py39-{xdist,twisted24,twisted25}\n\n"
        "[testenv]\ndeps =\n    xdist: pytest-xdist>=3\n    twisted24: twisted<25\n"
        "    twisted25: twisted>=25\n"
    )
    after = before.replace("    py39\n", "").replace("py39-{", "py310-{")
    check(tox_ini, before, after, POLICY_310)


def test_a_window_of_versions_moves_up_as_in_ci():
    before = "[tox]\nenvlist = py3{10,11}-compat, py3{11,12,13}\n"
    after = "[tox]\nenvlist = py3{11,12}-compat, py3{11,12,13}\n"
    check(tox_ini, before, after, DECLARED)


def test_a_rename_never_duplicates_a_section():
    # the window moves py310 up to 3.11 and py311 to 3.12: [testenv:py310] cannot take the
    # name [testenv:py311] still holds, so it goes
    before = (
        "[tox]\nenvlist = py3{10,11}, lint\n[testenv:py310]\ndeps = a\n[testenv:py311]\ndeps = b\n"
    )
    after = "[tox]\nenvlist = py3{11,12}, lint\n[testenv:py312]\ndeps = b\n"
    check(tox_ini, before, after, DECLARED)


def test_a_member_kept_by_some_envs_stays():
    # the window of "compat" moves py311-compat up to 3.12, while py311 stays for "unit"
    before = "[tox]\nenvlist = py3{10,11}-{compat,unit}, py3{12,13}-unit\n"
    after = "[tox]\nenvlist = py3{11}-{compat,unit}, py3{12,13}-unit\n"
    check(tox_ini, before, after, DECLARED)


def test_minimum_310_keeps_310():
    before = "[tox]\nenvlist = py3{9,10,11}\n"
    check(tox_ini, before, "[tox]\nenvlist = py3{10,11}\n", POLICY_310)


def test_changes_notes_and_dropped():
    before = (
        "[tox]\nenvlist = py39, py310, py311\n"
        "[testenv:py39-x]\ndeps = y\n"
        "[testenv:lint]\nbasepython = python3.9\n"
    )
    result = tox_ini.rewrite(before, POLICY)
    assert result is not None
    assert result.changes == (
        "[tox] envlist: dropped 3.9 and 3.10",
        "[testenv:py39-x]: removed",
        "[testenv:lint] basepython: python3.9 → python3.11",
    )
    assert result.dropped == {Minor(3, 9), Minor(3, 10)}


def test_rename_is_one_change():
    before = "[tox]\nenvlist = py39-freeze, py311\n[testenv:py39-freeze]\ndeps = x\n"
    result = tox_ini.rewrite(before, POLICY)
    assert result is not None
    assert result.changes == (
        "[tox] envlist: dropped 3.9",
        "[testenv:py39-freeze] → [testenv:py311-freeze]",
    )


def test_referenced_section_is_kept_with_a_note():
    before = (
        "[tox]\nenvlist = py39, py311\n"
        "[testenv:py39]\ncommands = x\n[testenv:other]\ncommands = {[testenv:py39]commands}\n"
    )
    result = tox_ini.rewrite(before, POLICY)
    assert result is not None
    assert result.text == before.replace("py39, ", "", 1)
    assert result.notes == ("[testenv:py39] is only for dropped Pythons but is referenced; kept",)


def test_gh_actions_envs_of_a_removed_line_join_the_minimum_line():
    before = "[gh-actions]\npython =\n    3.9: py39, mypy\n    3.11: py311\n"
    result = tox_ini.rewrite(before, POLICY)
    assert result is not None
    assert result.text == "[gh-actions]\npython =\n    3.11: py311, mypy\n"
    assert result.notes == ()


def test_gh_actions_envs_that_moved_up_join_the_minimum_line_once():
    before = (
        "[tox]\nenvlist = build, py310, py311, py312, py310-lower-bounds, timeout-dev\n\n"
        "[testenv:py310-lower-bounds]\nuv_resolution = lowest-direct\n\n"
        "[gh-actions]\npython =\n"
        "    3.10: py310, py310-lower-bounds, build, timeout-dev\n"
        "    3.11: py311, timeout-dev\n"
        "    3.12: py312\n"
    )
    after = (
        "[tox]\nenvlist = build, py311, py312, py311-lower-bounds, timeout-dev\n\n"
        "[testenv:py311-lower-bounds]\nuv_resolution = lowest-direct\n\n"
        "[gh-actions]\npython =\n"
        "    3.11: py311, timeout-dev, py311-lower-bounds, build\n"
        "    3.12: py312\n"
    )
    check(tox_ini, before, after, POLICY)


def test_tox_gh_line_with_other_envs_gets_a_note():
    before = "[gh]\npython =\n    3.12 = 3.12\n    3.10 = 3.10, type\n"
    result = tox_ini.rewrite(before, POLICY)
    assert result is not None
    assert result.text == "[gh]\npython =\n    3.12 = 3.12\n"
    assert result.notes == (
        "[gh] python: the removed 3.10 line also ran type; map them to a kept version",
    )


def test_same_change_is_reported_once():
    before = (
        "[testenv:a]\ndeps = x; python_version < '3.9'\n"
        "[testenv:b]\ndeps = x; python_version < '3.9'\n"
    )
    result = tox_ini.rewrite(before, POLICY)
    assert result is not None
    assert result.changes == ("deps: removed x; python_version < '3.9'",)


def test_unspellable_minimum_is_left_with_a_note():
    before = "[tox]\nenvlist = py2{6,7}, lint\n"
    result = tox_ini.rewrite(before, POLICY)
    assert result is not None
    assert result.text == "[tox]\nenvlist = py2{7}, lint\n"
    assert result.notes == ("env list: cannot spell Python 3.11 in 'py2{6,7}'",)


def test_broken_output_raises():
    with pytest.raises(BrokenOutput):
        _ini.validate("key = value\n", broken=True)


@pytest.mark.parametrize(
    ("text", "line"),
    (
        pytest.param("envlist = py39\n", 1, id="no section header"),
        pytest.param("[tox]\nenvlist = py39\nnot an option\n", 3, id="bad line"),
    ),
)
def test_unparsable(text, line):
    with pytest.raises(UnparsableInput) as info:
        tox_ini.rewrite(text, POLICY)
    assert info.value.line == line


@pytest.mark.parametrize(
    "path",
    (
        "tox.ini",
        "pkg/tox.ini",
    ),
)
def test_owned_paths(path):
    assert registry.owner_of(path) is tox_ini


@pytest.mark.parametrize(("before", "after", "policy"), fixture_pairs("tox_ini", POLICY_310))
def test_real_files(before, after, policy):
    check(tox_ini, before, after, policy)
