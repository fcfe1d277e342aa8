"""News fragments: the changelog entry as a new towncrier or scriv fragment file."""

from __future__ import annotations

import configparser
import re
import tomllib
from collections.abc import Collection, Mapping
from typing import Any

from rewriters.policy import Policy
from rewriters.versions import Minor

FRAGMENT_TYPE_KEYS = ("remov", "break", "deprecat", "feat")
TOWNCRIER_DEFAULT_TYPES = ("feature", "bugfix", "doc", "removal", "misc")
SCRIV_DEFAULT_CATEGORIES = ("Removed", "Added", "Changed", "Deprecated", "Fixed", "Security")


def mentions(text: str, dropped: Collection[Minor]) -> bool:
    """True when ``text`` already speaks of Python and one of the dropped versions."""
    return any(
        re.search(rf"python\b[^\n]*(?<![\d.]){re.escape(str(v))}(?!\d)", text, re.IGNORECASE)
        for v in dropped
    )


def _toml_table(files: Mapping[str, str], path: str, *keys: str) -> dict[str, Any] | None:
    """``[keys...]`` of the TOML file at ``path``, or None when absent or unreadable."""
    try:
        table: Any = tomllib.loads(files[path])
    except (KeyError, tomllib.TOMLDecodeError):
        return None
    for key in keys:
        table = table.get(key) if isinstance(table, dict) else None
    return table if isinstance(table, dict) else None


def _fragment(
    files: Mapping[str, str], directory: str, name: str, body: str, dropped: Collection[Minor]
) -> dict[str, str]:
    """One new fragment, unless the fragment directory already has an entry for this."""
    directory = directory.strip("/")
    prefix = f"{directory}/" if directory not in ("", ".") else ""
    path = f"{prefix}{name}"
    already = any(p.startswith(prefix) and mentions(t, dropped) for p, t in files.items())
    if path in files or already:
        return {}
    return {path: body}


def towncrier(
    files: Mapping[str, str], policy: Policy, dropped: Collection[Minor], line: str
) -> dict[str, str] | None:
    """A new orphan towncrier fragment of the most fitting type."""
    config = _toml_table(files, "towncrier.toml", "tool", "towncrier")
    config = (
        config if config is not None else _toml_table(files, "pyproject.toml", "tool", "towncrier")
    )
    if config is None:
        return None
    directory = config.get("directory")
    if directory is None and "package" in config:
        directory = f"{config.get('package_dir', '.')}/{config['package']}/newsfragments"
    kind = _pick(_towncrier_types(config), FRAGMENT_TYPE_KEYS)
    if not isinstance(directory, str) or kind is None:
        return {}
    suffix = _suffix(str(config.get("filename", "NEWS.rst")))
    stem = "-".join(str(v) for v in sorted(dropped))
    name = f"{config.get('orphan_prefix', '+')}drop-python-{stem}.{kind}{suffix}"
    return _fragment(files, directory, name, line + "\n", dropped)


def _towncrier_types(config: Mapping[str, Any]) -> list[str]:
    """The fragment types: ``[[type]]`` entries, ``[fragment.X]`` tables, or the defaults."""
    types = config.get("type")
    if isinstance(types, list):
        return [str(t.get("directory", "")) for t in types if isinstance(t, dict)]
    fragments = config.get("fragment")
    if isinstance(fragments, dict):
        return list(fragments)
    return list(TOWNCRIER_DEFAULT_TYPES)


def _pick(names: list[str], keys: tuple[str, ...]) -> str | None:
    """The first name starting with the first key that any name starts with."""
    for key in keys:
        for name in names:
            if name.lower().startswith(key):
                return name
    return None


def _suffix(filename: str) -> str:
    """``.md`` for a Markdown news file, ``.rst`` for reStructuredText, else nothing."""
    match = re.search(r"\.(md|rst|txt)$", filename, re.IGNORECASE)
    return match.group().lower() if match else ""


def _scriv_config(files: Mapping[str, str]) -> dict[str, Any] | None:
    """``[tool.scriv]`` of pyproject.toml, or ``[scriv]`` / ``[tool.scriv]`` of setup.cfg."""
    config = _toml_table(files, "pyproject.toml", "tool", "scriv")
    if config is not None or "setup.cfg" not in files:
        return config
    parser = configparser.RawConfigParser(strict=False)
    try:
        parser.read_string(files["setup.cfg"])
    except configparser.Error:
        return None
    for section in ("scriv", "tool.scriv"):
        if parser.has_section(section):
            return dict(parser.items(section))
    return None


def scriv(
    files: Mapping[str, str], policy: Policy, dropped: Collection[Minor], line: str
) -> dict[str, str] | None:
    """A new scriv fragment, under the most fitting category."""
    config = _scriv_config(files)
    if config is None:
        return None
    fmt = str(config.get("format", "rst"))
    categories = config.get("categories", SCRIV_DEFAULT_CATEGORIES)
    if isinstance(categories, str):
        categories = [c.strip() for c in re.split(r"[,\n]", categories) if c.strip()]
    category = _pick([str(c) for c in categories], ("remov", "break", "deprecat", "chang"))
    body = f"- {line}\n"
    if category is not None and fmt == "md":
        body = f"### {category}\n\n{body}"
    elif category is not None:
        underline = str(config.get("rst_header_chars", "=-"))[-1] * len(category)
        body = f"{category}\n{underline}\n\n{body}"
    name = f"{policy.today:%Y%m%d}_molt_drop_python_{'_'.join(v.nodot for v in sorted(dropped))}"
    directory = str(config.get("fragment_directory", "changelog.d"))
    return _fragment(files, directory, f"{name}.{fmt}", body, dropped)
