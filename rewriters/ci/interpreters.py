"""Interpreter names in CI scripts: ``python3.9 -m pip``, ``pip3.9 install``, ``py -3.9``.

A job that runs on one dropped Python and nothing else (``python-version: "3.9"`` given to
setup-python, ``image: python:3.9``, Travis ``python: "3.9"``, GitLab's default image) runs on
the new minimum once molt moved that pin, so its scripts' names for that interpreter move with
it: ``python3.9 -m pip install .`` becomes ``python3.11 -m pip install .``. A job's Python is
what the job itself declares, else what the file declares around it (GitLab's ``image:`` and
``default:``, a workflow's ``env:``); a job whose Python is a matrix, an expression, a file
(``python-version-file``) or a template (``extends:``) runs on no single known Python.

Anywhere else a dropped interpreter named in a script is noted, not edited: the script may
install or call that Python on purpose, and a wrong edit is worse than a miss.

``jobs`` (each job with its Pythons) and ``follow_names`` (the rule for the names in one
stretch of text) serve the scripts a job runs from the repository too
(``rewriters.repository.ci_scripts``), so a job's Pythons are read one way everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from rewriters.ci.work import SCRIPT_KEYS, Work, script_lines
from rewriters.containers import images
from rewriters.formats import yaml
from rewriters.formats.yaml import MappingNode, Node, ScalarNode, SequenceNode
from rewriters.policy import Policy
from rewriters.result import Edit, Record
from rewriters.rules import pinned
from rewriters.versions import Minor, parse_token

INTERPRETER_RE = re.compile(
    r"(?<![\w.-])(?:(?:python|pip)(?P<name>3\.\d{1,2})|py[ \t]+-(?P<launcher>3\.\d{1,2}))"
    r"(?![\w.])"
)
# the version of a Python image molt has no reason to retag: python:3.12, cimg/python:3.12
IMAGE_PYTHON_RE = re.compile(r"(?:(?:^|/)python:|:python)(?P<version>3\.\d{1,2})(?!\d)")
# keys that say a job's Python comes from somewhere molt does not read here
_ELSEWHERE_KEYS = frozenset({"python-version-file", "extends", "<<"})


class Pythons(NamedTuple):
    """The Pythons a job runs on, as far as the file says: ``unknown`` when some are not a
    single version molt can read."""

    versions: frozenset[Minor] = frozenset()
    unknown: bool = False

    def __or__(self, other: object) -> Pythons:
        assert isinstance(other, Pythons)
        return Pythons(self.versions | other.versions, self.unknown or other.unknown)

    @property
    def declared(self) -> bool:
        return bool(self.versions) or self.unknown

    def only(self, version: Minor) -> bool:
        """True when the job runs on ``version`` and nothing else."""
        return self.versions == {version} and not self.unknown


NOTHING = Pythons()


@dataclass
class _Reader:
    """One pass over a document; each node is read once, however many aliases reach it."""

    work: Work
    declared: dict[tuple[int, bool], Pythons] = field(default_factory=dict)
    followed: set[int] = field(default_factory=set)


class Job(NamedTuple):
    """A CI job: the Pythons it runs on and the lines of its scripts."""

    pythons: Pythons
    scripts: list[ScalarNode]


def jobs(work: Work, document: Node) -> Iterator[Job]:
    """Every job of ``document`` (a mapping that runs scripts itself or through its
    ``steps``), with the Pythons it runs on."""
    return _jobs(_Reader(work), document, NOTHING)


def follow(work: Work, document: Node) -> None:
    """Move or note the interpreter names in the scripts of every job of ``document``."""
    for job in jobs(work, document):
        for script in job.scripts:
            start, end = yaml.scalar_span(work.text, script)
            follow_names(work, work.text, (start, end), work.policy, job.pythons.only)


def _jobs(reader: _Reader, node: Node, around: Pythons) -> Iterator[Job]:
    if id(node) in reader.followed:
        return
    reader.followed.add(id(node))
    if isinstance(node, SequenceNode):
        for item in node.value:
            yield from _jobs(reader, item, around)
        return
    if not isinstance(node, MappingNode):
        return
    own = _declared(reader, node, "", top=True)
    pythons = own if own.declared else around
    job = _is_job(node)
    if job:
        yield Job(pythons, _scripts(node))
    for key, value in yaml.items(node):
        if not (job and (key == "steps" or key in SCRIPT_KEYS)):  # read with the job
            yield from _jobs(reader, value, pythons)


def _is_job(node: MappingNode) -> bool:
    """A mapping that runs scripts itself or through its ``steps``."""
    steps = yaml.get(node, "steps")
    if isinstance(steps, SequenceNode) and any(_has_script(s) for s in steps.value):
        return True
    return _has_script(node)


def _has_script(node: Node) -> bool:
    return isinstance(node, MappingNode) and any(k in SCRIPT_KEYS for k, _ in yaml.items(node))


def _declared(reader: _Reader, node: Node, owner: str, *, top: bool = False) -> Pythons:
    """The Pythons declared in ``node``, outside its scripts and the jobs nested in it."""
    if (id(node), top) not in reader.declared:
        reader.declared[id(node), top] = NOTHING  # an alias inside itself adds nothing
        reader.declared[id(node), top] = _declared_in(reader, node, owner, top)
    return reader.declared[id(node), top]


def _declared_in(reader: _Reader, node: Node, owner: str, top: bool) -> Pythons:
    found = NOTHING
    if isinstance(node, SequenceNode):
        for item in node.value:
            found |= _declared(reader, item, owner)
        return found
    if not isinstance(node, MappingNode) or (not top and _is_job(node)):
        return found
    for key, value in yaml.items(node):
        if key in _ELSEWHERE_KEYS:
            found |= Pythons(unknown=True)
        elif key in ("image", "container"):
            found |= _image(reader.work, value)
        elif reader.work.role(key, owner) == "python":
            found |= _python(value)
        elif key not in SCRIPT_KEYS:
            found |= _declared(reader, value, key)
    return found


def _python(node: Node) -> Pythons:
    token = parse_token(node.value.strip()) if isinstance(node, ScalarNode) else None
    if token is None or token.prefix:
        return Pythons(unknown=True)
    return Pythons(frozenset({token.version}))


def _image(work: Work, node: Node) -> Pythons:
    """The Python an image runs: a Python image's version, else unknown (a job in another
    image does not run the file's default Python)."""
    if isinstance(node, MappingNode):
        node = yaml.get(node, "name") or node
    if not isinstance(node, ScalarNode):
        return Pythons(unknown=True)
    retag = images.retag(node.value, work.policy)
    match = IMAGE_PYTHON_RE.search(node.value)
    if retag is not None:
        return Pythons(frozenset({retag.old}))
    if match is not None:
        return Pythons(frozenset({Minor.parse(match["version"])}))
    return Pythons(unknown=True)


