from __future__ import annotations

import pytest

from rewriters.containers import devcontainer
from rewriters.result import BrokenOutput, UnparsableInput
from rewriters.versions import Minor
from tests.conftest import POLICY, POLICY_310
from tests.rewriters._check import check, fixture_noops, noop

NOOP = (
    pytest.param("{}", id="empty object"),
    pytest.param("[1, 2]", id="not an object"),
    pytest.param('{"image": "mcr.microsoft.com/devcontainers/python:3"}', id="major only"),
    pytest.param('{"image": "mcr.microsoft.com/devcontainers/python:1-3.12"}', id="current"),
    pytest.param('{"image": "node:3.9", "name": "3.9"}', id="not python"),
    pytest.param('{"image": 3}', id="image not a string"),
    pytest.param('{"image": "python:3.9\\u002Dslim"}', id="escaped image left alone"),
    pytest.param('{"build": {"args": {"NODE_VERSION": "3.9", "VARIANT": 3.9}}}', id="other args"),
    pytest.param('{"build": "Dockerfile"}', id="build not an object"),
    pytest.param('{"build": {"args": []}}', id="args not an object"),
    pytest.param('{"features": {"ghcr.io/devcontainers/features/python:1": {}}}', id="no version"),
    pytest.param(
        '{"features": {"ghcr.io/devcontainers/features/python:1": "latest"}}', id="feature string"
    ),
    pytest.param(
        '{"features": {"ghcr.io/devcontainers/features/node:1": {"version": "3.9"}}}',
        id="other feature",
    ),
    pytest.param(
        '{"features": {"ghcr.io/devcontainers/features/python:1": {"version": "os-provided"}}}',
        id="os python",
    ),
    pytest.param('{"features": []}', id="features not an object"),
    pytest.param(
        '// 3.9\n{\n  /* "image": "python:3.9" */\n  "name": "x", // trailing\n}\n',
        id="comments and trailing comma",
    ),
    pytest.param('{"a": [true, false, null, -1.5e3, "s\\"q"]}', id="every value kind"),
)


@pytest.mark.parametrize("before", NOOP)
def test_noop(before):
    noop(devcontainer, before, POLICY)


REWRITE = (
    pytest.param(
        '{\n  // base image\n  "image": "mcr.microsoft.com/devcontainers/python:3.9",\n}\n',
        '{\n  // base image\n  "image": "mcr.microsoft.com/devcontainers/python:3.11",\n}\n',
        id="image with comment and trailing comma",
    ),
    pytest.param(
        '{"image": "mcr.microsoft.com/devcontainers/python:1-3.10-bookworm"}',
        '{"image": "mcr.microsoft.com/devcontainers/python:1-3.11-bookworm"}',
        id="image version prefix and suite",
    ),
    pytest.param(
        '{"image": "python:3.9-slim-bullseye"}',
        '{"image": "python:3.11-slim-bookworm"}',
        id="official image old suite",
    ),
    pytest.param(
        '{\n\t"build": {\n\t\t"dockerfile": "Dockerfile",\n\t\t"args": {\n'
        '\t\t\t// Update VARIANT to pick a Python version\n\t\t\t"VARIANT": "3.9-bullseye",\n'
        '\t\t\t"NODE_VERSION": "lts/*"\n\t\t}\n\t}\n}\n',
        '{\n\t"build": {\n\t\t"dockerfile": "Dockerfile",\n\t\t"args": {\n'
        '\t\t\t// Update VARIANT to pick a Python version\n\t\t\t"VARIANT": "3.11-bullseye",\n'
        '\t\t\t"NODE_VERSION": "lts/*"\n\t\t}\n\t}\n}\n',
        id="build args variant",
    ),
    pytest.param(
        '{\n  "features": {\n    "ghcr.io/devcontainers/features/python:1": {\n'
        '      "version": "3.9", /* pinned */\n      "installTools": true\n    },\n  },\n}\n',
        '{\n  "features": {\n    "ghcr.io/devcontainers/features/python:1": {\n'
        '      "version": "3.11", /* pinned */\n      "installTools": true\n    },\n  },\n}\n',
        id="python feature version",
    ),
    pytest.param(
        '{"features": {"ghcr.io/devcontainers/features/python": {"version": "3.10.4"}}}',
        '{"features": {"ghcr.io/devcontainers/features/python": {"version": "3.11.16"}}}',
        id="python feature patch",
    ),
)


@pytest.mark.parametrize(("before", "after"), REWRITE)
def test_rewrite(before, after):
    check(devcontainer, before, after, POLICY)


def test_rewrite_310():
    before = '{"build": {"args": {"PYTHON_VERSION": "3.9"}}}'
    check(devcontainer, before, '{"build": {"args": {"PYTHON_VERSION": "3.10"}}}', POLICY_310)


def test_reports_changes_notes_and_dropped():
    before = (
        '{"image": "python:3.10@sha256:ab",\n'
        ' "features": {"ghcr.io/devcontainers/features/python:1": {"version": "3.9"}}}'
    )
    result = devcontainer.rewrite(before, POLICY)
    assert result is not None
    assert result.changes == (
        "image: python:3.10 → python:3.11",
        "python feature version: 3.9 → 3.11",
    )
    assert result.notes == (
        "python:3.10 was pinned by digest; the old digest was dropped with the tag change: "
        "pin the new image's digest again",
    )
    assert result.dropped == frozenset({Minor(3, 9), Minor(3, 10)})


def test_image_without_a_built_tag_only_notes():
    before = '{"image": "python:3.9-windowsservercore", "build": {"args": {"PY": "3.9"}}}'
    result = devcontainer.rewrite(before, POLICY)
    assert result is not None
    assert result.changes == ("build arg PY: 3.9 → 3.11",)
    assert len(result.notes) == 1


@pytest.mark.parametrize(
    ("text", "line"),
    (
        pytest.param('{"a": 1,\n "b" 2}', 2, id="missing colon"),
        pytest.param('{"a": 1 "b": 2}', 1, id="missing comma"),
        pytest.param("{1: 2}", 1, id="key not a string"),
        pytest.param('{"a": "x\n"}', 1, id="unterminated string"),
        pytest.param('{"a": @}', 1, id="unexpected character"),
        pytest.param("{} {}", 1, id="text after the document"),
    ),
)
def test_unparsable_input_raises(text, line):
    with pytest.raises(UnparsableInput) as raised:
        devcontainer.rewrite(text, POLICY)
    assert raised.value.line == line


def test_check_parses_rejects_broken_output():
    with pytest.raises(BrokenOutput):
        devcontainer.check_parses('{"a": }')


def test_patterns_match_devcontainer_paths():
    from rewriters.registry import owner_of

    for path in (
        ".devcontainer/devcontainer.json",
        ".devcontainer/py/devcontainer.json",
        ".devcontainer.json",
    ):
        assert owner_of(path) is devcontainer, path
    assert owner_of("other/devcontainer.json") is None


@pytest.mark.parametrize(("text", "policy"), fixture_noops("devcontainer", POLICY))
def test_real_devcontainers_without_python_pins(text, policy):
    assert devcontainer.rewrite(text, policy) is None
