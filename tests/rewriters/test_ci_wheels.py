"""cibuildwheel selectors in every CI system's variables and scripts (one rule with pyproject)."""

from __future__ import annotations

import pytest

from rewriters.ci import (
    appveyor,
    azure_pipelines,
    bitbucket_pipelines,
    circleci,
    github_actions,
    gitlab_ci,
    travis,
)
from tests.conftest import POLICY
from tests.rewriters._check import check, noop


@pytest.mark.parametrize(
    ("module", "before", "after"),
    (
        pytest.param(
            gitlab_ci,
            'variables:\n  CIBW_BUILD: "cp39-* cp310-* cp311-* cp312-*"\n'
            "wheels:\n  script:\n    - export CIBW_SKIP='pp* cp310-*'\n    - cibuildwheel\n",
            'variables:\n  CIBW_BUILD: "cp311-* cp312-*"\n'
            "wheels:\n  script:\n    - export CIBW_SKIP='pp*'\n    - cibuildwheel\n",
            id="gitlab variables and script lines",
        ),
        pytest.param(
            github_actions,
            "jobs:\n  wheels:\n    uses: ./.github/workflows/reusable-cibuildwheel.yml\n"
            "    with:\n      timeout-minutes: 20\n      environment-variables: |-\n"
            "        CIBW_ARCHS_MACOS=x86_64 arm64 universal2\n\n"
            "        CIBW_SKIP=pp* cp310-*musllinux*\n"
            "        CIBW_BUILD=cp39-* cp310-* cp311-* cp312-*\n",
            "jobs:\n  wheels:\n    uses: ./.github/workflows/reusable-cibuildwheel.yml\n"
            "    with:\n      timeout-minutes: 20\n      environment-variables: |-\n"
            "        CIBW_ARCHS_MACOS=x86_64 arm64 universal2\n\n"
            "        CIBW_SKIP=pp*\n"
            "        CIBW_BUILD=cp311-* cp312-*\n",
            id="KEY=VALUE lines of a reusable workflow's input",
        ),
        pytest.param(
            gitlab_ci,
            "variables:\n  CIBW_BUILD:\n    value: cp310-* cp312-*\n"
            "    description: wheels to build\nwheels:\n  script: [cibuildwheel]\n",
            "variables:\n  CIBW_BUILD:\n    value: cp311-* cp312-*\n"
            "    description: wheels to build\nwheels:\n  script: [cibuildwheel]\n",
            id="gitlab variable with a description",
        ),
        pytest.param(
            travis,
            'env:\n  global:\n    - CIBW_BUILD="cp39-* cp310-* cp311-*"\n'
            "    - CIBW_TEST_COMMAND=pytest\n"
            "jobs:\n  include:\n    - env: CIBW_BUILD=cp39-* CIBW_ARCHS=aarch64\n"
            'script:\n  - CIBW_SKIP="pp* cp310-*" python -m cibuildwheel\n',
            'env:\n  global:\n    - CIBW_BUILD="cp311-*"\n'
            "    - CIBW_TEST_COMMAND=pytest\n"
            "jobs:\n  include:\n    - env: CIBW_BUILD=cp311-* CIBW_ARCHS=aarch64\n"
            'script:\n  - CIBW_SKIP="pp*" python -m cibuildwheel\n',
            id="travis env strings and script lines",
        ),
        pytest.param(
            circleci,
            "version: 2.1\njobs:\n  wheels:\n    machine: true\n    environment:\n"
            "      CIBW_BUILD: cp310-* cp311-*\n    steps:\n      - run:\n"
            "          name: wheels\n          command: CIBW_SKIP='cp310-* pp*' cibuildwheel\n",
            "version: 2.1\njobs:\n  wheels:\n    machine: true\n    environment:\n"
            "      CIBW_BUILD: cp311-*\n    steps:\n      - run:\n"
            "          name: wheels\n          command: CIBW_SKIP='pp*' cibuildwheel\n",
            id="circleci environment and command",
        ),
        pytest.param(
            azure_pipelines,
            "variables:\n  - name: CIBW_BUILD\n    value: 'cp39-* cp311-*'\n"
            "steps:\n  - bash: CIBW_SKIP='pp* cp39-*' cibuildwheel\n"
            '  - pwsh: |\n      $env:CIBW_TEST_SKIP = "cp310-* *-win32"\n      cibuildwheel\n',
            "variables:\n  - name: CIBW_BUILD\n    value: 'cp311-*'\n"
            "steps:\n  - bash: CIBW_SKIP='pp*' cibuildwheel\n"
            '  - pwsh: |\n      $env:CIBW_TEST_SKIP = "*-win32"\n      cibuildwheel\n',
            id="azure name and value, bash and pwsh steps",
        ),
        pytest.param(
            appveyor,
            "environment:\n  CIBW_BUILD: cp39-* cp311-*\n"
            "build_script:\n  - set CIBW_SKIP=pp* cp39-*\n"
            "  - ps: $env:CIBW_TEST_SKIP='cp310-* *-win32'\n  - cibuildwheel\n",
            "environment:\n  CIBW_BUILD: cp311-*\n"
            "build_script:\n  - set CIBW_SKIP=pp*\n"
            "  - ps: $env:CIBW_TEST_SKIP='*-win32'\n  - cibuildwheel\n",
            id="appveyor environment, cmd set and ps items",
        ),
        pytest.param(
            bitbucket_pipelines,
            "pipelines:\n  default:\n    - step:\n        script:\n"
            '          - CIBW_BUILD="cp310-* cp312-*" cibuildwheel\n',
            "pipelines:\n  default:\n    - step:\n        script:\n"
            '          - CIBW_BUILD="cp311-* cp312-*" cibuildwheel\n',
            id="bitbucket script lines",
        ),
        pytest.param(
            gitlab_ci,
            "wheels:\n  script:\n    - &build CIBW_BUILD='cp310-* cp312-*' cibuildwheel\n"
            "    - [*build, *build]\n",
            "wheels:\n  script:\n    - &build CIBW_BUILD='cp311-* cp312-*' cibuildwheel\n"
            "    - [*build, *build]\n",
            id="a line repeated through aliases",
        ),
        pytest.param(
            github_actions,
            "jobs:\n  w:\n    steps:\n"
            '      - run: echo "CIBW_BUILD=cp39-* cp310-* cp312-*" >> "$GITHUB_ENV"\n',
            "jobs:\n  w:\n    steps:\n"
            '      - run: echo "CIBW_BUILD=cp311-* cp312-*" >> "$GITHUB_ENV"\n',
            id="assignment written to GITHUB_ENV",
        ),
        pytest.param(
            github_actions,
            "jobs:\n  w:\n    steps:\n      - shell: cmd\n"
            '        run: set "CIBW_SKIP=cp39-* pp*" && cibuildwheel\n',
            "jobs:\n  w:\n    steps:\n      - shell: cmd\n"
            '        run: set "CIBW_SKIP=pp*" && cibuildwheel\n',
            id="quoted cmd set",
        ),
    ),
)
def test_rewrite(module, before, after):
    check(module, before, after, POLICY)


