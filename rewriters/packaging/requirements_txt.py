"""Hand-written requirements files: a requirement no kept Python installs goes.

At minimum 3.9, httpx's ``trustme==1.1.0; python_version < '3.9'`` goes and its other half,
``trustme==1.2.0; python_version >= '3.9'``, loses the marker, as in setup.cfg and
pyproject.toml. A lone marker that is now always true stays, with a note. Generated files
(a header that says so, by the rule every file kind shares in ``rewriters.repository.scope``,
or ``--hash`` pins) are lock files: molt never edits them, and
``rewriters.repository.lockfiles`` says how to regenerate them.
"""

from __future__ import annotations

import re

from rewriters.policy import Policy
from rewriters.repository.scope import generated
from rewriters.result import Edit, Record, Rewrite
from rewriters.specifiers import (
    dead_projects,
    marker_fate,
    marker_goes,
    marker_version,
    without_marker,
)

LINE_RE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")
# pip reads "#" as a comment at the start of a line or after a blank
COMMENT_RE = re.compile(r"(?:^|[ \t])#.*")


def rewrite(text: str, policy: Policy) -> Rewrite | None:
    """Remove requirements for dropped Pythons only; unmark their now-unconditional twins."""
    # a generated header, or pins with hashes: a lock file (``rewriters.repository.lockfiles``)
    if generated(text) or "--hash" in text:
        return None
    found = list(_requirements(text))
    dead = dead_projects((requirement for _, _, requirement in found), policy.minimum)
    record = Record()
    for start, line, requirement in found:
        fate = marker_fate(requirement, policy.minimum)
        if fate is not None and policy.drops(named := marker_version(requirement)):
            record.dropped.add(named)
        if fate is False:
            record.edits.append(Edit(start, start + len(line), ""))
            record.changes.append(f"removed {requirement.strip()}")
        elif fate and marker_goes(requirement, policy, dead):
            kept = without_marker(requirement)
            record.edits.append(Edit(start + len(kept), start + len(requirement), ""))
            record.changes.append(f"{requirement.strip()} → {kept.strip()}")
        elif fate:
            record.notes.append(
                f"the python_version marker of {requirement.strip()!r} is always true now; "
                "drop it by hand if it only documented the old range"
            )
    return record.finish(text, lambda new: None)


def _requirements(text: str) -> list[tuple[int, str, str]]:
    """Each requirement line: its offset, the whole line and the requirement without its
    comment. Options (``-r``, ``--index-url``) and continued lines are not requirements."""
    found = []
    continued = False
    for match in LINE_RE.finditer(text):
        line = match.group()
        body = line.rstrip("\r\n")
        requirement = COMMENT_RE.sub("", body).rstrip()
        was_continued, continued = continued, requirement.endswith("\\")
        option = requirement.lstrip().startswith("-")
        if requirement and not was_continued and not continued and not option:
            found.append((match.start(), line, requirement))
    return found
