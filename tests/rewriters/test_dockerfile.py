from __future__ import annotations

import pytest

from rewriters.containers import dockerfile
from rewriters.policy import Policy, load_releases
from rewriters.result import BrokenOutput, UnparsableInput
from rewriters.versions import Minor
from tests.conftest import POLICY, POLICY_310, TODAY
from tests.rewriters._check import check, fixture_pairs, noop

NOOP = (
    pytest.param("", id="empty file"),
    pytest.param("FROM python:3.11-slim\nRUN pip install idna>=3.9\n", id="already current"),
    pytest.param("FROM python:3-slim\n", id="major-only tag"),
    pytest.param("FROM python:latest\nFROM python\n", id="no version in tag"),
    pytest.param("FROM node:3.9\nFROM ruby:3.1-slim\n", id="other images"),
    pytest.param("FROM tiangolo/uvicorn-gunicorn:python3.9\n", id="unknown third-party image"),
    pytest.param("FROM build AS final\nFROM scratch\n", id="stage names"),
    pytest.param(
        "ARG PYTHON_VERSION\nFROM python:${PYTHON_VERSION}-slim\n", id="arg without default"
    ),
    pytest.param("FROM python:$UNKNOWN-slim\n", id="unknown variable"),
    pytest.param("ARG PIP_VERSION=3.9\nARG NODE=3.9\n", id="args not named for python"),
    pytest.param("ARG PYTHON_FLAVOR=alpine\nFROM python:3.12-${PYTHON_FLAVOR}\n", id="flavor arg"),
    pytest.param("# FROM python:3.9\nFROM python:3.12\n", id="commented-out FROM"),
    pytest.param("RUN apt-get install -y python3.9 \\\n  python3.9-dev\n", id="RUN lines alone"),
    pytest.param(
        "RUN echo \\\n# comment inside\nFROM python:3.9\n", id="continuation line is not FROM"
    ),
    pytest.param("FROM python:3.9-windowsservercore-ltsc2022\n", id="windows not built for 3.11"),
    pytest.param("FROM python:3.9-onbuild\n", id="retired variant without successor"),
    pytest.param("FROM python@sha256:abc\n", id="digest without tag"),
)


@pytest.mark.parametrize("before", NOOP)
def test_noop(before):
    noop(dockerfile, before, POLICY)


