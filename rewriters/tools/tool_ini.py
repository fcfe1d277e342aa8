"""INI files of Python tools: the target version of mypy, pylint, isort and flake8 plugins.

Each tool names the oldest Python the code must run on; it moves up to the new minimum in the
spelling it had. The same settings are read from setup.cfg and tox.ini (see ``rewrite_pins``):

- mypy: ``[mypy] python_version = 3.9`` (mypy.ini, .mypy.ini, setup.cfg)
- pylint: ``[MAIN] py-version = 3.9`` (pylintrc, .pylintrc; ``[pylint.MAIN]`` elsewhere)
- isort: ``[settings] py_version = 39`` (.isort.cfg; ``[isort]``, ``[tool:isort]`` elsewhere)
- flake8-typing-imports: ``[flake8] min_python_version = 3.9.0`` (.flake8, setup.cfg, tox.ini);
  a zero patch stays zero, as it is a floor.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from rewriters.formats import ini as _ini
from rewriters.formats.ini import Plan, Section
from rewriters.policy import Policy
from rewriters.result import Edit, Rewrite
from rewriters.versions import BARE_RE, Minor, parse_token, retarget


class Pin(NamedTuple):
    """A tool setting naming the oldest Python: the sections it lives in, and its key."""

    sections: frozenset[str]  # lowercase
    key: str


MYPY = Pin(frozenset({"mypy"}), "python_version")
PINS: tuple[Pin, ...] = (
    MYPY,
    Pin(frozenset({"main", "master", "pylint.main", "pylint.master"}), "py-version"),
    Pin(frozenset({"isort", "tool:isort", "settings"}), "py_version"),
    Pin(frozenset({"flake8"}), "min_python_version"),
)


def rewrite_pins(
    sections: Sequence[Section], policy: Policy, plan: Plan, pins: Sequence[Pin] = PINS
) -> None:
    """Move every tool pin on a dropped version up to the minimum, spelled as before."""
    for section in sections:
        for pin in pins:
            entry = section.get(pin.key) if section.name.lower() in pin.sections else None
            if entry is None:
                continue
            value = _ini.first_value(entry)
            new = _moved(value.text, policy)
            if new is not None:
                plan.edits.append(Edit(value.start, value.end, new[1]))
                plan.dropped.add(new[0])
                plan.changes.append(f"[{section.name}] {entry.key}: {value.text} → {new[1]}")


def _moved(text: str, policy: Policy) -> tuple[Minor, str] | None:
    """``(old version, new text)`` for a pin on a dropped version: ``3.9`` → ``3.11``,
    ``39`` → ``311``, ``3.9.0`` → ``3.11.0``, ``3.9.18`` → the latest ``3.11``."""
    nodot = BARE_RE.fullmatch(text)
    if nodot is not None:
        old = Minor(3, int(nodot[1]))
        return (old, policy.minimum.nodot) if policy.drops(old) else None
    token = parse_token(text)
    if token is None or token.prefix or token.suffix or not policy.drops(token.version):
        return None
    if token.patch == ".0":
        return token.version, f"{policy.minimum}.0"
    return token.version, retarget(token, policy.minimum, policy.latest_patch)


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Move the tools' target versions up to the policy's minimum."""
    plan = Plan()
    rewrite_pins(_ini.scan(text), policy, plan)
    return plan.finish(text)
