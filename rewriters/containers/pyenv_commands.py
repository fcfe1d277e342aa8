"""A Dockerfile's pyenv facts: ``RUN`` commands split at ``&&``, version lists, installs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from rewriters.versions import Minor

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
