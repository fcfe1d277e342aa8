"""The repository's own scripts that CI runs, and the Pythons of the jobs that run them.

A script line naming a file of the repository runs it: ``python scripts/check_abi.py``,
``bash ci/build.sh``, ``./ci/test.sh``, GitLab's ``- ./scripts/x.sh``. ``scripts_run`` finds
those files: a path (written from the repository's root, with or without ``./``) among the
words of a script line (``rewriters.ci.work.SCRIPT_KEYS``) of a CI file the registry claims,
that is a script (``.py``, ``.sh`` and the like, or a name without a suffix in a directory),
that no rewriter claims, and that is not one of the project's tests. A CI file is parsed only
when its text names such a path at all.

``runs`` says, for each script, the Pythons of every job that runs it (``interpreters.jobs``):
what decides whether an interpreter name inside the script may follow the job's pin.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Collection, Iterator, Mapping

from rewriters import registry
from rewriters.ci import axes, interpreters
from rewriters.ci.interpreters import Job, Pythons
from rewriters.ci.work import SCRIPT_KEYS, System, Work, script_lines
from rewriters.formats import yaml
from rewriters.formats.yaml import MappingNode, Node, ScalarNode, SequenceNode
from rewriters.policy import Policy
from rewriters.repository.scope import TEST_DIRS
from rewriters.result import UnparsableInput

SCRIPT_SUFFIXES = frozenset({".py", ".sh", ".bash", ".zsh", ".ps1", ".bat", ".cmd"})
# what a CI file molt cannot read runs a script on
UNKNOWN = Pythons(unknown=True)
# a shell word, split at quotes, operators, redirections and ``--option=``
_WORD_RE = re.compile(r"[^\s'\"`;|&<>()\[\]{}=,]+")


def scripts_run(files: Mapping[str, str], paths: Collection[str]) -> set[str]:
    """The paths among ``paths`` (every file of the repository) that the script lines of the
    CI files among ``files`` (path to text) run."""
    known = paths if isinstance(paths, (set, frozenset)) else set(paths)
    found: set[str] = set()
    for path, text in files.items():
        if not is_ci_file(path):
            continue
        named = {p for word in _WORD_RE.findall(text) if (p := _script(word, known)) is not None}
        if named:
            found |= named & _words_run(text, known)
    return found


def is_ci_file(path: str) -> bool:
    """True for a file one of the CI rewriters claims."""
    return (registry.module_of(path) or "").startswith("rewriters.ci.")


def _script(word: str, known: Collection[str]) -> str | None:
    """The script ``word`` names: a path of the repository no rewriter claims."""
    path = word.removeprefix("./")
    directory, _, name = path.rpartition("/")
    suffix = name[name.rfind(".") :] if "." in name else ""
    if suffix not in SCRIPT_SUFFIXES and not (suffix == "" and (directory or path != word)):
        return None
    if path not in known or registry.claims(path) or registry.is_skipped(path):
        return None
    return None if TEST_DIRS.intersection(directory.split("/")) else path


def _words_run(text: str, known: Collection[str]) -> set[str]:
    """The scripts the script lines of CI ``text`` name; none when it is not YAML."""
    try:
        documents = yaml.compose(text)
    except (UnparsableInput, RecursionError):
        return set()
    return {
        path
        for document in documents
        for line in _script_lines(document)
        for path in _named(line, known)
    }


def _named(line: ScalarNode, known: Collection[str]) -> Iterator[str]:
    for word in _WORD_RE.findall(line.value):
        path = _script(word, known)
        if path is not None:
            yield path


def _script_lines(document: Node) -> Iterator[ScalarNode]:
    """Every script line of a CI document, wherever its script keys sit (each node once)."""
    seen: set[int] = set()
    stack = [document]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, MappingNode):
            for key, value in yaml.items(node):
                if key in SCRIPT_KEYS:
                    yield from script_lines(value) or ()
                stack.append(value)


def runs(
    files: Mapping[str, str], policy: Policy, scripts: Collection[str]
) -> dict[str, list[Pythons]]:
    """For each of ``scripts``, the Pythons of every job of the CI files among ``files`` that
    runs it (a script no job runs is absent). A CI file molt cannot read that names a script
    runs it on Pythons nobody knows."""
    found: dict[str, list[Pythons]] = {}
    for path, text in files.items():
        named = {script for script in scripts if script in text} if is_ci_file(path) else set()
        if not named:
            continue
        jobs = _jobs(path, text, policy)
        if jobs is None:
            for script in named:
                found.setdefault(script, []).append(UNKNOWN)
            continue
        for job in jobs:
            for script in {p for line in job.scripts for p in _named(line, named)}:
                found.setdefault(script, []).append(job.pythons)
    return found


def _jobs(path: str, text: str, policy: Policy) -> list[Job] | None:
    """The jobs of CI ``text`` read as the rewriter of ``path`` reads them; None when it is
    not YAML, or is nested deeper than the parsers recurse."""
    module = registry.module_of(path)
    assert module is not None
    system = importlib.import_module(module).SYSTEM
    assert isinstance(system, System)
    try:
        documents = yaml.compose(text)
        python_keys = axes.python_keys(text, documents, policy)
        work = Work(text=text, policy=policy, system=system, python_keys=python_keys)
        return [job for document in documents for job in interpreters.jobs(work, document)]
    except (UnparsableInput, RecursionError):
        return None
