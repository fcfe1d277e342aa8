"""Images that install several Pythons with pyenv: drop the dropped ones everywhere.

An image counts as multi-Python when its ``pyenv install``/``global``/``local``/``shell``/``exec``
commands and ``ENV PYENV_VERSION`` name at least two different interpreters (``3.9`` and
``pypy3.10`` are two) and at least one of them is kept. Only then:

- ``pyenv global|local|shell`` lists and ``PYENV_VERSION`` lose the dropped entries
  (``pypy3.10`` is PyPy for language 3.10: dropped only when 3.10 is). A list left empty takes
  the lowest CPython the image still installs; with none, it is left alone with a note.
- In a ``RUN``, a command that only installs or runs a dropped Python (``pyenv install 3.8``,
  ``pyenv exec python3.8 -m pip …``, ``python3.8 -m pip …``) is removed together with its
  ``&&``, whichever side of the line the ``&&`` is written on; ``pyenv install 3.12 3.8``
  loses the dropped entry.
- A ``RUN`` whose every command is removed goes entirely, with one blank line after it.

An image with one Python (``pyenv install 3.9 && pyenv global 3.9``) is left alone here: what
replaces its only interpreter is a choice for ``FROM``-style rules or a human. ``RUN`` shapes
molt does not read (heredocs, JSON form, comment lines inside, ``;``/``|``/subshells) only
keep whole commands; their mentions get the usual note. The first half of this module reads
the image (``RUN`` commands split at ``&&``, version lists, installs); the second decides what
goes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from rewriters.policy import Policy
from rewriters.result import Edit, Record
from rewriters.versions import Minor

# --- reading the image's pyenv commands -------------------------------------------------

_NAME = re.compile(r"(?P<pypy>pypy)?(?P<minor>[23]\.\d{1,2})(?:\.\d+)?(?:t|-dev|-[\w.]+)?")
EXE = re.compile(r"(?P<pypy>pypy|python)(?P<minor>[23]\.\d{1,2})")  # python3.9, pypy3.10
_LISTS = ("global", "local", "shell")
_ENV = re.compile(
    r"PYENV_VERSION[= ][ \t]*(?:(?P<q>[\"'])(?P<quoted>[^\"'\n]*)(?P=q)|(?P<bare>\S+))"
)
_FLAGS = re.compile(r"(?:[ \t]+|\\\r?\n|--\S+)*")  # flags and continuations before commands
_COMPLEX = frozenset(";|`()&")


class Run(NamedTuple):
    """A ``RUN`` instruction: its first line number, the offsets of its text and its body."""

    number: int
    start: int
    body: int
    end: int


class Entry(NamedTuple):
    """One word of a pyenv version list."""

    start: int
    end: int
    word: str
    key: tuple[bool, Minor] | None  # (is PyPy, language version), None when not a version


class Command(NamedTuple):
    """One ``&&``-separated command of a ``RUN``; ``words`` carry their offsets."""

    start: int
    end: int
    words: list[Entry]
    simple: bool


def _entry(start: int, word: str) -> Entry:
    match = _NAME.fullmatch(word)
    key = (bool(match["pypy"]), Minor.parse(match["minor"])) if match else None
    return Entry(start, start + len(word), word, key)


def _body_start(text: str, run: Run) -> int:
    """Offset of the first command, past ``--mount=…`` flags and line continuations."""
    match = _FLAGS.match(text, run.body, run.end)
    assert match is not None  # the pattern matches the empty string
    return match.end()


def _readable(text: str, run: Run, start: int) -> bool:
    chunk = text[start : run.end]
    has_comment = re.search(r"\n[ \t]*#", chunk) is not None
    return not chunk.startswith("[") and "<<" not in chunk and not has_comment


def commands(text: str, run: Run) -> list[Command]:
    """The ``&&``-separated commands of ``run``; empty when molt does not read its shape."""
    start = _body_start(text, run)
    if not _readable(text, run, start):
        return []
    found, quote, position = [], "", start
    for i in range(start, run.end):
        char = text[i]
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif text.startswith("&&", i) and text[i - 1] != "&":
            found.append(_command(text, position, i))
            position = i + 2
    found.append(_command(text, position, run.end))
    return found


def _command(text: str, start: int, end: int) -> Command:
    words = [_entry(start + m.start(), m[0]) for m in re.finditer(r"[^\s\\]+", text[start:end])]
    simple = bool(words) and not any(set(w.word) & _COMPLEX for w in words)
    return Command(
        words[0].start if words else start, words[-1].end if words else end, words, simple
    )


def args(command: Command, verbs: tuple[str, ...]) -> list[Entry] | None:
    """The version words after ``pyenv <verb>`` (flags skipped), or None for other commands."""
    names = [w.word for w in command.words[:2]]
    if not command.simple or names[:1] != ["pyenv"] or names[1:] not in [[v] for v in verbs]:
        return None
    return [w for w in command.words[2:] if not w.word.startswith("-")]


def _exec(command: Command) -> Iterator[tuple[bool, Minor]]:
    words = [w.word for w in command.words[:3]]
    match = EXE.fullmatch(words[2]) if words[:2] == ["pyenv", "exec"] else None
    if match is not None:
        yield match["pypy"] == "pypy", Minor.parse(match["minor"])


def _env_entries(text: str, start: int, end: int) -> Iterator[list[Entry]]:
    for match in _ENV.finditer(text, start, end):
        group = "quoted" if match["q"] else "bare"
        offset = match.start(group)
        yield [_entry(offset + m.start(), m[0]) for m in re.finditer(r"[^\s:]+", match[group])]


class Image(NamedTuple):
    """The pyenv facts of one Dockerfile."""

    runs: list[tuple[Run, list[Command]]]
    lists: list[tuple[int, list[Entry]]]  # (line number, version list)
    installs: list[Entry]
    execs: list[tuple[bool, Minor]]  # interpreters run with ``pyenv exec``


def read(text: str, runs: list[Run], envs: list[Run]) -> Image:
    """Collect the pyenv commands, lists and ``PYENV_VERSION`` values of a Dockerfile."""
    image = Image([(run, commands(text, run)) for run in runs], [], [], [])
    for run, found in image.runs:
        for command in found:
            listed = args(command, _LISTS)
            if listed is not None:
                image.lists.append((run.number, listed))
            image.installs.extend(args(command, ("install",)) or [])
            image.execs.extend(_exec(command))
    for env in envs:
        image.lists.extend(
            (env.number, entries) for entries in _env_entries(text, env.body, env.end)
        )
    return image


# --- deciding what goes ------------------------------------------------------------------


def _runs_only(command: Command, policy: Policy) -> Minor | None:
    """The dropped Python that ``command`` only installs or runs, if that is all it does."""
    installs = args(command, ("install",))
    if installs is not None:
        keys = [e.key for e in installs]
        if installs and all(k is not None and policy.drops(k[1]) for k in keys):
            return max(k[1] for k in keys if k is not None)
        return None
    words = [w.word for w in command.words]
    exe = words[2:3] if words[:2] == ["pyenv", "exec"] else words[:1]
    match = EXE.fullmatch(exe[0]) if command.simple and exe else None
    if match is None or not policy.drops(Minor.parse(match["minor"])):
        return None
    return Minor.parse(match["minor"])


def _is_multi(image: Image, policy: Policy) -> bool:
    named = [e.key for e in image.installs] + [e.key for _, es in image.lists for e in es]
    keys = {k for k in named if k is not None} | set(image.execs)
    return len(keys) >= 2 and any(not policy.drops(k[1]) for k in keys)


def plan(text: str, runs: list[Run], envs: list[Run], policy: Policy) -> Record | None:
    """What the pyenv rule changes in a multi-Python image, or None when the image is not one."""
    image = read(text, runs, envs)
    if not _is_multi(image, policy):
        return None
    found = Record()
    fallback = _lowest_installed(image, policy)
    for number, entries in image.lists:
        _list(number, entries, fallback, policy, found)
    for run, found_commands in image.runs:
        _run(text, run, found_commands, policy, found)
    return found


def _lowest_installed(image: Image, policy: Policy) -> Entry | None:
    """The lowest kept CPython the image installs: what an emptied list falls back to."""
    kept = [
        (e.key[1], e)
        for e in image.installs
        if e.key and not e.key[0] and not policy.drops(e.key[1])
    ]
    return min(kept)[1] if kept else None


def _list(
    number: int,
    entries: list[Entry],
    fallback: Entry | None,
    policy: Policy,
    found: Record,
) -> None:
    gone = [e for e in entries if e.key is not None and policy.drops(e.key[1])]
    if not gone:
        return
    names = ", ".join(e.word for e in gone)
    if len(gone) < len(entries):
        found.edits.extend(_drop_words(entries, gone))
    elif fallback is None:
        found.notes.append(
            f"line {number}: pyenv version list names only dropped Pythons ({names}); "
            "left unchanged"
        )
        return
    else:
        found.edits.append(Edit(entries[0].start, entries[-1].end, fallback.word))
    found.changes.append(f"pyenv versions: dropped {names}")
    found.dropped.update(e.key[1] for e in gone if e.key is not None)


def _drop_words(entries: list[Entry], gone: list[Entry]) -> Iterator[Edit]:
    """Remove ``gone`` words from a list, each with the separator before it (after, if first)."""
    for i, entry in enumerate(entries):
        if entry not in gone:
            continue
        if any(e not in gone for e in entries[:i]):
            yield Edit(entries[i - 1].end, entry.end, "")
        else:
            yield Edit(entry.start, entries[i + 1].start, "")


def _run(text: str, run: Run, found_commands: list[Command], policy: Policy, found: Record) -> None:
    only = [_runs_only(c, policy) for c in found_commands]
    if found_commands and all(only):
        found.edits.append(Edit(run.start, _after_blank(text, run.end), ""))
        found.changes.append(f"RUN using only Python {_names(only)}: removed")
    elif any(only):
        found.edits.extend(_remove_commands(found_commands, only))
        found.changes.append(f"RUN commands for Python {_names(only)}: removed")
    else:
        _partial_installs(found_commands, policy, found)
        return
    found.dropped.update(m for m in only if m is not None)


def _names(only: list[Minor | None]) -> str:
    return ", ".join(str(m) for m in sorted({m for m in only if m is not None}))


def _after_blank(text: str, end: int) -> int:
    """End of a removed instruction: its newline, and the blank line after it if there is one."""
    match = re.compile(r"\r?\n(?:[ \t]*\r?\n)?").match(text, end)
    return match.end() if match else end


def _remove_commands(found_commands: list[Command], only: list[Minor | None]) -> Iterator[Edit]:
    """Drop each run of removed commands with the ``&&`` that tied it to a kept neighbour."""
    i = 0
    while i < len(only):
        if only[i] is None:
            i += 1
            continue
        j = i
        while j + 1 < len(only) and only[j + 1] is not None:
            j += 1
        if i > 0:
            yield Edit(found_commands[i - 1].end, found_commands[j].end, "")
        else:
            yield Edit(found_commands[0].start, found_commands[j + 1].start, "")
        i = j + 1


def _partial_installs(found_commands: list[Command], policy: Policy, found: Record) -> None:
    """``pyenv install 3.12 3.8``: the dropped entries go, the command stays."""
    for command in found_commands:
        installs = args(command, ("install",)) or []
        gone = [e for e in installs if e.key is not None and policy.drops(e.key[1])]
        if gone:
            found.edits.extend(_drop_words(installs, gone))
            found.changes.append(f"pyenv install: dropped {', '.join(e.word for e in gone)}")
            found.dropped.update(e.key[1] for e in gone if e.key is not None)


__all__ = ["Run", "plan"]