REWRITE = (
    pytest.param("FROM python:3.9\n", "FROM python:3.11\n", id="bare minor"),
    pytest.param("FROM python:3.9-slim\n", "FROM python:3.11-slim\n", id="slim kept"),
    pytest.param(
        "FROM python:3.10-slim-bookworm\n", "FROM python:3.11-slim-bookworm\n", id="suite kept"
    ),
    pytest.param(
        "FROM python:3.9.18-slim\n", "FROM python:3.11.16-slim\n", id="pinned patch to latest"
    ),
    pytest.param("from python:3.9-alpine\n", "from python:3.11-alpine\n", id="lower case"),
    pytest.param(
        "FROM docker.io/library/python:3.9-bookworm\n",
        "FROM docker.io/library/python:3.11-bookworm\n",
        id="docker.io library prefix",
    ),
    pytest.param(
        "FROM library/python:3.9\nFROM docker.io/python:3.8-alpine\n",
        "FROM library/python:3.11\nFROM docker.io/python:3.11-alpine\n",
        id="library and docker.io prefixes",
    ),
    pytest.param(
        "FROM public.ecr.aws/docker/library/python:3.10-trixie\n",
        "FROM public.ecr.aws/docker/library/python:3.11-trixie\n",
        id="mirror of the official image",
    ),
    pytest.param(
        "FROM python:3.9-slim-buster\n", "FROM python:3.11-slim-bookworm\n", id="old suite slim"
    ),
    pytest.param(
        "FROM python:3.9.18-bullseye\n", "FROM python:3.11.16-bookworm\n", id="old suite full"
    ),
    pytest.param("FROM python:3.10-alpine3.18\n", "FROM python:3.11-alpine3.24\n", id="old alpine"),
    pytest.param(
        "FROM --platform=$BUILDPLATFORM python:3.9 AS build\n",
        "FROM --platform=$BUILDPLATFORM python:3.11 AS build\n",
        id="platform flag and stage",
    ),
    pytest.param(
        "FROM python:3.9-slim AS build\nRUN make\n\n"
        "FROM python:3.9-slim\nCOPY --from=build /a /a\n",
        "FROM python:3.11-slim AS build\nRUN make\n\n"
        "FROM python:3.11-slim\nCOPY --from=build /a /a\n",
        id="multi-stage",
    ),
    pytest.param(
        "ARG PYTHON_VERSION=3.9\nFROM python:${PYTHON_VERSION}-slim\n",
        "ARG PYTHON_VERSION=3.11\nFROM python:${PYTHON_VERSION}-slim\n",
        id="arg default in FROM",
    ),
    pytest.param(
        'ARG PY="3.9.18"\nFROM python:$PY-slim-buster AS a\nFROM python:${PY}-slim-buster\n',
        'ARG PY="3.11.16"\nFROM python:$PY-slim-bookworm AS a\nFROM python:${PY}-slim-bookworm\n',
        id="arg and variant edited where written",
    ),
    pytest.param(
        "FROM python:${PY:-3.9}-alpine\n",
        "FROM python:${PY:-3.11}-alpine\n",
        id="variable default in FROM",
    ),
    pytest.param(
        "ARG PYTHON_VERSION=3.10\nRUN pyenv install $PYTHON_VERSION\n",
        "ARG PYTHON_VERSION=3.11\nRUN pyenv install $PYTHON_VERSION\n",
        id="python arg not used by FROM",
    ),
    pytest.param(
        "ARG BASE_PYTHON_VERSION=3.9.18 OTHER=1\n",
        "ARG BASE_PYTHON_VERSION=3.11.16 OTHER=1\n",
        id="python arg with patch",
    ),
    pytest.param(
        'ARG VARIANT="3.9"\nFROM mcr.microsoft.com/vscode/devcontainers/python:0-${VARIANT}\n',
        'ARG VARIANT="3.11"\nFROM mcr.microsoft.com/vscode/devcontainers/python:0-${VARIANT}\n',
        id="devcontainer variant arg",
    ),
    pytest.param(
        "FROM mcr.microsoft.com/devcontainers/python:1-3.9-bookworm\n",
        "FROM mcr.microsoft.com/devcontainers/python:1-3.11-bookworm\n",
        id="devcontainers image shape",
    ),
    pytest.param(
        "FROM cimg/python:3.10-browsers\n", "FROM cimg/python:3.11-browsers\n", id="cimg variant"
    ),
    pytest.param(
        "FROM cimg/python:3.9.18\n", "FROM cimg/python:3.11.16\n", id="cimg patch from cimg facts"
    ),
    pytest.param(
        "FROM circleci/python:3.9-node\n",
        "FROM cimg/python:3.11-node\n",
        id="retired circleci image to cimg",
    ),
    pytest.param(
        "COPY --from=ghcr.io/astral-sh/uv:0.5 /uv /bin/\n"
        "FROM ghcr.io/astral-sh/uv:python3.9-bookworm-slim\n",
        "COPY --from=ghcr.io/astral-sh/uv:0.5 /uv /bin/\n"
        "FROM ghcr.io/astral-sh/uv:python3.11-bookworm-slim\n",
        id="uv image",
    ),
    pytest.param("FROM pypy:3.9-slim\n", "FROM pypy:3.11-slim\n", id="pypy"),
    pytest.param(
        "FROM python:3.9-slim@sha256:0123abcd\n", "FROM python:3.11-slim\n", id="digest dropped"
    ),
    pytest.param(
        "FROM python:3.9\nRUN apt-get install -y \\\n    python3.9-dev\n",
        "FROM python:3.11\nRUN apt-get install -y \\\n    python3.9-dev\n",
        id="RUN line left alone",
    ),
    pytest.param(
        "# escape=\\\nFROM python:3.9 # base\n",
        "# escape=\\\nFROM python:3.11 # base\n",
        id="comment after image",
    ),
)


@pytest.mark.parametrize(("before", "after"), REWRITE)
def test_rewrite(before, after):
    check(dockerfile, before, after, POLICY)


REWRITE_310 = (
    pytest.param("FROM python:3.9-slim\n", "FROM python:3.10-slim\n", id="to 3.10"),
    pytest.param("FROM python:3.10.4\n", None, id="3.10 is kept"),
)