@pytest.mark.parametrize(
    ("module", "text"),
    (
        pytest.param(
            gitlab_ci, "wheels:\n  script:\n    - echo CIBW_BUILD=$BUILD\n", id="expansion"
        ),
        pytest.param(
            travis, "env:\n  - TOXENV=py312 CIBW_ARCHS=auto64\n", id="other travis variables"
        ),
        pytest.param(
            azure_pipelines,
            "variables:\n  - name: CIBW_ARCHS\n    value: 'cp39'\n"
            "  - name: other\n    value: cp39-*\n",
            id="azure variables of other names",
        ),
        pytest.param(
            appveyor,
            "build_script:\n  - set CIBW_BUILD=%BUILD%\n  - cmd: echo cp39-*\n",
            id="cmd expansion",
        ),
        pytest.param(
            github_actions,
            "jobs:\n  w:\n    steps:\n      - run: |\n"
            "          $env:CIBW_BUILD = $builds\n          cibuildwheel\n",
            id="powershell expression",
        ),
    ),
)
def test_noop(module, text):
    noop(module, text, POLICY)


def test_emptied_value_of_a_named_variable_is_a_note():
    before = "variables:\n  - name: CIBW_SKIP\n    value: cp39-*\n  - name: B\n    value: x\n"
    result = azure_pipelines.rewrite(before, POLICY)
    assert result is not None
    assert result.text == before
    assert result.notes == ("line 3: CIBW_SKIP only names dropped Pythons; remove it by hand",)
