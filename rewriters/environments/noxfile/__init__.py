"""noxfile.py: the Pythons nox sessions run on, found with ``ast`` and never executed.

Version values are ``python=`` (or ``py=``) of any call (``@nox.session``, ``@session`` from
nox-poetry or a local wrapper), the ``python`` values of ``nox.parametrize`` (plain, as
``nox.param("3.9", id=...)``, or one column of rows such as ``("3.9", "4.2")`` under
``"python,django"``) and ``nox.options.pythons``. A module-level name bound once is followed to
what it is bound to: a list (also through ``[*ALL_PYTHONS, "pypy3.10"]``, ``A + B``,
``list(A)``), or a single version, also as an entry of a list (``[OLDEST, "3.12"]``).

A list shrinks by the one list rule (``rewriters.rules.shrink``): ``["3.9", "3.12"]`` becomes
``["3.11", "3.12"]``. A single version moves to the minimum. A row the rule would move goes
instead when it carries a value no kept row tests (a Django release only the old Python ran).
Lists that run alongside a shortened one follow it: the ``ids=`` of a parametrize, and session
names with a version (``requires=["tests-3.9"]``, ``nox.options.sessions``), which follow what
became of their session's version. A slice of a shortened list is rewritten to pick what it
picked (``slices``).
"""

from __future__ import annotations

from rewriters.environments.noxfile.lists import (
    Work,
    drop_rows,
    follow_ids,
    follow_names,
    rewrite_value,
    session_fates,
)
from rewriters.environments.noxfile.slices import fix_slices
from rewriters.environments.noxfile.values import row_lists, session_name_lists, version_values
from rewriters.formats.python_ast import Display, Source, module_constants, parse
from rewriters.policy import Policy
from rewriters.result import BrokenOutput, Rewrite, UnparsableInput


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Drop end-of-life Pythons from the sessions of a noxfile."""
    tree = parse(text)
    work = Work(source=Source(text), policy=policy, constants=module_constants(tree))
    for label, node in version_values(tree, work.constants):
        rewrite_value(work, label, node)
    for label, node, column in row_lists(tree, work.constants):
        if isinstance(node, Display) and id(node) not in work.seen:
            work.seen.add(id(node))
            drop_rows(work, label, node, column)
    follow_ids(work, tree)
    sessions = session_fates(work, tree)
    for label, node in session_name_lists(tree, work.constants):
        if isinstance(node, Display) and id(node) not in work.seen:
            work.seen.add(id(node))
            follow_names(work, label, node, sessions)
    fix_slices(work, work.source, tree, work.shortened)
    return work.finish(text, _checked)


def _checked(new: str) -> str:
    try:
        parse(new)
    except UnparsableInput as error:
        raise BrokenOutput(f"noxfile.py output does not parse: {error}") from None
    return new
