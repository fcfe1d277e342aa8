"""tox.toml and pyproject.toml's ``[tool.tox]``: tox 4's native TOML configuration.

What becomes of each env is ``rewriters.environments.tox_envs.decide``'s answer, as for tox.ini:
``env_list`` (names and ``{ product = [...] }`` tables) shrinks by the list rule, an env whose
Pythons are all dropped goes rather than moves when it is a compatibility-matrix cell or its
own ``[env.NAME]`` table pins a release in ``deps``; its ``[env.NAME]`` tables are renamed with
it or removed with it (comments right above them too), and ``labels`` and ``depends`` follow.
``base_python`` pins move to the new minimum; ``requires`` and ``deps`` lose the
``python_version`` markers the minimum decides (``rewriters.packaging.dependencies``).

The same code reads pyproject.toml's ``[tool.tox]`` (``rewrite_config`` with its prefix).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from rewriters.environments import tox_envs, tox_ini
from rewriters.formats import toml as _toml
from rewriters.packaging.dependencies import dependencies
from rewriters.policy import Policy
from rewriters.result import Edit, Rewrite
from rewriters.tools.settings import Out, Rules, apply_rules, handler_for, label, pins
from rewriters.versions import Minor, join_names

ENV_LIST_KEYS = frozenset({("env_list",), ("envlist",)})
# lists of env names that follow their envs
REFERENCE_KEYS: tuple[tuple[str, ...], ...] = (
    ("labels", "*"),
    ("env_run_base", "depends"),
    ("env", "*", "depends"),
    ("env_base", "*", "depends"),
)
# the settings each env (or every env) holds, by the handlers every TOML kind shares
ENTRY_RULES: Rules = (
    (("env_run_base", "base_python"), pins),
    (("env", "*", "base_python"), pins),
    (("env_base", "*", "base_python"), pins),
    (("requires",), dependencies),
    (("env_run_base", "deps"), dependencies),
    (("env", "*", "deps"), dependencies),
    (("env_base", "*", "deps"), dependencies),
)


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Drop the versions ``policy`` drops from a tox.toml; None when nothing changes."""
    return apply_rules(text, policy, (), "tox.toml", (partial(rewrite_config, prefix=()),))


# --- reading the configuration -------------------------------------------------------------


@dataclass(frozen=True)
class Config:
    """One tox configuration in a TOML document: its entries by path below ``prefix``, the
    table headers of the document, and the envs it lists and defines."""

    text: str
    prefix: tuple[str, ...]
    entries: tuple[tuple[tuple[str, ...], _toml.Entry], ...]
    headers: tuple[_toml.Header, ...]

    def env_of(self, path: Sequence[str]) -> str | None:
        """The env a path below ``prefix`` belongs to (``env.NAME...``)."""
        return path[1] if len(path) > 1 and path[0] == "env" else None

    def tables_of(self, name: str) -> list[_toml.Header]:
        """The headers of ``[env.NAME]`` and its sub-tables."""
        key = (*self.prefix, "env", name)
        return [h for h in self.headers if h.path[: len(key)] == key]


def read_config(text: str, entries: Sequence[_toml.Entry], prefix: tuple[str, ...]) -> Config:
    below = tuple(
        (entry.path[len(prefix) :], entry)
        for entry in entries
        if entry.path[: len(prefix)] == prefix
    )
    return Config(text, prefix, below, tuple(_toml.headers(text)))


def _strings(text: str, array: _toml.Value) -> list[tuple[int, str]]:
    """The (index, value) of an array's plain string items."""
    return [
        (index, str(_toml.decode(text, item)))
        for index, item in enumerate(array.items)
        if item.kind == "string"
    ]


def _products(config: Config, env_list: _toml.Entry) -> dict[int, _toml.Value | None]:
    """The ``{ product = [...] }`` items of an env list: the product's array of factor groups
    by item index, or None when a group is not a list of plain names (a range or a label)."""
    found: dict[int, _toml.Value | None] = {}
    nested = [e for p, e in config.entries if p[1:] == ("product",) and p[0] == env_list.path[-1]]
    for index, item in enumerate(env_list.value.items):
        inside = [e.value for e in nested if item.start < e.value.start < item.end]
        if item.kind != "table" or not inside:
            continue
        groups = inside[0]
        plain = groups.kind == "array" and all(
            g.kind == "array" and all(i.kind == "string" for i in g.items) for g in groups.items
        )
        found[index] = groups if plain and groups.items else None
    return found


