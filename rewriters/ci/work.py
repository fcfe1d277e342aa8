"""One CI rewrite's state, what a CI system brings to it, which keys name Python or hold scripts.

Which keys name a Python version or tox envs is decided here, once for every CI system: by
the key's words (``python-version``, ``PYTHON_VERSION``, ``pythonVersions``, ``toxenv``), or,
for a key whose name does not say so, by its values (``Work.python_keys``: a matrix axis whose
every value is a Python version, see ``rewriters.ci.axes``).

A ``System`` is what one CI system brings of its own: where its entries and jobs live, which
keys hold environment assignments, how it spells names. ``Work`` is the record one rewrite
fills (``rewriters.result.Record``), with the file, the policy and the system it reads them by.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from rewriters.formats.yaml import MappingNode, Node, ScalarNode, SequenceNode
from rewriters.policy import Policy
from rewriters.result import Record
from rewriters.rules import pinned
from rewriters.versions import Minor, Token

_PYTHON_WORDS = frozenset({"python", "py", "pyver", "pythons", "pythonversion", "pyversion"})
# tox envs, and cibuildwheel's ``only`` identifiers (``cp39-win32``), named by their first factor
_TOX_WORDS = frozenset({"tox", "toxenv", "env", "envs", "toxenvs", "only"})
NAME_KEYS = frozenset({"name", "job-name", "label"})
# keys whose value is a script, or a list of script lines, of some CI system
SCRIPT_KEYS = frozenset(
    {
        "run",  # GitHub Actions, CircleCI
        "command",  # CircleCI ``run: {command: ...}``
        "script",  # GitLab, Travis, Bitbucket, Azure
        "before_script",
        "after_script",
        "after-script",
        "before_install",
        "install",
        "bash",  # Azure steps
        "pwsh",
        "powershell",
        "ps",  # AppVeyor script items
        "cmd",
        "sh",
        "build_script",
        "test_script",
        "before_build",
        "before_test",
    }
)
_CAMEL_RE = re.compile(r"(?<=[a-z])(?=[A-Z])")

# How a value names versions: a Python version, tox env names, or ``NAME=value`` assignments.
Role = Literal["python", "tox", "env"]


def script_lines(node: Node) -> list[ScalarNode] | None:
    """The lines of a script: a scalar, or a list of them (nested lists too; a node reached
    through several aliases once); None for another shape."""
    if isinstance(node, ScalarNode):
        return [node]
    if not isinstance(node, SequenceNode):
        return None
    found: list[ScalarNode] = []
    seen: set[int] = set()
    stack: list[Node] = [node]
    while stack:
        current = stack.pop()
        if id(current) not in seen:
            seen.add(id(current))
            if isinstance(current, ScalarNode):
                found.append(current)
            elif isinstance(current, SequenceNode):
                stack.extend(reversed(current.value))
    return found


def key_words(key: str) -> list[str]:
    """A key's words, lower-cased: ``python-version``, ``PYTHON_VERSION`` and
    ``pythonVersion`` all read ``["python", "version"]``."""
    return [part for part in re.split(r"[-_ .]+", _CAMEL_RE.sub("_", key).lower()) if part]


def is_python_key(key: str) -> bool:
    """True for keys whose name says Python version: ``python-version``, ``py``,
    ``PYTHON_VERSION``, ``pythonVersions`` (a ``…-file`` key names a file, not a version)."""
    parts = key_words(key)
    return "file" not in parts and any(part in _PYTHON_WORDS for part in parts)


def is_tox_key(key: str) -> bool:
    """True for keys naming tox envs (``toxenv``, ``env``) or wheel builds (``only``)."""
    return any(part in _TOX_WORDS for part in key_words(key))


class Place(NamedTuple):
    """Where a walk of the file is: the keys and indices down to here (a path into the loaded
    data), the mappings around it, and the name the keys here belong to (the key above, or a
    declared parameter's name)."""

    path: tuple[str | int, ...]
    parents: tuple[MappingNode, ...]
    owner: str

    def down(self, key: str) -> Place:
        return Place((*self.path, key), self.parents, key)

    def item(self, index: int) -> Place:
        return Place((*self.path, index), self.parents, self.owner)


@dataclass(frozen=True)
class System:
    """What one CI system calls its versions, entries and names."""

    # keys whose scalar items are ``NAME=value`` assignments (Travis ``env``)
    env_keys: frozenset[str] = frozenset()
    # keys holding a collection of entries (a list of mappings, or a mapping of mappings)
    collection_keys: frozenset[str] = frozenset({"matrix", "include"})
    # keys whose value names an entry rather than configuring it
    name_keys: frozenset[str] = NAME_KEYS
    # extra keys that hold one version under a given parent key: {"executor": {"version"}}
    pins_under: dict[str, frozenset[str]] = field(default_factory=dict)
    # YAML 1.1 consumers read ``3.10`` as 3.1: quote versions that need it
    quote_floats: bool = True
    # the root mapping is itself a collection of jobs, except these keys (GitLab)
    root_jobs_except: frozenset[str] | None = None
    # GitHub Actions' jobs: ``strategy.matrix``, ``if:`` conditions, steps and action inputs
    workflow: bool = False


@dataclass(kw_only=True)
class Work(Record):
    """What one rewrite of a CI file has found so far, and what it reads the file by."""

    text: str
    policy: Policy
    system: System
    # the quote for a version that must be quoted where the file wrote it plain
    quote: str = '"'
    # keys that name Python versions by their values although their names do not say so
    python_keys: frozenset[str] = frozenset()
    # old versions this record's own pins named (an entry's, when forked for one; not its
    # nested entries')
    pins: set[Minor] = field(default_factory=set)
    # nodes handled already (an alias of a node is handled where its anchor is)
    seen: set[int] = field(default_factory=set)
    # settle pre-release spellings even in lists that change nothing else (a changed matrix)
    settle: bool = False
    # pre-release spellings settled so far: ``3.14-dev`` → ``3.14``
    settled: dict[str, str] = field(default_factory=dict)
    # each node's mapping parent, by ``id``
    parents: dict[int, MappingNode] = field(default_factory=dict)

    def is_python_key(self, key: str) -> bool:
        """True when the values under ``key`` are Python versions, by name or by content."""
        return is_python_key(key) or key in self.python_keys

    def role(self, key: str, owner: str) -> Role | None:
        """How a value under ``key`` (in a mapping under ``owner``) names versions, if at all."""
        if key in self.system.env_keys:
            return "env"
        if self.is_python_key(key) or key in self.system.pins_under.get(owner, ()):
            return "python"
        return "tox" if is_tox_key(key) else None

    def drops(self, version: Minor | None) -> bool:
        return version is not None and self.policy.drops(version)

    def new(self, token: Token, to: Minor | None = None) -> str:
        """``token`` moved to ``to`` (by default the new minimum); a pre-release spelling loses
        its suffix there, as the version is released."""
        return pinned(token, self.policy, to)

    def line(self, node: Node) -> int:
        return int(node.start_mark.line) + 1

    def fork(self, settle: bool | None = None) -> Work:
        """A scratch record to try a rewrite on; ``join`` keeps what it found."""
        return Work(
            text=self.text,
            policy=self.policy,
            system=self.system,
            quote=self.quote,
            python_keys=self.python_keys,
            seen=set(self.seen),
            settle=self.settle if settle is None else settle,
            parents=self.parents,
        )

    def join(self, other: Work, edits: bool = True) -> None:
        """Keep what ``other`` found; with ``edits`` False only its notes (an entry that goes
        whole, so its own edits are moot)."""
        self.merge(other, edits=edits)
        self.seen |= other.seen
        if edits:
            self.settled.update(other.settled)


def known(token: Token | None) -> Token:
    assert token is not None
    return token