@pytest.mark.parametrize(("before", "after"), REWRITE_310)
def test_rewrite_310(before, after):
    if after is None:
        noop(dockerfile, before, POLICY_310)
    else:
        check(dockerfile, before, after, POLICY_310)


PYENV_NOOP = (
    pytest.param("RUN pyenv install 3.9 && pyenv global 3.9\n", id="pyenv with one python"),
    pytest.param(
        "RUN pyenv install 3.12 && pyenv install 3.13\nRUN pyenv global 3.13 3.12 system\n",
        id="pyenv all kept",
    ),
    pytest.param(
        "RUN pyenv install 3.9 && pyenv install 3.10\nRUN pyenv global 3.9 3.10\n",
        id="pyenv every python dropped",
    ),
    pytest.param("RUN pyenv global 3.12 pypy3.11\n", id="pypy for a kept language"),
    pytest.param(
        "RUN pyenv global 3.12 3.13\nRUN <<EOF\npyenv install 3.9 && python3.9 -V\nEOF\n",
        id="heredoc left alone",
    ),
    pytest.param(
        'RUN pyenv global 3.12 3.13\nRUN ["python3.9", "-V"]\n', id="json form left alone"
    ),
    pytest.param(
        "RUN pyenv global 3.12 3.13 && \\\n# old\n    python3.9 -V\n",
        id="comment inside RUN",
    ),
    pytest.param(
        "RUN pyenv global 3.12 3.13 && python3.9 -V | tee log && (python3.9 -V)\n",
        id="pipes and subshells kept",
    ),
    pytest.param(
        "RUN pyenv global 3.12 3.13 && pyenv install 3.13t 3.12-dev && python3.12 -V\n",
        id="free-threaded and dev names",
    ),
)


@pytest.mark.parametrize("before", PYENV_NOOP)
def test_pyenv_noop(before):
    noop(dockerfile, before, POLICY)


PYENV = (
    pytest.param(
        "RUN pyenv install 3.12 && \\\n    pyenv install 3.9 && \\\n    pyenv install 3.13\n",
        "RUN pyenv install 3.12 && \\\n    pyenv install 3.13\n",
        id="middle command line",
    ),
    pytest.param(
        "RUN pyenv install 3.13 && \\\n    pyenv install 3.12 && \\\n"
        "    pyenv install 3.10 && \\\n    pyenv install pypy3.10\n",
        "RUN pyenv install 3.13 && \\\n    pyenv install 3.12\n",
        id="last commands take the dangling and",
    ),
    pytest.param(
        "RUN pyenv install 3.9 && \\\n    pyenv install 3.12 && \\\n    pyenv install 3.13\n",
        "RUN pyenv install 3.12 && \\\n    pyenv install 3.13\n",
        id="first command on the RUN line",
    ),
    pytest.param(
        "RUN pyenv install 3.12 \\\n    && pyenv install 3.9 \\\n    && pyenv install 3.13\n",
        "RUN pyenv install 3.12 \\\n    && pyenv install 3.13\n",
        id="leading and style",
    ),
    pytest.param(
        "RUN pyenv install 3.12 && pyenv install 3.9 && pyenv install 3.13\n",
        "RUN pyenv install 3.12 && pyenv install 3.13\n",
        id="one line",
    ),
    pytest.param(
        "RUN pyenv install 3.12 && pyenv install 3.9 && echo 'a && b'\n",
        "RUN pyenv install 3.12 && echo 'a && b'\n",
        id="quoted and",
    ),
    pytest.param(
        "RUN --mount=type=cache,target=/root/.cache \\\n"
        "    pyenv exec python3.13 -m pip install -U pip && \\\n"
        "    pyenv exec python3.9 -m pip install -U pip && \\\n"
        "    pyenv exec python3.12 -m pip install -U pip\n",
        "RUN --mount=type=cache,target=/root/.cache \\\n"
        "    pyenv exec python3.13 -m pip install -U pip && \\\n"
        "    pyenv exec python3.12 -m pip install -U pip\n",
        id="pyenv exec after mount flag",
    ),
    pytest.param(
        "RUN pyenv global 3.12 3.13\nRUN --mount=type=cache,target=/c \\\n"
        "    python3.10 -m pip install -r a.txt \\\n    -r b.txt\n\nRUN python3.12 -V\n",
        "RUN pyenv global 3.12 3.13\nRUN python3.12 -V\n",
        id="whole RUN and the blank line after",
    ),
    pytest.param(
        "RUN pyenv global 3.13 3.12\nRUN python3.9 -V\nRUN python3.12 -V\n",
        "RUN pyenv global 3.13 3.12\nRUN python3.12 -V\n",
        id="whole RUN without blank line",
    ),
    pytest.param(
        "RUN pyenv global 3.13 3.12\nRUN pyenv exec pypy3.10 -V",
        "RUN pyenv global 3.13 3.12\n",
        id="whole RUN at end of file",
    ),
    pytest.param(
        "RUN pyenv global 3.9 3.12 3.10 pypy3.10 3.13\n",
        "RUN pyenv global 3.12 3.13\n",
        id="global list",
    ),
    pytest.param(
        "RUN pyenv install -s 3.12.4 3.9.18 && pyenv local 3.12.4 3.9.18\n",
        "RUN pyenv install -s 3.12.4 && pyenv local 3.12.4\n",
        id="install list and local list",
    ),
    pytest.param(
        "RUN pyenv install 3.9 3.13 3.12\nRUN pyenv global 3.9\n",
        "RUN pyenv install 3.13 3.12\nRUN pyenv global 3.12\n",
        id="emptied list takes the lowest installed",
    ),
    pytest.param(
        'ENV PYENV_VERSION="3.12 3.9"\nENV PYENV_VERSION=3.9:3.12\nENV PYENV_VERSION 3.13:3.10\n',
        'ENV PYENV_VERSION="3.12"\nENV PYENV_VERSION=3.12\nENV PYENV_VERSION 3.13\n',
        id="PYENV_VERSION lists",
    ),
)


