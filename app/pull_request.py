"""The text of molt's pull request: title, body, and the per-file change list."""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, NamedTuple

from app.plan import Plan
from rewriters.versions import Minor, join_names

if TYPE_CHECKING:  # importing the modernisation is slow; the text needs only its result
    from app.modernise import Modernisation

INTRO = (
    "This pull request drops Python versions that have reached end-of-life and makes "
    "**Python {minimum}** the oldest version this repository supports."
)
WHY_HEADER = "### Why\n\n| Python | end of life |\n| --- | --- |"
NOT_EOL = "not yet end-of-life: dropped because the minimum was set to {minimum}"
PINNED = "The minimum was set by a maintainer (`{mention} minimum {minimum}`)."
KEPT = "Kept at a maintainer's request (`{mention} keep`): Python {versions}."
MODERNISE_ASKED = "Code modernisation was asked for by a maintainer (`{mention} modernise`)."
MODERNISED = """\
### Modernised code (a separate commit)

The second commit removes code that only Pythons older than {minimum} needed, so it can be \
reverted on its own. ruff's rules ran for Python {minimum} (version checks and backport imports \
only, no style rule), with molt's own rule for fallback imports.

| rule | places changed |
| --- | --- |
{rows}"""
MODERNISE_TITLE = "Remove code only Pythons older than {minimum} needed"
MODERNISED_SKIPPED = "Python files that do not parse, left unchanged:"
# Marks molt's own pull requests, so webhook handlers can tell them from others; the
# fingerprint tells whether a new plan would change anything in the open pull request, and the
# rest of the line holds what maintainers chose by command, so that state stays on GitHub.
MARKER = "<!-- molt: drop end-of-life Pythons"
MARKER_LINE = MARKER + " · {fingerprint}{overrides} -->"
_OVERRIDES = re.compile(re.escape(MARKER) + r" · \w+(?P<rest>[^>]*?) -->")
NOTHING_BY_HAND = "Nothing that molt knows of."
REBASE_BOX = "- [ ] rebase/retry this PR"
_TICKED_BOX = re.compile(r"^- \[[xX]\] rebase/retry this PR[ \t]*$", re.MULTILINE)
COMMAND_TABLE = """\
| comment | what molt does |
| --- | --- |
| `{mention} rebase` | regenerate the change on top of the current default branch |
| `{mention} recreate` | regenerate from scratch, discarding any edits on the branch |
| `{mention} ignore` | close this pull request and never reopen it for this target |
| `{mention} unignore` | undo `ignore`: reopen this pull request |
| `{mention} minimum X.Y` | regenerate for another new minimum |
| `{mention} keep X.Y` | keep one version that policy would drop |
| `{mention} modernise` | add a commit removing code only the dropped Pythons needed |
| `{mention} preview` | reply with what molt would change, without opening anything |
| `{mention} open` | open (or reopen) the upgrade pull request now, from any issue |
| `{mention} help` | reply with this list |"""
COMMANDS = """\
<details>
<summary>Commands</summary>

Comment on this pull request (users with write access only):

{table}
</details>"""


class Overrides(NamedTuple):
    """What maintainers chose by command for one pull request, kept in its marker line."""

    minimum: Minor | None = None
    keep: frozenset[Minor] = frozenset()
    modernise: bool = False

    def __str__(self) -> str:
        parts = [f" · minimum {self.minimum}"] if self.minimum else []
        if self.keep:
            parts.append(" · keep " + " ".join(str(v) for v in sorted(self.keep)))
        if self.modernise:
            parts.append(" · modernise")
        return "".join(parts)


def overrides(body: str) -> Overrides:
    """The overrides recorded in a molt pull request's body (none in anyone else's)."""
    found = _OVERRIDES.search(body)
    if found is None:
        return Overrides()
    minimum: Minor | None = None
    keep: set[Minor] = set()
    modernise = False
    for part in found["rest"].split(" · "):
        key, _, value = part.strip().partition(" ")
        try:
            if key == "minimum":
                minimum = Minor.parse(value)
            elif key == "keep":
                keep.update(Minor.parse(v) for v in value.split())
            elif key == "modernise":
                modernise = True
        except ValueError:
            continue  # someone edited the line; what cannot be read is not an override
    return Overrides(minimum, frozenset(keep), modernise)


def mention(login: str) -> str:
    """``@molt-bot`` for the App whose slug is ``molt-bot``."""
    return f"@{login}"


def command_help(login: str) -> str:
    """The table of comment commands, addressed to the App's login."""
    return COMMAND_TABLE.format(mention=mention(login))


def box_ticked(body: str) -> bool:
    """Whether someone ticked the "rebase/retry this PR" check-box."""
    return _TICKED_BOX.search(body) is not None


def untick(body: str) -> str:
    """``body`` with the check-box cleared."""
    return _TICKED_BOX.sub(REBASE_BOX, body)


def title(plan: Plan) -> str:
    """``Drop Python 3.9 and 3.10 (end-of-life)``."""
    dropped = sorted(plan.dropped)
    if not dropped:
        return f"Require Python {plan.policy.floor}"
    suffix = " (end-of-life)" if all(plan.policy.is_end_of_life(v) for v in dropped) else ""
    return f"Drop Python {join_names(dropped)}{suffix}"


