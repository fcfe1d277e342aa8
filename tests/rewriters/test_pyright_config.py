from __future__ import annotations

import pytest

from rewriters import registry
from rewriters.formats import jsonc
from rewriters.result import BrokenOutput, UnparsableInput
from rewriters.tools import pyright_config
from rewriters.versions import Minor
from tests.conftest import POLICY, POLICY_310
from tests.rewriters._check import check, noop

NOOP = (
    pytest.param("{}", id="empty object"),
    pytest.param('["3.9"]', id="not an object"),
    pytest.param('{"typeCheckingMode": "strict"}', id="no pythonVersion"),
    pytest.param('{"pythonVersion": "3.11"}', id="current"),
    pytest.param('{"pythonVersion": "3.13.1"}', id="newer patch"),
    pytest.param('{"pythonVersion": 3.9}', id="not a string"),
    pytest.param('{"pythonVersion": null}', id="null"),
    pytest.param('{"pythonVersion": "latest"}', id="not a version"),
    pytest.param('{"pythonVersion": "py39"}', id="prefixed"),
    pytest.param('{"pythonVersion": "3.9-dev"}', id="suffixed"),
    pytest.param('{"pythonVersion": "3\\u002e9"}', id="escaped"),
    pytest.param(
        '{"pythonPlatform": "Linux", "defineConstant": {"pythonVersion": "3.9"}}', id="nested"
    ),
    pytest.param('{"executionEnvironments": {"pythonVersion": "3.9"}}', id="environments object"),
    pytest.param('{"executionEnvironments": ["3.9", 3.9, null]}', id="environments not objects"),
    pytest.param(
        '{"executionEnvironments": [{"root": "src", "extra": {"pythonVersion": "3.9"}}]}',
        id="nested in an environment",
    ),
    pytest.param(
        '// "pythonVersion": "3.9"\n{\n  /* "pythonVersion": "3.9", */\n'
        '  "strict": ["src"], // 3.9\n}\n',
        id="comments only",
    ),
    pytest.param('{"a": [true, false, null, -1.5e3, "s\\"q"]}', id="every value kind"),
)


@pytest.mark.parametrize("before", NOOP)
def test_noop(before):
    noop(pyright_config, before, POLICY)


REWRITE = (
    pytest.param('{"pythonVersion": "3.9"}', '{"pythonVersion": "3.11"}', id="minimal"),
    pytest.param(
        '{\n  // the oldest Python we support\n  "pythonVersion": "3.10",\n'
        '  "typeCheckingMode": "strict", /* for now */\n}\n',
        '{\n  // the oldest Python we support\n  "pythonVersion": "3.11",\n'
        '  "typeCheckingMode": "strict", /* for now */\n}\n',
        id="line and block comments, trailing comma",
    ),
    pytest.param(
        '{\n  "include": ["src", "tests",],\n  "pythonVersion": "3.9", // keep in sync\n}\n',
        '{\n  "include": ["src", "tests",],\n  "pythonVersion": "3.11", // keep in sync\n}\n',
        id="trailing commas in array and object",
    ),
    pytest.param(
        '{\r\n  // comment\r\n  "pythonVersion": "3.9",\r\n}\r\n',
        '{\r\n  // comment\r\n  "pythonVersion": "3.11",\r\n}\r\n',
        id="crlf",
    ),
    pytest.param(
        '{"pythonVersion": "3.9.18", "pythonPlatform": "Linux"}',
        '{"pythonVersion": "3.11.16", "pythonPlatform": "Linux"}',
        id="patch spelling",
    ),
    pytest.param(
        "{\n"
        '  "pythonVersion": "3.9",\n'
        '  "executionEnvironments": [\n'
        '    {"root": "src/web", "pythonVersion": "3.10"},\n'
        '    {"root": "src/legacy", "pythonVersion": "3.9.18", "extraPaths": ["lib"]},\n'
        '    {"root": "src/new", "pythonVersion": "3.12"},\n'
        '    {"root": "src"}, // defaults to the top level\n'
        "  ],\n"
        "}\n",
        "{\n"
        '  "pythonVersion": "3.11",\n'
        '  "executionEnvironments": [\n'
        '    {"root": "src/web", "pythonVersion": "3.11"},\n'
        '    {"root": "src/legacy", "pythonVersion": "3.11.16", "extraPaths": ["lib"]},\n'
        '    {"root": "src/new", "pythonVersion": "3.12"},\n'
        '    {"root": "src"}, // defaults to the top level\n'
        "  ],\n"
        "}\n",
        id="execution environments",
    ),
    pytest.param(
        '{\n  "executionEnvironments": [\n    {\n      "root": "scripts",\n'
        '      /* scripts run on the system Python */\n      "pythonVersion": "3.9"\n'
        "    }\n  ]\n}",
        '{\n  "executionEnvironments": [\n    {\n      "root": "scripts",\n'
        '      /* scripts run on the system Python */\n      "pythonVersion": "3.11"\n'
        "    }\n  ]\n}",
        id="environment only",
    ),
)


@pytest.mark.parametrize(("before", "after"), REWRITE)
def test_rewrite(before, after):
    check(pyright_config, before, after, POLICY)


def test_rewrite_310():
    before = '{"pythonVersion": "3.9", "executionEnvironments": [{"pythonVersion": "3.10"}]}'
    after = '{"pythonVersion": "3.10", "executionEnvironments": [{"pythonVersion": "3.10"}]}'
    check(pyright_config, before, after, POLICY_310)


def test_reports_changes_and_dropped():
    before = (
        '{"pythonVersion": "3.9",\n'
        ' "executionEnvironments": [{"root": "a"}, {"pythonVersion": "3.10.4"}]}\n'
    )
    result = pyright_config.rewrite(before, POLICY)
    assert result is not None
    assert result.changes == (
        "pythonVersion: 3.9 → 3.11",
        "executionEnvironments[1].pythonVersion: 3.10.4 → 3.11.16",
    )
    assert result.notes == ()
    assert result.dropped == frozenset({Minor(3, 9), Minor(3, 10)})


@pytest.mark.parametrize(
    ("text", "line"),
    (
        pytest.param('{\n  "pythonVersion": "3.9"\n  "strict": []\n}', 3, id="missing comma"),
        pytest.param('{"pythonVersion",\n}', 1, id="missing colon"),
        pytest.param("{\n  pythonVersion: 3.9\n}", 2, id="key not a string"),
        pytest.param('{"pythonVersion": "3.9}', 1, id="unterminated string"),
        pytest.param("{\"pythonVersion\": '3.9'}", 1, id="unexpected character"),
        pytest.param('{"include": ["src"\n}', 2, id="array not closed"),
        pytest.param("{}\n/* unclosed comment", 2, id="text after the document"),
        pytest.param("", 1, id="empty file"),
    ),
)
def test_unparsable_input_raises(text, line):
    with pytest.raises(UnparsableInput) as raised:
        pyright_config.rewrite(text, POLICY)
    assert raised.value.line == line
    assert "not valid JSON with comments" in raised.value.reason


@pytest.mark.parametrize(
    "path",
    (
        "pyrightconfig.json",
        "backend/pyrightconfig.json",
    ),
)
def test_owned_paths(path):
    assert registry.owner_of(path) is pyright_config


def test_check_parses_rejects_broken_output():
    with pytest.raises(BrokenOutput):
        jsonc.check_parses('{"pythonVersion": }')