@pytest.mark.parametrize(("before", "after"), PYENV)
def test_pyenv_rewrite(before, after):
    check(dockerfile, before, after, POLICY)


def test_pyenv_keeps_310_and_its_pypy_at_minimum_310():
    before = "RUN pyenv global 3.9 3.10 pypy3.10 pypy3.9\n"
    check(dockerfile, before, "RUN pyenv global 3.10 pypy3.10\n", POLICY_310)


def test_pyenv_reports_changes_notes_and_dropped():
    before = (
        "RUN pyenv install 3.9 && \\\n    pyenv install pypy3.11\n"
        "RUN pyenv global 3.9 3.10\nRUN apt-get install -y python3.10-dev\n"
        "RUN python3.9 -V\n\nRUN pyenv install pypy3.11 3.10\n"
    )
    result = dockerfile.rewrite(before, POLICY)
    assert result is not None
    assert result.text == (
        "RUN pyenv install pypy3.11\nRUN pyenv global 3.9 3.10\n"
        "RUN apt-get install -y python3.10-dev\nRUN pyenv install pypy3.11\n"
    )
    assert result.changes == (
        "RUN commands for Python 3.9: removed",
        "RUN using only Python 3.9: removed",
        "pyenv install: dropped 3.10",
    )
    assert result.notes == (
        "line 3: pyenv version list names only dropped Pythons (3.9, 3.10); left unchanged",
        "line 4: RUN uses python3.10; left unchanged (molt cannot tell whether Python 3.11 is "
        "packaged where it installs from)",
    )
    assert result.dropped == frozenset({Minor(3, 9), Minor(3, 10)})


@pytest.mark.parametrize(
    "text", ["RUN\n", "RUN echo &&\n", "FROM python:3.12\nRUN echo && \\\n"], ids=str
)
def test_broken_run_is_unparsable(text):
    with pytest.raises(UnparsableInput):
        dockerfile.rewrite(text, POLICY)
    with pytest.raises(BrokenOutput):
        dockerfile.check_parses(text)