def _product_expression(text: str, groups: _toml.Value) -> str | None:
    """A product's factor groups as a tox expression (``{py39,py310}-{a,b}``)."""
    members = [[name for _, name in _strings(text, group)] for group in groups.items]
    if any(not group or any(c in n for n in group for c in ",{}") for group in members):
        return None
    return "-".join("{" + ",".join(group) + "}" for group in members)


def _listed(config: Config) -> list[str]:
    """The env names the env list generates, in order."""
    listed: list[str] = []
    for path, entry in config.entries:
        if path not in ENV_LIST_KEYS or entry.value.kind != "array":
            continue
        products = _products(config, entry)
        for index, item in enumerate(entry.value.items):
            groups = products.get(index)
            expression = None if groups is None else _product_expression(config.text, groups)
            if item.kind == "string":
                listed.append(str(_toml.decode(config.text, item)))
            elif expression is not None:
                listed += tox_envs.names(expression)
    return listed


def _carries(config: Config, name: str) -> bool:
    """True when ``[env.NAME]`` pins a release in its ``deps`` (``attrs==21.3.0``)."""
    return any(
        tox_envs.pins_release(requirement)
        for path, entry in config.entries
        if path == ("env", name, "deps") and entry.value.kind == "array"
        for _, requirement in _strings(config.text, entry.value)
    )


# --- writing it back --------------------------------------------------------------------------


def rewrite_config(
    out: Out, text: str, entries: list[_toml.Entry], prefix: tuple[str, ...]
) -> None:
    """Rewrite the tox configuration below ``prefix`` (nothing in tox.toml, ``tool.tox`` in
    pyproject.toml)."""
    config = read_config(text, entries, prefix)
    if not config.entries:
        return
    defined = {env for path, _ in config.entries if (env := config.env_of(path))}
    defined |= {h.path[len(prefix) + 1] for h in config.headers if _is_env_table(h, prefix)}
    verdict = tox_envs.decide(_listed(config), defined, partial(_carries, config), out.policy)
    gone = _rewrite_tables(out, config, sorted(defined), verdict)
    for path, entry in config.entries:
        env = config.env_of(path)
        if env is not None and env in gone:
            continue
        if path in ENV_LIST_KEYS and entry.value.kind == "array":
            _rewrite_env_list(out, config, entry, verdict)
        elif _matches(REFERENCE_KEYS, path):
            _rewrite_names(out, text, entry, verdict)
        elif (handler := handler_for(ENTRY_RULES, path)) is not None:
            handler(out, text, entry)


def _matches(patterns: Sequence[tuple[str, ...]], path: tuple[str, ...]) -> bool:
    """True when ``path`` is one of ``patterns`` (``*`` stands for any one key)."""
    return any(
        len(p) == len(path) and all(k in {"*", key} for k, key in zip(p, path, strict=True))
        for p in patterns
    )


def _is_env_table(header: _toml.Header, prefix: tuple[str, ...]) -> bool:
    return len(header.path) > len(prefix) + 1 and header.path[: len(prefix) + 1] == (
        *prefix,
        "env",
    )


def _say_dropped(out: Out, where: str, versions: set[Minor]) -> None:
    if versions:
        out.changes.append(f"{where}: dropped {join_names(sorted(versions))}")
        out.dropped |= versions


def _dropped_in(names: Sequence[str], verdict: tox_envs.Verdict) -> set[Minor]:
    """The dropped versions of the envs among ``names`` that go or move."""
    found: set[Minor] = set()
    for name in names:
        python = tox_envs.python_factor(name)
        if python and verdict.policy.drops(python[1].version) and verdict.after(name) != name:
            found.add(python[1].version)
    return found


def _rename(out: Out, text: str, item: _toml.Value, new: str) -> None:
    """Write ``new`` between the quotes of a string item."""
    start, end = _toml.inner(text, item)
    out.edits.append(Edit(start, end, new))


def _rewrite_names(out: Out, text: str, entry: _toml.Entry, verdict: tox_envs.Verdict) -> None:
    """A label or ``depends``: each env name goes, moves or stays as its env does."""
    if entry.value.kind == "array":
        _say_dropped(out, label(entry.path), _follow(out, text, entry.value, verdict))


def _follow(out: Out, text: str, array: _toml.Value, verdict: tox_envs.Verdict) -> set[Minor]:
    """Edit the env names of ``array`` as their envs go or move; the dropped versions they
    named."""
    strings = [
        (i, n)
        for i, n in _strings(text, array)
        if "\\" not in text[slice(*_toml.inner(text, array.items[i]))]
    ]
    removed: list[int] = []
    for index, name in strings:
        new = verdict.after(name)
        if new is None:
            removed.append(index)
        elif new != name:
            _rename(out, text, array.items[index], new)
    out.edits += _toml.remove_items(text, array, removed)
    return _dropped_in([n for _, n in strings], verdict)