def _why(plan: Plan) -> str:
    rows = [WHY_HEADER]
    for version in sorted(plan.dropped):
        eol = plan.policy.end_of_life(version)
        if plan.policy.is_end_of_life(version) and eol is not None:
            rows.append(f"| {version} | {eol.isoformat()} |")
        else:
            rows.append(f"| {version} | {NOT_EOL.format(minimum=plan.policy.minimum)} |")
    return "\n".join(rows)


def _changed(plan: Plan) -> str:
    lines = ["### What changed", ""]
    for change in plan.files:
        lines.append(f"- `{change.path}`")
        lines.extend(f"  - {item}" for item in change.changes)
    return "\n".join(lines)


def _by_hand(plan: Plan) -> str:
    notes = plan.notes or (NOTHING_BY_HAND,)
    lines = ["### Left to do by hand", ""]
    lines.extend(f"- {note}" for note in notes)
    if plan.skipped:
        lines.append("")
        lines.append("Files molt could not read, left unchanged:")
        lines.extend(f"- `{skip.path}`: {skip.reason}" for skip in plan.skipped)
    return "\n".join(lines)


def _chosen(login: str, chosen: Overrides) -> list[str]:
    lines = []
    if chosen.minimum is not None:
        lines.append(PINNED.format(mention=mention(login), minimum=chosen.minimum))
    if chosen.keep:
        lines.append(KEPT.format(mention=mention(login), versions=join_names(sorted(chosen.keep))))
    if chosen.modernise:
        lines.append(MODERNISE_ASKED.format(mention=mention(login)))
    return lines


def _modernised(modernised: Modernisation) -> str:
    rows = [f"| `{rule.code}`: {rule.places} | {count} |" for rule, count in modernised.counts]
    lines = [MODERNISED.format(minimum=modernised.minimum, rows="\n".join(rows)), ""]
    for change in modernised.files:
        said = "; ".join(item for item in change.changes if item.startswith("removed "))
        lines.append(f"- `{change.path}`: {said}" if said else f"- `{change.path}`")
    lines.extend(f"- {note}" for note in modernised.notes)
    if modernised.skipped:
        lines.extend(["", MODERNISED_SKIPPED])
        lines.extend(f"- `{skip.path}`: {skip.reason}" for skip in modernised.skipped)
    return "\n".join(lines)


def body(
    plan: Plan,
    *,
    app: bool = False,
    login: str | None = None,
    chosen: Overrides = Overrides(),  # noqa: B008  (an immutable NamedTuple)
    dependencies: str = "",
    modernised: Modernisation | None = None,
) -> str:
    """The pull request body: what changed per file, why, and what is left to do by hand.

    A pull request molt opens (``app``) ends with the marker line; when the App's ``login``
    is known, it also carries the rebase check-box, the choices made by command and the
    comment commands. ``dependencies`` is the dependency check's section
    (``app.dependencies.DependencyReport.body_section``), placed after what changed;
    ``modernised`` the second commit's modernisation, said after that.
    """
    parts = [INTRO.format(minimum=plan.policy.floor)]
    if login is not None:
        parts.extend(_chosen(login, chosen))
    if plan.dropped:
        parts.append(_why(plan))
    parts.append(_changed(plan))
    parts.extend([dependencies] if dependencies else [])
    if modernised is not None and (modernised.files or modernised.notes or modernised.skipped):
        parts.append(_modernised(modernised))
    parts.append(_by_hand(plan))
    if login is not None:
        parts.extend([REBASE_BOX, COMMANDS.format(table=command_help(login))])
    if app or login is not None:
        marker = MARKER_LINE.format(fingerprint=fingerprint(plan, modernised), overrides=chosen)
        parts.append(marker)
    return "\n\n".join(parts) + "\n"


def fingerprint(plan: Plan, modernised: Modernisation | None = None) -> str:
    """A short hash of every file's text before and after (the modernisation's after the
    plan's): equal plans, equal fingerprints."""
    digest = hashlib.sha256()
    for change in (*plan.files, *(modernised.files if modernised else ())):
        for part in (change.path, change.before, change.after):
            # a deleted file hashes apart from an emptied one
            digest.update(b"\1" if part is None else part.encode("utf-8") + b"\0")
    return digest.hexdigest()[:16]


def modernise_message(modernised: Modernisation) -> str:
    """The second commit's message: what the modernisation changed, per rule."""
    lines = [MODERNISE_TITLE.format(minimum=modernised.minimum), ""]
    lines.extend(f"- {rule.code}: {count}" for rule, count in modernised.counts)
    lines.extend(
        f"- {change.path}: {'; '.join(change.changes)}"
        for change in modernised.files
        if not change.path.endswith((".py", ".pyi"))
    )
    return "\n".join(lines)


def commit_summary(plan: Plan) -> str:
    """The commit message body: one line per file."""
    return "\n".join(f"- {change.path}: {'; '.join(change.changes)}" for change in plan.files)
