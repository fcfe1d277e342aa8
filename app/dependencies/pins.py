"""The requirements a repository declares, read from every file that names them, with where an
exact pin's version sits in the text so that moving it is a one-word edit.

Direct requirements come from requirements and constraints files, ``pyproject.toml`` (PEP 621
dependencies and extras, PEP 735 groups, ``build-system.requires``, uv, PDM and Poetry lists)
and the Pipfile; ``pip install name==X`` in Dockerfiles and CI steps are read too. Lock files
(``uv.lock``, ``poetry.lock``, ``pdm.lock``, ``pylock.toml``, ``Pipfile.lock``) and generated
requirements files are read as input only: molt never edits them. Requirements are parsed by
``packaging``; the text is only searched to locate a pinned version that ``packaging`` read.
"""

from __future__ import annotations

import configparser
import enum
import json
import re
import tomllib
from collections.abc import Iterator, Mapping
from typing import NamedTuple

from packaging.markers import Marker, UndefinedComparison, UndefinedEnvironmentName
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import InvalidVersion, Version

from rewriters.formats import toml as _toml
from rewriters.registry import is_skipped, module_of
from rewriters.repository import scope
from rewriters.repository.lockfiles import notes as lock_notes
from rewriters.result import UnparsableInput

# the rewriters whose files name pins this module reads, by import name (none is imported)
CI_REWRITERS = frozenset(
    f"rewriters.ci.{name}"
    for name in (
        "github_actions",
        "gitlab_ci",
        "travis",
        "circleci",
        "azure_pipelines",
        "appveyor",
        "bitbucket_pipelines",
    )
)
LOCK_FILES = ("uv.lock", "poetry.lock", "pdm.lock", "pylock.toml", "Pipfile.lock")