def _rewrite_env_list(
    out: Out, config: Config, entry: _toml.Entry, verdict: tox_envs.Verdict
) -> None:
    """The env list: plain names as any list of names, products group by group."""
    dropped = _follow(out, config.text, entry.value, verdict)
    removed: list[int] = []
    for index, groups in _products(config, entry).items():
        expression = None if groups is None else _product_expression(config.text, groups)
        if expression is None:
            out.notes.append(
                f"{label(entry.path)}: a product with range or labelled factor groups is left "
                "alone; check its Pythons by hand"
            )
            continue
        assert groups is not None
        rendered = tox_envs.render(expression, verdict.after, verdict.policy)
        dropped |= rendered.dropped
        if rendered.text is None:
            removed.append(index)
            continue
        for group, members in zip(groups.items, rendered.members, strict=True):
            gone = [i for i, member in enumerate(members) if member is None]
            out.edits += _toml.remove_items(config.text, group, gone)
            for item, member in zip(group.items, members, strict=True):
                if member is not None and member != _toml.decode(config.text, item):
                    _rename(out, config.text, item, member)
    out.edits += _toml.remove_items(config.text, entry.value, removed)
    _say_dropped(out, label(entry.path), dropped)


# --- env tables -------------------------------------------------------------------------------


def _rewrite_tables(
    out: Out, config: Config, defined: Sequence[str], verdict: tox_envs.Verdict
) -> set[str]:
    """Rename the tables of moved envs, remove those of gone ones; the envs whose tables went."""
    gone: set[str] = set()
    taken = set(defined)
    for name in defined:
        new = verdict.after(name)
        if new == name:
            continue
        tables = config.tables_of(name)
        where = _table_label(config, name)
        if not tables:
            out.notes.append(
                f"{where} is set without a table of its own; "
                f"{'remove' if new is None else 'rename'} it by hand"
            )
        elif new is not None and new not in taken:
            taken.add(new)
            _rename_tables(out, config, tables, new)
            out.changes.append(f"[{where}] → [{_table_label(config, new)}]")
            out.dropped |= _dropped_in([name], verdict)
        elif not _referenced(config, name):
            gone.add(name)
            for table in tables:
                out.edits.append(Edit(*_table_span(config, table), ""))
            out.changes.append(f"[{where}]: removed")
            out.dropped |= _dropped_in([name], verdict)
        else:
            out.notes.append(f"[{where}] is only for dropped Pythons but is referenced; kept")
    return gone


def _table_label(config: Config, name: str) -> str:
    """``env.py39`` or ``env."3.9"``, as the table header spells it."""
    key = name if _toml.BARE_KEY_RE.fullmatch(name) else f'"{name}"'
    return label((*config.prefix, "env", key))


def _rename_tables(out: Out, config: Config, tables: Sequence[_toml.Header], new: str) -> None:
    """Write ``new`` as the env name of each header, quoted when it must be."""
    part = len(config.prefix) + 1
    for header in tables:
        start, end = header.spans[part]
        quote = config.text[start]
        spelled = new if _toml.BARE_KEY_RE.fullmatch(new) else f'"{new}"'
        out.edits.append(Edit(start, end, f"{quote}{new}{quote}" if quote in "\"'" else spelled))


def _referenced(config: Config, name: str) -> bool:
    """True when a string outside the env lists, labels and ``depends`` names the env, as
    tox's ``{ replace = "ref", env = "py39", ... }`` does."""
    for path, entry in config.entries:
        if _matches((*ENV_LIST_KEYS, *REFERENCE_KEYS), path) or config.env_of(path) == name:
            continue
        value = entry.value
        strings = [value] if value.kind == "string" else list(value.items)
        if any(s.kind == "string" and _toml.decode(config.text, s) == name for s in strings):
            return True
    return False


def _table_span(config: Config, header: _toml.Header) -> tuple[int, int]:
    """The span removing a table: the comment lines right above its header, the header, its
    entries and the blank lines after them (comments before the next header stay with it)."""
    text = config.text
    following = [h.start for h in config.headers if h.start > header.start]
    region_end = min(following, default=len(text))
    stop = header.stop
    for _, entry in config.entries:
        if header.stop <= entry.value.start < region_end:
            line_end = text.find("\n", entry.value.end)
            stop = max(stop, len(text) if line_end < 0 else line_end + 1)
    while stop < region_end:
        line_end = text.find("\n", stop)
        line_end = len(text) if line_end < 0 else line_end + 1
        if text[stop:line_end].strip():
            break
        stop = line_end
    return tox_ini.removal_start(text, header.start, stop, ("#",)), stop
