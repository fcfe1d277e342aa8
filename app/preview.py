"""The ``preview`` reply: a plan as a per-file summary and a collapsed unified diff, and the
dependency section the pull request would carry."""

from __future__ import annotations

from app.plan import Plan, unified_diff

MAX_COMMENT_CHARS = 65_000  # GitHub refuses comments over 65,536 characters
MAX_PREVIEW_CHARS = 60_000  # of them, the diff's

PREVIEW = """\
molt would change {count} file(s) (Python {minimum} as the oldest supported version):

{summary}

<details>
<summary>Diff</summary>

```diff
{diff}
```
</details>"""
PREVIEW_CUT = "\n… (cut: the full diff is longer than a comment may be)"
SECTION_CUT = "\n… (cut: the pull request lists them all)"


def render_preview(plan: Plan, dependencies: str = "") -> str:
    """A per-file summary and the collapsed unified diff of ``plan``, then ``dependencies``
    (the pull request's section on them, when the package index was asked)."""
    summary = "\n".join(f"- `{f.path}`: {'; '.join(f.changes)}" for f in plan.files)
    diff = "".join("".join(unified_diff(f)) for f in plan.files).rstrip("\n")
    if len(diff) > MAX_PREVIEW_CHARS:
        diff = diff[:MAX_PREVIEW_CHARS] + PREVIEW_CUT
    count, minimum = len(plan.files), plan.policy.minimum
    reply = PREVIEW.format(count=count, minimum=minimum, summary=summary, diff=diff)
    section = dependencies.strip()
    room = MAX_COMMENT_CHARS - len(reply) - 2
    if len(section) > room:
        section = section[: max(room - len(SECTION_CUT), 0)] + SECTION_CUT
    return f"{reply}\n\n{section}" if dependencies.strip() else reply