# ``==1.2.3`` (not ``===``, not ``!=``, not ``<=``) and the version after it
PIN_RE = re.compile(r"(?<![=!<>~])==(?!=)[ \t]*(?P<version>[^\s,;\\'\"\]#]+)")
COMMENT_RE = re.compile(r"(?:^|[ \t])#.*")
LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")
# ``pip install``, ``pip3 install``, ``python -m pip install``, ``uv pip install``
PIP_INSTALL_RE = re.compile(r"\bpip(?:3(?:\.\d+)?)?[ \t]+install\b")
COMMAND_END_RE = re.compile(r"&&|\|\||[;|\n]|$")
PIP_ARGUMENT_RE = re.compile(
    r"(?<![\w.=/-])(?P<quote>[\"']?)"
    r"(?P<requirement>[A-Za-z0-9][A-Za-z0-9._-]*(?:\[[^\]\s]*\])?==[^\s\"';&|,]+)(?P=quote)"
)
POETRY_PIN_RE = re.compile(r"[ \t]*(?:==[ \t]*)?(?P<version>\d[^\s,]*)[ \t]*")
# The lists of PEP 508 strings in a pyproject.toml, by the path of their key (``*`` any key).
PYPROJECT_LISTS = (
    ("project", "dependencies"),
    ("project", "optional-dependencies", "*"),
    ("dependency-groups", "*"),
    ("build-system", "requires"),
    ("tool", "uv", "dev-dependencies"),
    ("tool", "uv", "constraint-dependencies"),
    ("tool", "uv", "override-dependencies"),
    ("tool", "pdm", "dev-dependencies", "*"),
)
# Poetry's and Pipenv's ``name = "constraint"`` tables (the constraint also as ``version``).
POETRY_TABLES = (
    ("tool", "poetry", "dependencies"),
    ("tool", "poetry", "dev-dependencies"),
    ("tool", "poetry", "group", "*", "dependencies"),
)
PIPFILE_TABLES = (("packages",), ("dev-packages",))
# platforms a marker is tried on: a requirement counts when it applies on any of them
PLATFORMS = (
    {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix"},
    {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt"},
    {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix"},
)


class Kind(enum.Enum):
    """Where a requirement was read, which says what molt may do with its pin."""

    DIRECT = "a direct dependency"  # molt moves a pin that does not install
    COMMAND = "a CI step"  # ``pip install x==1`` in a CI step: moved
    IMAGE = "an image build"  # the same in a Dockerfile, whose image runs one Python: moved
    LOCKED = "a lock file"  # noted only: regenerating the lock file is the fix


class Found(NamedTuple):
    """One requirement: where, what, and (for a pin molt may edit) the span of its version."""

    path: str
    line: int
    requirement: Requirement
    kind: Kind
    span: tuple[int, int] | None = None

    @property
    def name(self) -> NormalizedName:
        """The project's normalized name."""
        return canonicalize_name(self.requirement.name)

    @property
    def pinned(self) -> Version | None:
        """The version of an exact ``==`` pin (no wildcard), else None."""
        return pinned(self.requirement)

    def applies(self, python: str) -> bool:
        """True when the requirement's marker holds for CPython ``python`` on some platform."""
        return applies(self.requirement.marker, python)


def pinned(requirement: Requirement) -> Version | None:
    """The version ``requirement`` pins exactly (``==1.2.3``), or None."""
    exact = [s for s in requirement.specifier if s.operator == "==" and "*" not in s.version]
    if len(exact) != 1:
        return None
    try:
        return Version(exact[0].version)
    except InvalidVersion:
        return None


def applies(marker: Marker | None, python: str) -> bool:
    """True when ``marker`` (None: always) holds for CPython ``python`` on some platform."""
    if marker is None:
        return True
    minor = ".".join(python.split(".")[:2])
    python_keys = {
        "python_version": minor,
        "python_full_version": python,
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "extra": "",
    }
    try:
        return any(marker.evaluate({**python_keys, **platform}) for platform in PLATFORMS)
    except (UndefinedComparison, UndefinedEnvironmentName):
        return True


def find(files: Mapping[str, str]) -> list[Found]:
    """Every requirement in ``files`` (path -> text), in path order."""
    found: list[Found] = []
    for path in sorted(files):
        if not is_skipped(path):
            found.extend(_read(path, files[path]))
    return found


def is_lock_file(path: str) -> bool:
    """True for a lock file's name: read as input only, never edited."""
    name = path.rpartition("/")[2]
    return name in LOCK_FILES or (name.startswith("pylock.") and name.endswith(".toml"))


def _read(path: str, text: str) -> Iterator[Found]:
    if is_lock_file(path):
        yield from _lock_file(path, text)
        return
    owner = module_of(path)
    if owner == "rewriters.packaging.requirements_txt":
        yield from _requirements_file(path, text)
    elif owner == "rewriters.packaging.pyproject":
        yield from _toml_file(path, text, PYPROJECT_LISTS, POETRY_TABLES)
    elif owner == "rewriters.packaging.pipfile":
        yield from _toml_file(path, text, (), PIPFILE_TABLES)
    elif owner == "rewriters.containers.dockerfile":
        yield from _install_commands(path, text, Kind.IMAGE)
    elif owner in CI_REWRITERS:
        yield from _install_commands(path, text, Kind.COMMAND)


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _requirement(text: str) -> Requirement | None:
    try:
        return Requirement(text)
    except InvalidRequirement:
        return None


def _pin_span(text: str, start: int, end: int, version: Version | None) -> tuple[int, int] | None:
    """Where ``version``, pinned with ``==``, is spelled in ``text[start:end]``."""
    if version is None:
        return None
    marker = text.find(";", start, end)
    for match in PIN_RE.finditer(text, start, end if marker < 0 else marker):
        if _is(match["version"], version):
            return match.span("version")
    return None


# --- requirements files -------------------------------------------------------------------


def _requirements_file(path: str, text: str) -> Iterator[Found]:
    """Requirement lines; a generated file (pip-compile, hashes) is a lock file."""
    hashed = "--hash" in text
    locked = hashed or scope.generated(text) or bool(lock_notes({path: text}))
    kind = Kind.LOCKED if locked else Kind.DIRECT
    continued = False
    for match in LINE_RE.finditer(text):
        body = COMMENT_RE.sub("", match.group().rstrip("\r\n")).rstrip()
        was_continued, continued = continued, body.endswith("\\")
        body = body.removesuffix("\\").strip()
        if not body or body.startswith("-") or (was_continued and not locked):
            continue
        body = body.split(" --", 1)[0].strip()  # per-requirement options: --hash=...
        requirement = _requirement(body)
        if requirement is None:
            continue
        start = match.start() + match.group().index(body)
        span = None if locked else _pin_span(text, start, start + len(body), pinned(requirement))
        yield Found(path, _line(text, start), requirement, kind, span)


# --- pyproject.toml and Pipfile -----------------------------------------------------------


def _matches(path: tuple[str, ...], pattern: tuple[str, ...]) -> bool:
    return len(path) == len(pattern) and all(
        p in ("*", k) for k, p in zip(path, pattern, strict=True)
    )


def _toml_file(
    path: str,
    text: str,
    lists: tuple[tuple[str, ...], ...],
    tables: tuple[tuple[str, ...], ...],
) -> Iterator[Found]:
    try:
        _toml.load(text)
    except UnparsableInput:
        return  # the plan reports it
    for entry in _toml.entries(text):
        if any(_matches(entry.path, pattern) for pattern in lists):
            for item in entry.value.items:
                yield from _pep508_string(path, text, item)
        elif entry.value.kind == "string":
            yield from _table_constraint(path, text, entry, tables)


def _pep508_string(path: str, text: str, value: _toml.Value) -> Iterator[Found]:
    if value.kind != "string":
        return  # ``{include-group = "test"}``
    start, end = _toml.inner(text, value)
    requirement = _requirement(str(_toml.decode(text, value)))
    if requirement is None:
        return
    span = _pin_span(text, start, end, pinned(requirement))
    yield Found(path, _line(text, start), requirement, Kind.DIRECT, span)


def _table_constraint(
    path: str, text: str, entry: _toml.Entry, tables: tuple[tuple[str, ...], ...]
) -> Iterator[Found]:
    """``numpy = "1.21.6"`` (Poetry: exact), ``numpy = "==1.21.6"``, or the same as
    ``version`` in the package's inline table."""
    keys = entry.path[:-1] if entry.path[-1] == "version" else entry.path
    if not any(_matches(keys[:-1], table) for table in tables) or keys[-1] == "python":
        return
    start, end = _toml.inner(text, entry.value)
    constraint = str(_toml.decode(text, entry.value))
    exact = POETRY_PIN_RE.fullmatch(constraint) if "poetry" in keys else None
    spec = f"=={exact['version']}" if exact else constraint
    requirement = _requirement(f"{keys[-1]}{'' if spec.strip() == '*' else spec}")
    if requirement is None:
        return
    version = pinned(requirement)
    span = _pin_span(text, start, end, version)
    bare = POETRY_PIN_RE.fullmatch(text, start, end) if exact else None
    if span is None and bare is not None and _is(bare["version"], version):
        span = bare.span("version")
    yield Found(path, _line(text, start), requirement, Kind.DIRECT, span)


def _is(text: str, version: Version | None) -> bool:
    try:
        return Version(text) == version
    except InvalidVersion:
        return False


# --- install commands in Dockerfiles and CI -----------------------------------------------


def _install_commands(path: str, text: str, kind: Kind) -> Iterator[Found]:
    """``name==X`` arguments of every ``pip install`` (continued lines included)."""
    for install in PIP_INSTALL_RE.finditer(text):
        end = install.end()
        while True:
            stop = COMMAND_END_RE.search(text, end)
            assert stop is not None  # ``$`` always matches
            if stop[0] != "\n" or not text[: stop.start()].rstrip("\r").endswith("\\"):
                break
            end = stop.end()
        for argument in PIP_ARGUMENT_RE.finditer(text, install.end(), stop.start()):
            requirement = _requirement(argument["requirement"])
            version = pinned(requirement) if requirement else None
            if requirement is None or version is None:
                continue
            start, stop_at = argument.span("requirement")
            span = _pin_span(text, start, stop_at, version)
            yield Found(path, _line(text, start), requirement, kind, span)


# --- lock files ---------------------------------------------------------------------------


def _lock_file(path: str, text: str) -> Iterator[Found]:
    """Every locked ``name==version`` with the markers under which it is installed."""
    try:
        entries = _locked(path.rpartition("/")[2], text)
    except (tomllib.TOMLDecodeError, ValueError, AttributeError, TypeError):
        return
    for (name, version, markers), offset in zip(
        entries, _offsets(path, text, entries), strict=True
    ):
        joined = " or ".join(f"({marker})" for marker in markers)
        requirement = _requirement(f"{name}=={version}; {joined}" if joined else "") or (
            _requirement(f"{name}=={version}")
        )
        if requirement is not None:
            yield Found(path, _line(text, offset), requirement, Kind.LOCKED)


def _offsets(path: str, text: str, entries: list[tuple[str, str, list[str]]]) -> list[int]:
    """Where each locked package is named: its ``name = ...`` (TOML) or its key (JSON)."""
    if path.endswith(".lock") and text.lstrip().startswith("{"):
        return [max(text.find(f'"{name}"'), 0) for name, _, _ in entries]
    named = [
        entry.value.start
        for entry in _toml.entries(text)
        if entry.path in (("package", "name"), ("packages", "name"))
    ]
    return named if len(named) == len(entries) else [0] * len(entries)


def _locked(name: str, text: str) -> list[tuple[str, str, list[str]]]:
    """(name, version, markers) of each locked package."""
    if name == "Pipfile.lock":
        data = json.loads(text)
        return [
            (package, str(info["version"]).removeprefix("=="), _strings(info.get("markers")))
            for section in ("default", "develop")
            for package, info in data.get(section, {}).items()
            if "version" in info
        ]
    data = tomllib.loads(text)
    packages = data.get("packages" if name.startswith("pylock") else "package", [])
    return [
        (
            str(package["name"]),
            str(package["version"]),
            _strings(
                package.get("resolution-markers") or package.get("marker") or package.get("markers")
            ),
        )
        for package in packages
        if "name" in package and "version" in package
    ]


def _strings(markers: object) -> list[str]:
    """Markers in every shape lock files write them: a string, a list, Poetry's per-group map."""
    if isinstance(markers, str):
        return [markers]
    if isinstance(markers, list):
        return [str(m) for m in markers]
    if isinstance(markers, dict):
        return [str(m) for m in markers.values()]
    return []


# --- the repository's own project ---------------------------------------------------------


def project_name(files: Mapping[str, str]) -> str | None:
    """The name the repository publishes under: ``[project] name``, Poetry's, or setup.cfg's."""
    if "pyproject.toml" in files:
        try:
            data = tomllib.loads(files["pyproject.toml"])
        except tomllib.TOMLDecodeError:
            data = {}
        for table in (data.get("project", {}), data.get("tool", {}).get("poetry", {})):
            if isinstance(table.get("name"), str):
                return str(table["name"])
    if "setup.cfg" in files:
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read_string(files["setup.cfg"])
        except configparser.Error:
            return None
        name = parser.get("metadata", "name", fallback=None)
        return name.strip() if name and name.strip() else None
    return None
