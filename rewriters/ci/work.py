"""Workflow rewriting state, and which keys of a workflow name Python versions or tox envs."""

from __future__ import annotations

import re
from contextvars import ContextVar
from dataclasses import dataclass, field

from rewriters.formats.yaml import Node
from rewriters.policy import Policy
from rewriters.result import Edit
from rewriters.versions import Minor, Token, retarget

_PYTHON_WORDS = frozenset({"python", "py", "pyver", "pythons", "pythonversion", "pyversion"})
# tox envs, and cibuildwheel's ``only`` identifiers (``cp39-win32``), named by their first factor
_TOX_WORDS = frozenset({"tox", "toxenv", "env", "envs", "toxenvs", "only"})
NAME_KEYS = frozenset({"name", "job-name", "label"})


def _parts(key: str) -> list[str]:
    return [part for part in re.split(r"[-_ .]+", key.lower()) if part]


# Matrix keys of the workflow being rewritten whose values are Python versions although their
# names do not say so (see ``github_actions.templated_python_keys``); set for one rewrite.
TEMPLATED_KEYS: ContextVar[frozenset[str]] = ContextVar("TEMPLATED_KEYS", default=frozenset())


def is_python_key(key: str) -> bool:
    """True for keys naming a Python version: ``python-version``, ``py``, ``PYTHON_VERSION``."""
    parts = _parts(key)
    named = "file" not in parts and any(part in _PYTHON_WORDS for part in parts)
    return named or key in TEMPLATED_KEYS.get()


def is_tox_key(key: str) -> bool:
    """True for keys naming tox envs (``toxenv``, ``env``) or wheel builds (``only``)."""
    return any(part in _TOX_WORDS for part in _parts(key))


@dataclass
class Work:
    """What one rewrite has found so far."""

    text: str
    policy: Policy
    quote: str
    edits: list[Edit] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dropped: set[Minor] = field(default_factory=set)
    seen: set[int] = field(default_factory=set)
    # settle pre-release spellings even in lists that change nothing else (a changed matrix)
    settle: bool = False
    # pre-release spellings settled so far: ``3.14-dev`` → ``3.14``
    settled: dict[str, str] = field(default_factory=dict)

    def drops(self, version: Minor | None) -> bool:
        return version is not None and self.policy.drops(version)

    def new(self, token: Token, to: Minor | None = None) -> str:
        """``token`` moved to ``to`` (by default the new minimum); a pre-release spelling loses
        its suffix there, as the version is released."""
        target = to or self.policy.minimum
        return retarget(token._replace(suffix=""), target, self.policy.latest_patch)

    def line(self, node: Node) -> int:
        return int(node.start_mark.line) + 1

    def fork(self, settle: bool) -> Work:
        """A scratch copy to try a rewrite on; ``join`` keeps what it found."""
        return Work(self.text, self.policy, self.quote, seen=set(self.seen), settle=settle)

    def join(self, other: Work) -> None:
        self.edits += other.edits
        self.changes += other.changes
        self.notes += other.notes
        self.dropped |= other.dropped
        self.seen |= other.seen
        self.settled.update(other.settled)


def known(token: Token | None) -> Token:
    assert token is not None
    return token
