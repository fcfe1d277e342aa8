"""Reading comments: which lines are ``@molt-bot`` commands, and which authors are bots."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from app.outcome import Target


class Request(NamedTuple):
    """A comment (or a ticked check-box) that may hold commands, as the webhook gave it."""

    target: Target
    number: int  # the issue or pull request
    comment_id: int | None  # None for the check-box, which has no comment to react to
    text: str
    author: str


class Command(NamedTuple):
    """One command line: ``@molt-bot keep 3.10`` → ("keep", "3.10")."""

    name: str
    argument: str


BOX = (Command("rebase", ""),)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def is_bot(user: Mapping[str, Any]) -> bool:
    """Bots never command molt, so two bots cannot talk each other into a loop."""
    return user.get("type") == "Bot" or str(user.get("login", "")).endswith("[bot]")


def parse(text: str, login: str) -> list[Command]:
    """Commands addressed to ``@login``, one per line; quotes and code blocks are skipped."""
    line_re = re.compile(rf"^[ \t]*@{re.escape(login)}[ \t]+(\S+)(.*)$", re.IGNORECASE)
    found, fence = [], ""
    for line in text.splitlines():
        opening = _FENCE.match(line)
        if opening and (not fence or opening[1].startswith(fence)):
            fence = "" if fence else opening[1]
            continue
        if fence or line.lstrip().startswith(">") or line.startswith(("    ", "\t")):
            continue
        match = line_re.match(line)
        if match:
            found.append(Command(match[1].lower().rstrip(".!,:;"), match[2].strip()))
    return found
