from __future__ import annotations

import re

import pytest

from rewriters.containers import images
from rewriters.policy import Policy, load_docker_tags
from rewriters.result import apply_edits
from rewriters.versions import Minor
from tests.conftest import POLICY, POLICY_310, TODAY
from tests.rewriters import test_compose, test_devcontainer, test_dockerfile
from tests.rewriters._check import fixture_pairs


@pytest.mark.parametrize(
    "ref",
    (
        pytest.param("python", id="no tag"),
        pytest.param("python:latest", id="latest"),
        pytest.param("python:3", id="major only"),
        pytest.param("python:3.12-slim", id="current"),
        pytest.param("python@sha256:ab", id="digest only"),
        pytest.param("localhost:5000/python:3.9", id="private registry image"),
        pytest.param("someone/python:3.9", id="user image named python"),
        pytest.param("cimg/python:3.9-custom", id="cimg unknown variant"),
        pytest.param("ghcr.io/astral-sh/uv:0.5.1", id="uv without python"),
        pytest.param("node:3.9", id="node"),
    ),
)
def test_retag_leaves(ref):
    assert images.retag(ref, POLICY) is None


@pytest.mark.parametrize(
    ("ref", "new"),
    (
        pytest.param("python:3.9", "python:3.11", id="bare"),
        pytest.param("python:3.10.2-slim-trixie", "python:3.11.16-slim-trixie", id="patch"),
        pytest.param("python:3.9-bullseye", "python:3.11-bookworm", id="suite"),
        pytest.param("python:3.9-slim-stretch", "python:3.11-slim-bookworm", id="older suite"),
        pytest.param("python:3.9-alpine3.14", "python:3.11-alpine3.24", id="alpine"),
        pytest.param("index.docker.io/library/python:3.9", "index.docker.io/library/python:3.11"),
        pytest.param("pypy:3.9", "pypy:3.11", id="pypy"),
        pytest.param(
            "docker.io/library/pypy:3.10-bookworm", "docker.io/library/pypy:3.11-bookworm"
        ),
        pytest.param("cimg/python:3.10.4-node", "cimg/python:3.11.16-node", id="cimg"),
        pytest.param("circleci/python:3.9.1-buster", "cimg/python:3.11.16", id="circleci"),
        pytest.param("circleci/python:3.9", "cimg/python:3.11", id="circleci bare"),
        pytest.param(
            "mcr.microsoft.com/vscode/devcontainers/python:0-3.9-bullseye",
            "mcr.microsoft.com/vscode/devcontainers/python:0-3.11-bullseye",
            id="vscode devcontainers",
        ),
        pytest.param(
            "ghcr.io/astral-sh/uv:0.5.1-python3.10-alpine",
            "ghcr.io/astral-sh/uv:0.5.1-python3.11-alpine",
            id="uv with version",
        ),
        pytest.param("astral/uv:python3.9-bookworm", "astral/uv:python3.11-bookworm"),
    ),
)
def test_retag_moves(ref, new):
    retag = images.retag(ref, POLICY)
    assert retag is not None
    assert apply_edits(ref, retag.edits) == new


def test_pypy_with_a_pypy_version_gets_a_note():
    retag = images.retag("pypy:3.9-7.3.16", POLICY)
    assert retag is not None
    assert retag.notes == ("pypy:3.9-7.3.16: check that this tag exists for Python 3.11",)


def test_circleci_note_names_the_lost_variant():
    retag = images.retag("circleci/python:3.9-buster", POLICY)
    assert retag is not None
    assert retag.notes == (
        "circleci/python:3.9-buster: circleci/python images are no longer built; moved to "
        "cimg/python:3.11 (cimg/python has no -buster variant)",
    )


def _policy_without_facts(minimum: str) -> Policy:
    """A minimum molt has no image facts for (3.15 is a release candidate in the data)."""
    releases = dict(POLICY.releases)
    releases[Minor(3, 15)] = releases[Minor(3, 14)]
    return Policy(Minor.parse(minimum), TODAY, releases)


@pytest.mark.parametrize(
    "ref", ("python:3.9", "python:3.9-slim", "cimg/python:3.9", "circleci/python:3.9")
)
def test_no_facts_for_the_new_minimum_leaves_a_note(ref):
    retag = images.retag(ref, _policy_without_facts("3.15"))
    assert retag is not None
    assert retag.edits == ()
    assert retag.notes


def test_retag_arg():
    assert images.retag_arg("latest", POLICY) is None
    assert images.retag_arg("3.12", POLICY) is None
    retag = images.retag_arg("1-3.9-bookworm", POLICY)
    assert retag is not None
    assert retag.change == "1-3.9-bookworm → 1-3.11-bookworm"


def test_expand_and_place():
    text = "ARG V=3.9\nFROM python:${V}-slim"
    ref, pieces = images.expand(text, 15, len(text), {"V": (6, 9)}) or ("", [])
    assert ref == "python:3.9-slim"
    assert images.place(images.Edit(7, 10, "3.11"), pieces) == images.Edit(6, 9, "3.11")
    assert images.place(images.Edit(6, 9, "x"), pieces) is None


def test_shipped_facts():
    assert images.debian_suites()[-3:] == ("bullseye", "bookworm", "trixie")
    assert images.cimg_python()["3.11"].variants == frozenset({"browsers", "node"})


# ---------------------------------------------------------------- every written tag exists

_OFFICIAL_REF = re.compile(r"(?<![\w/.-])(?:docker\.io/)?(?:library/)?python:([\w.${}:-]+)")
_CIMG_REF = re.compile(r"cimg/python:([\w.-]+)")


def _written_texts():
    """Every expected output in the rewriter tables and fixtures of the image rewriters."""
    for module in (test_dockerfile, test_compose, test_devcontainer):
        for table in ("REWRITE", "REWRITE_310"):
            for param in getattr(module, table, ()):
                if param.values[1] is not None:
                    yield param.id, param.values[1]
    for kind in ("dockerfile", "compose"):  # the devcontainer fixtures are all no-ops
        for param in fixture_pairs(kind):
            yield param.id, param.values[1]


def _official_tags(text):
    return [m[1] for m in _OFFICIAL_REF.finditer(text) if "$" not in m[1] and m[1][:1].isdigit()]


def test_every_written_official_tag_exists():
    current = set().union(*load_docker_tags().values())
    written = [(name, tag) for name, text in _written_texts() for tag in _official_tags(text)]
    assert len(written) > 20
    kept_before_minimum = {"3.12", "3.13-bookworm"}  # already current inputs
    missing = [(n, t) for n, t in written if t not in current and t not in kept_before_minimum]
    assert missing == []


def test_every_written_cimg_tag_exists():
    written = [(name, tag) for name, text in _written_texts() for tag in _CIMG_REF.findall(text)]
    assert written, "no cimg tag in any expected output: this test would check nothing"
    for name, tag in written:
        version, _, variant = tag.partition("-")
        facts = images.cimg_python()[".".join(version.split(".")[:2])]
        assert version.count(".") == 1 or version == facts.latest, name
        assert variant in facts.variants | {""}, name


def test_policy_310_moves_to_a_built_310_tag():
    retag = images.retag("python:3.9.1-slim-buster", POLICY_310)
    assert retag is not None
    tag = apply_edits("python:3.9.1-slim-buster", retag.edits).split(":")[1]
    assert tag in load_docker_tags()[Minor(3, 10)]
