"""The text of molt's pull request: title, body, and the per-file change list."""

from __future__ import annotations

import hashlib

from app.plan import Plan
from rewriters.versions import join_names

INTRO = (
    "This pull request drops Python versions that have reached end-of-life and makes "
    "**Python {minimum}** the oldest version this repository supports."
)
WHY_HEADER = "### Why\n\n| Python | end of life |\n| --- | --- |"
NOT_EOL = "not yet end-of-life: dropped because the minimum was set to {minimum}"
# Marks molt's own pull requests, so webhook handlers can tell them from others; the
# fingerprint tells whether a new plan would change anything in the open pull request.
MARKER = "<!-- molt: drop end-of-life Pythons"
MARKER_LINE = MARKER + " · {fingerprint} -->"
NOTHING_BY_HAND = "Nothing that molt knows of."
COMMANDS = """\
<details>
<summary>Commands</summary>

Comment on this pull request (users with write access only):

| comment | what molt does |
| --- | --- |
| `@molt-bot rebase` | regenerate the change on top of the current default branch |
| `@molt-bot recreate` | regenerate from scratch, discarding any edits on the branch |
| `@molt-bot ignore` | close this pull request and never reopen it for this target |
| `@molt-bot unignore` | undo `ignore` |
| `@molt-bot minimum X.Y` | regenerate for another new minimum |
| `@molt-bot keep X.Y` | keep one version that policy would drop |
| `@molt-bot preview` | reply with what molt would change, without opening anything |
| `@molt-bot help` | reply with this list |
</details>"""


def title(plan: Plan) -> str:
    """``Drop Python 3.9 and 3.10 (end-of-life)``."""
    dropped = sorted(plan.dropped)
    if not dropped:
        return f"Require Python {plan.policy.minimum}"
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


def body(plan: Plan, *, app: bool = False) -> str:
    """The pull request body: what changed per file, why, and what is left to do by hand.

    The App's pull request also lists the comment commands.
    """
    parts = [INTRO.format(minimum=plan.policy.minimum)]
    if plan.dropped:
        parts.append(_why(plan))
    parts.extend([_changed(plan), _by_hand(plan)])
    if app:
        parts.extend([COMMANDS, MARKER_LINE.format(fingerprint=fingerprint(plan))])
    return "\n\n".join(parts) + "\n"


def fingerprint(plan: Plan) -> str:
    """A short hash of every file's text before and after: equal plans, equal fingerprints."""
    digest = hashlib.sha256()
    for change in plan.files:
        for part in (change.path, change.before, change.after):
            digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()[:16]


def commit_summary(plan: Plan) -> str:
    """The commit message body: one line per file."""
    return "\n".join(f"- {change.path}: {'; '.join(change.changes)}" for change in plan.files)
