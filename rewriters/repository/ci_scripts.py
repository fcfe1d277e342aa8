"""The repository's scripts that CI runs: their Python lists and interpreter names.

CI files are rewritten, but a script a CI step runs (``python scripts/check_abi.py``, ``bash
ci/build.sh``; found by ``rewriters.ci.scripts``) is not a file any rewriter claims, so what it
says of Python would be a silent miss. molt reads it and, trusting no guess:

- a module-level list or tuple of a Python script that lists the supported Pythons (every
  entry an interpreter name such as ``"python3.9"``, or a plain version such as ``"3.9"``
  under a name that says Python: ``PYTHON_VERSIONS``, ``INTERPRETERS``) shrinks by the one
  list rule, written as noxfile version lists are (``rewriters.environments.noxfile.lists``);
  a slice of it keeps picking what it picked;
- an interpreter name anywhere else (``python3.9 -m pip install .``) moves to the new minimum
  only when every CI job that runs the script ran on that one dropped Python and, after molt's
  rewrite of the CI files, runs on the new minimum (``rewriters.ci.interpreters``); otherwise
  it is noted.

A script that says it is generated is left to its generator, with a note when molt would have
changed or noted something in it.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator, Sequence

from rewriters.ci.interpreters import Pythons, follow_names
from rewriters.ci.work import is_python_key, key_words
from rewriters.environments.noxfile.lists import Work, rewrite_value
from rewriters.environments.noxfile.slices import fix_slices
from rewriters.formats.python_ast import Source, module_constants, parse, string_value
from rewriters.policy import Policy
from rewriters.result import BrokenOutput, Record, Rewrite, UnparsableInput
from rewriters.versions import Minor, parse_token

SHELL_SUFFIXES = (".sh", ".bash", ".zsh", ".ps1", ".bat", ".cmd")
SHELLS = ("sh", "bash", "zsh", "ksh", "dash", "pwsh")
RUNNERS = "every CI job that runs it"


def rewrite(
    path: str, text: str, policy: Policy, before: Sequence[Pythons], after: Sequence[Pythons]
) -> Rewrite | None:
    """Rewrite the script at ``path`` that CI jobs run: ``before`` holds the Pythons of each
    job that runs it, ``after`` the same once molt rewrote the CI files. None when it is no
    script molt reads (a file without a script's suffix or ``#!`` line) or nothing changes."""
    kind = _kind(path, text)
    if kind is None:
        return None
    alone = _alone(before, after, policy.minimum)
    if kind == "python":
        return _python(text, policy, alone)
    record = Record()
    follow_names(record, text, (0, len(text)), policy, alone, RUNNERS)
    return record.finish(text, lambda _: None)


def _kind(path: str, text: str) -> str | None:
    """``python``, ``shell`` (a command script of any shell), or None."""
    first = text.partition("\n")[0]
    interpreter = first.removeprefix("#!").split("/")[-1].split() if first[:2] == "#!" else []
    if interpreter[:1] == ["env"]:
        interpreter = interpreter[1:]
    program = interpreter[0] if interpreter else ""
    if path.endswith(".py") or program.startswith("python"):
        return "python"
    if path.endswith(SHELL_SUFFIXES) or program in SHELLS:
        return "shell"
    return None


def _alone(
    before: Sequence[Pythons], after: Sequence[Pythons], minimum: Minor
) -> Callable[[Minor], bool]:
    """Whether the jobs running a script ran on ``version`` alone and now run on the new
    minimum alone: molt moved each one's pin."""

    def alone(version: Minor) -> bool:
        moved = all(pythons.only(minimum) for pythons in after)
        return bool(before and after) and moved and all(p.only(version) for p in before)

    return alone


def _python(text: str, policy: Policy, alone: Callable[[Minor], bool]) -> Rewrite | None:
    """The version lists of a Python script, then the interpreter names outside them."""
    try:
        tree = parse(text)
    except UnparsableInput:  # not Python molt can check its edits in: names are only noted
        tree, alone = None, _never
    work = Work(source=Source(text), policy=policy, constants={})
    lists: list[tuple[int, int]] = []
    if tree is not None:
        work.constants = module_constants(tree)
        for name, node in _python_lists(work.constants):
            rewrite_value(work, name, node)
            lists.append(work.source.span(node))
        fix_slices(work, work.source, tree, work.shortened)
    for span in _outside(lists, len(text)):
        follow_names(work, text, span, policy, alone, RUNNERS)
    return work.finish(text, _checked if tree is not None else lambda _: None)


def _never(version: Minor) -> bool:
    return False


def _python_lists(constants: dict[str, ast.expr]) -> Iterator[tuple[str, ast.List | ast.Tuple]]:
    """The module-level lists and tuples that list the supported Pythons."""
    for name, node in constants.items():
        if isinstance(node, ast.List | ast.Tuple) and node.elts:
            tokens = [parse_token(string_value(e) or "") for e in node.elts]
            if all(t is not None and not (t.patch or t.suffix) for t in tokens):
                prefixes = {t.prefix for t in tokens if t is not None}
                if prefixes == {"python"} or (prefixes == {""} and _says_python(name)):
                    yield name, node


def _says_python(name: str) -> bool:
    """``PYTHON_VERSIONS``, ``PYTHONS``, ``INTERPRETERS``: a name for Python versions."""
    return is_python_key(name) or bool({"interpreter", "interpreters"} & set(key_words(name)))


def _outside(spans: list[tuple[int, int]], length: int) -> Iterator[tuple[int, int]]:
    """The stretches of a text of ``length`` characters outside ``spans``."""
    position = 0
    for start, end in sorted(spans):
        yield position, start
        position = end
    yield position, length


def _checked(new: str) -> str:
    try:
        parse(new)
    except UnparsableInput as error:
        raise BrokenOutput(f"a Python script's output does not parse: {error}") from None
    return new