def test_reports_changes_notes_and_dropped():
    before = (
        "FROM python:3.9-slim-buster@sha256:0a\nFROM python:3.10\n"
        "RUN apt-get install python3.10-venv && pyenv install 3.9\n"
    )
    result = dockerfile.rewrite(before, POLICY)
    assert result is not None
    assert result.changes == (
        "FROM python:3.9-slim-buster → python:3.11-slim-bookworm",
        "FROM python:3.10 → python:3.11",
    )
    assert result.notes == (
        "line 1: python:3.9-slim-buster: python:3.11-slim-buster is not built; "
        "moved to 3.11-slim-bookworm, the nearest maintained variant",
        "line 1: python:3.9-slim-buster was pinned by digest; the old digest was dropped "
        "with the tag change: pin the new image's digest again",
        "line 3: RUN uses python3.10; left unchanged (molt cannot tell whether "
        "Python 3.11 is packaged where it installs from)",
    )
    assert result.dropped == frozenset({Minor(3, 9), Minor(3, 10)})


def test_arg_shared_by_two_images_moves_once():
    before = "ARG V=3.9\nFROM python:${V}\nFROM cimg/python:${V}-node\nFROM python:3.10\n"
    result = dockerfile.rewrite(before, POLICY)
    assert result is not None
    assert (
        result.text
        == "ARG V=3.11\nFROM python:${V}\nFROM cimg/python:${V}-node\nFROM python:3.11\n"
    )


def test_arg_conflict_is_left_with_a_note():
    # a latest patch that differs from the Docker facts: the two images disagree on the ARG
    releases = dict(load_releases())
    releases[Minor(3, 11)] = releases[Minor(3, 11)]._replace(latest_patch="3.11.2")
    policy = Policy(Minor(3, 11), TODAY, releases)
    before = "ARG V=3.9.1\nFROM python:${V}\nFROM pypy:${V}-slim\n"
    result = dockerfile.rewrite(before, policy)
    assert result is not None
    assert result.text == "ARG V=3.11.16\nFROM python:${V}\nFROM pypy:${V}-slim\n"
    assert result.notes == (
        "line 3: pypy:3.9.1-slim: shares an ARG with another image; left unchanged",
    )


def test_edit_across_pieces_is_left_with_a_note():
    before = "ARG MAJOR=3\nFROM python:${MAJOR}.9\nFROM python:3.9\n"
    result = dockerfile.rewrite(before, POLICY)
    assert result is not None
    assert result.text == "ARG MAJOR=3\nFROM python:${MAJOR}.9\nFROM python:3.11\n"
    assert result.notes == ("line 2: python:3.9: built from ARG values molt cannot rewrite",)


def test_arg_inside_a_stage_does_not_reach_from():
    before = "FROM python:3.12\nARG V=3.9\nFROM python:${V}\n"
    noop(dockerfile, before, POLICY)


def test_windows_image_gets_a_note_next_to_other_changes():
    before = "FROM python:3.9-windowsservercore-ltsc2022\nFROM python:3.9\n"
    result = dockerfile.rewrite(before, POLICY)
    assert result is not None
    assert result.notes == (
        "line 1: python:3.9-windowsservercore-ltsc2022: python:3.11-windowsservercore-ltsc2022 "
        "is not built and has no maintained equivalent; left unchanged",
    )


def test_from_without_image_is_unparsable():
    with pytest.raises(UnparsableInput) as raised:
        dockerfile.rewrite("FROM python:3.9\nFROM\n", POLICY)
    assert raised.value.line == 2


def test_run_note_names_the_first_dropped_version():
    before = "FROM python:3.9\nRUN python3.12 -m pip install . && python3.10 -V"
    result = dockerfile.rewrite(before, POLICY)
    assert result is not None
    assert result.notes[0].startswith("line 2: RUN uses python3.10;")


def test_check_parses_rejects_from_without_image():
    with pytest.raises(BrokenOutput):
        dockerfile.check_parses("FROM\n")


def test_patterns_match_dockerfile_names():
    from rewriters.registry import owner_of

    for path in (
        "Dockerfile",
        "docker/Dockerfile.dev",
        "Dockerfile-tests",
        "app.Dockerfile",
        "x/prod.dockerfile",
        "Containerfile",
    ):
        assert owner_of(path) is dockerfile, path


@pytest.mark.parametrize(("before", "after", "policy"), fixture_pairs("dockerfile"))
def test_real_dockerfiles(before, after, policy):
    check(dockerfile, before, after, policy)
