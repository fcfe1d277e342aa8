"""The ``preview`` reply: a plan as a per-file summary and a collapsed unified diff."""

from __future__ import annotations

from app.plan import Plan, unified_diff

MAX_PREVIEW_CHARS = 60_000  # GitHub refuses comments over 65,536 characters

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


def render_preview(plan: Plan) -> str:
    """A per-file summary and the collapsed unified diff of ``plan``."""
    summary = "\n".join(f"- `{f.path}`: {'; '.join(f.changes)}" for f in plan.files)
    diff = "".join("".join(unified_diff(f)) for f in plan.files).rstrip("\n")
    if len(diff) > MAX_PREVIEW_CHARS:
        diff = diff[:MAX_PREVIEW_CHARS] + PREVIEW_CUT
    count, minimum = len(plan.files), plan.policy.minimum
    return PREVIEW.format(count=count, minimum=minimum, summary=summary, diff=diff)
