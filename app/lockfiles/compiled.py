"""Compiled requirements files: re-run the ``pip-compile`` or ``uv pip compile`` command their
header records, for the new minimum.

``uv pip compile`` targets a Python by ``--python-version``: molt sets it to the new minimum
(adding the option when the command had none, so the header then records it). pip-compile
resolves for the Python that runs it, so molt re-runs it only when its own Python is the new
minimum, and otherwise says under which Python to run it. The command must read requirements
files only: a ``pyproject.toml``, ``setup.cfg`` or ``setup.py`` input needs the project's
build backend, and a command naming its own index or links would reach past molt's index.
"""

from __future__ import annotations

import posixpath
import re
import shlex
import sys
from collections.abc import Mapping

from app.lockfiles.job import Job, Skip, directory, joined
from app.lockfiles.sources import beyond_index
from rewriters.repository.lockfiles import COMMAND_RE
from rewriters.versions import Minor

# options that take a value as the next word (pip-compile's and uv pip compile's)
TAKES_VALUE = frozenset(
    "-o --output-file -c --constraint --override --extra --extra-index-url -i --index-url "
    "--index --default-index -f --find-links -P --upgrade-package --pip-args --cache-dir "
    "--annotation-style --resolver --custom-compile-command --unsafe-package "
    "--python-version -p --python --python-platform --build-deps-for --group "
    "--no-emit-package --emit-package --unsafe-package --prerelease --resolution "
    "--index-strategy --exclude-newer --build-constraint --torch-backend".split()
)
REACHES_OUT = frozenset(
    "-i --index-url --extra-index-url --index --default-index -f --find-links --pip-args "
    "--no-index".split()
)
_INCLUDE = re.compile(r"^\s*(?:-r|--requirement|-c|--constraint)[\s=]+(\S+)", re.MULTILINE)
UNKNOWN_TOOL = (
    "`{path}` was not regenerated: molt re-runs only `pip-compile` and `uv pip compile`; "
    "regenerate it with `{command}`."
)
NEEDS_BUILD = (
    "`{path}` was not regenerated: it is compiled from `{input}`, which only the project's "
    "build backend can read, and molt never builds a repository's code; regenerate it "
    "with `{command}`."
)
OWN_INDEX = (
    "`{path}` was not regenerated: its command names its own index or links (`{option}`), "
    "and molt only reaches its own package index; regenerate it with `{command}`."
)
BEYOND_INDEX = (
    "`{path}` was not regenerated: it installs something from a git repository or a URL, "
    "beyond the package index molt may reach; regenerate it with `{command}`."
)
MISSING = (
    "`{path}` was not regenerated: its input `{input}` is not in the repository; regenerate "
    "it with `{command}`."
)
OTHER_PYTHON = (
    "`{path}` was not regenerated: pip-compile resolves for the Python that runs it, and molt "
    "runs on Python {running}; regenerate it under Python {minimum} with `{command}`."
)


def command(text: str) -> str | None:
    """The command a compiled requirements file's header records, if it has one."""
    match = COMMAND_RE.search(text[:2000].replace("\r\n", "\n"))
    return match["command"] if match else None


def job(path: str, files: Mapping[str, str], minimum: Minor) -> Job | Skip:
    """Re-run the command in the header of the compiled file at ``path`` for ``minimum``."""
    recorded = command(files[path]) or ""
    try:
        words = shlex.split(recorded)
    except ValueError:  # an unbalanced quote: not a command molt can re-run
        words = []
    uv = words[:3] == ["uv", "pip", "compile"]
    if not (uv or words[:1] == ["pip-compile"]):
        return Skip(path, UNKNOWN_TOOL.format(path=path, command=recorded))
    options, inputs = _parse(words[3 if uv else 1 :])
    reaching = sorted(REACHES_OUT.intersection(options))
    if reaching:
        return Skip(path, OWN_INDEX.format(path=path, option=reaching[0], command=recorded))
    cwd = _where(path, options.get("-o") or options.get("--output-file"), inputs, files)
    needed = [joined(cwd, name) for name in inputs]
    for name in needed:
        if name.rpartition("/")[2] in ("pyproject.toml", "setup.cfg", "setup.py"):
            return Skip(path, NEEDS_BUILD.format(path=path, input=name, command=recorded))
        if name not in files:
            return Skip(path, MISSING.format(path=path, input=name, command=recorded))
    running = Minor(*sys.version_info[:2])
    if not uv and running != minimum:
        note = OTHER_PYTHON.format(path=path, running=running, minimum=minimum, command=recorded)
        return Skip(path, note)
    argv = _targeting(words, minimum) if uv else words
    shown = shlex.join(argv)
    if uv and not ("-o" in options or "--output-file" in options):
        # written to standard output: uv keeps the pins of an output file only, so it writes
        # this one, with the header of the command as recorded
        output = posixpath.relpath(path, cwd or ".")
        argv = [*argv, "-o", output, "--custom-compile-command", shown]
    read = {name: files[name] for name in _included(needed, files)}
    if beyond_index(read.values(), files[path]):
        return Skip(path, BEYOND_INDEX.format(path=path, command=recorded))
    return Job(path, tuple(argv), cwd, {**read, path: files[path]}, shown)


def _parse(words: list[str]) -> tuple[dict[str, str], list[str]]:
    """The options (name -> value, "" for a flag) and the input files of a command's words."""
    options: dict[str, str] = {}
    inputs: list[str] = []
    pending: str | None = None
    for word in words:
        if pending is not None:
            options[pending], pending = word, None
        elif word.startswith("-"):
            name, equals, value = word.partition("=")
            if equals:
                options[name] = value
            elif name in TAKES_VALUE:
                pending = name
            else:
                options[name] = ""
        else:
            inputs.append(word)
    return options, inputs


def _where(path: str, output: str | None, inputs: list[str], files: Mapping[str, str]) -> str:
    """The directory the command was run in: the one where its output is ``path`` and its
    inputs exist; the repository's root unless the file's own directory fits better."""
    here = directory(path)
    for cwd in dict.fromkeys(["", here]):
        output_fits = output is None or posixpath.normpath(joined(cwd, output)) == path
        if output_fits and all(joined(cwd, name) in files for name in inputs):
            return cwd
    return here if output is not None and posixpath.basename(output) == output else ""


def _included(paths: list[str], files: Mapping[str, str]) -> list[str]:
    """``paths`` and every requirements file they include (``-r``, ``-c``), transitively."""
    found: dict[str, None] = {}
    pending = list(paths)
    while pending:
        path = pending.pop()
        if path in found or path not in files:
            continue
        found[path] = None
        for included in _INCLUDE.findall(files[path]):
            pending.append(posixpath.normpath(joined(directory(path), included)))
    return list(found)


def _targeting(words: list[str], minimum: Minor) -> list[str]:
    """The ``uv pip compile`` words with ``--python-version`` set to ``minimum``."""
    out: list[str] = []
    replaced = False
    skip = False
    for word in words:
        if skip:
            out.append(str(minimum))
            skip, replaced = False, True
        elif word == "--python-version":
            out.append(word)
            skip = True
        elif word.startswith("--python-version="):
            out.append(f"--python-version={minimum}")
            replaced = True
        else:
            out.append(word)
    return out if replaced else [*out, "--python-version", str(minimum)]
