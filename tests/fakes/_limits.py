"""GitHub's rate limits as the fake enforces them: the primary budget, the secondary limit, latency.

Every caller has its own budget, as on GitHub: an installation token spends its installation's,
any other token its user's (the App's JWT the App's); ``_auth.caller`` says whose. GraphQL has
a budget of its own.
"""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field
from typing import NamedTuple

HOUR, MINUTE = 3600, 60
_WRITES = frozenset({"POST", "PATCH", "PUT", "DELETE"})  # GitHub's "content-creating" requests


class Caller(NamedTuple):
    key: str  # whose budget: "installation:1", "user:alice"
    name: str  # how GitHub's message names it: "installation ID 1", "user ID 42"


@dataclass
class Bucket:
    used: int
    reset: int  # epoch seconds, when ``used`` starts again from zero


@dataclass
class Limits:
    """The knobs (see the fake's module docstring) and what they have counted so far."""

    primary: int = 5000  # requests per window per installation or user
    window: int = HOUR  # seconds; shorter lets a test live through a reset
    secondary: tuple[int, int] | None = None  # content-creating requests per minute, per hour
    latency: float = 0.0  # seconds added to every answer
    secondary_responses: int = 0  # how many requests met the secondary limit
    _buckets: dict[tuple[str, str], Bucket] = field(default_factory=dict)
    _writes: dict[str, deque[float]] = field(default_factory=dict)

    def bucket(self, caller: Caller, resource: str) -> Bucket:
        """The caller's budget for ``core`` or ``graphql``, starting a new window when one ends."""
        now = int(time.time())
        found = self._buckets.get((caller.key, resource))
        if found is None or found.reset <= now:
            found = self._buckets[(caller.key, resource)] = Bucket(0, now + self.window)
        return found

    def headers(self, caller: Caller, resource: str) -> dict[str, str]:
        found = self.bucket(caller, resource)
        remaining = max(self.primary - found.used, 0)
        headers = {"X-RateLimit-Limit": str(self.primary), "X-RateLimit-Remaining": str(remaining)}
        headers |= {"X-RateLimit-Reset": str(found.reset), "X-RateLimit-Used": str(found.used)}
        return headers | {"X-RateLimit-Resource": resource}

    def exhausted(self, caller: Caller, resource: str) -> bool:
        return self.bucket(caller, resource).used >= self.primary

    def secondary_wait(self, caller: Caller, method: str) -> int | None:
        """Seconds to wait if this write would pass the secondary limit; else count it, None."""
        if self.secondary is None or method not in _WRITES:
            return None
        now = time.monotonic()
        writes = self._writes.setdefault(caller.key, deque())
        while writes and writes[0] <= now - HOUR:
            writes.popleft()
        per_minute, per_hour = self.secondary
        last_minute = [t for t in writes if t > now - MINUTE]
        waits = []
        if len(last_minute) >= per_minute:
            waits.append(last_minute[-per_minute] + MINUTE - now)
        if len(writes) >= per_hour:
            waits.append(writes[-per_hour] + HOUR - now)
        if waits:
            self.secondary_responses += 1
            return max(1, math.ceil(max(waits)))
        writes.append(now)
        return None