def _scripts(job: MappingNode) -> list[ScalarNode]:
    """The script scalars of a job: its own script keys and those of its steps."""
    steps = yaml.get(job, "steps")
    holders = [job, *(steps.value if isinstance(steps, SequenceNode) else ())]
    found: list[ScalarNode] = []
    for holder in holders:
        for key, value in yaml.items(holder) if isinstance(holder, MappingNode) else ():
            if key in SCRIPT_KEYS:
                found += _lines(value)
    return found


def _lines(node: Node) -> list[ScalarNode]:
    """A script, a list of script lines, or CircleCI's ``run: {command: ...}``."""
    if isinstance(node, MappingNode):
        node = yaml.get(node, "command") or node
    return script_lines(node) or []


def follow_names(
    record: Record,
    text: str,
    span: tuple[int, int],
    policy: Policy,
    alone: Callable[[Minor], bool],
    who: str = "the job",
) -> None:
    """The dropped interpreter names in ``span`` of ``text``: moved to the new minimum where
    ``who`` runs them on that dropped Python ``alone`` (and molt moved its pin), else noted."""
    for match in INTERPRETER_RE.finditer(text, *span):
        group = "name" if match["name"] else "launcher"
        version = Minor.parse(match[group])
        if not policy.drops(version):
            continue
        line = text.count("\n", 0, match.start()) + 1
        if alone(version):
            token = parse_token(match[group])
            assert token is not None
            new = pinned(token, policy)
            record.edits.append(Edit(match.start(group), match.end(group), new))
            new_word = match[0].replace(match[group], new)
            record.changes.append(
                f"line {line}: {match[0]} → {new_word}, as {who} now runs on {new}"
            )
            record.dropped.add(version)
        else:
            record.notes.append(
                f"line {line}: a script names {match[0]}, and molt cannot tell {who} "
                f"runs on Python {version} alone; check it by hand"
            )
