"""One installation's budget under GitHub's limits, as pure rules over a small record.

``admit`` says whether a request may go now (and spends for it) or how long to wait;
``observe`` learns from an answer: the primary limit's ``x-ratelimit-*`` headers, and the
pause a ``403``/``429`` with ``retry-after`` or a rate-limit message imposes on every job of
the installation.  The record is plain JSON so any store can hold it between processes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any, NamedTuple

Record = dict[str, Any]

# GitHub: no more than 80 content-creating requests a minute and 500 an hour; molt keeps under.
DEFAULT_WINDOWS = "60/60,450/3600"
WRITES = frozenset({"POST", "PATCH", "PUT", "DELETE"})
RESERVE = 50  # primary requests kept for commands and pushes (a tenth of a smaller limit)
SPREAD_BELOW = 0.25  # below this share of the primary limit, requests are spread until the reset
SECONDARY_PAUSE = 60.0  # GitHub: without retry-after, wait at least a minute
_RATE_LIMIT_WORDS = ("secondary rate limit", "rate limit exceeded")


class Window(NamedTuple):
    """At most ``requests`` content-creating requests in any ``seconds``."""

    requests: int
    seconds: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    @property
    def burst(self) -> float:
        # A bucket holding b tokens and refilled at r lets b + r·T through in any T seconds:
        # a twentieth keeps every window of that length within 1.05 times ``requests``.
        return max(1.0, self.requests / 20)


def parse_windows(text: str) -> tuple[Window, ...]:
    """``"60/60,450/3600"`` → two windows: 60 a minute and 450 an hour."""
    windows = []
    for part in text.split(","):
        count, _, seconds = part.strip().partition("/")
        try:
            window = Window(int(count), float(seconds))
        except ValueError:
            window = Window(0, 0.0)
        if window.requests < 1 or window.seconds <= 0:
            raise ValueError(f"{part.strip()!r} is not COUNT/SECONDS, both positive")
        windows.append(window)
    return tuple(windows)


@dataclass
class Budget:
    """What the processes pacing one installation share."""

    paused_until: float = 0.0
    remaining: int | None = None  # primary limit, from the latest answer's headers
    limit: int | None = None
    reset: float = 0.0
    next_at: float = 0.0  # earliest start of the next request while spreading
    tokens: list[float] = field(default_factory=list)  # one bucket per window
    filled_at: float = 0.0

    @classmethod
    def load(cls, record: Record | None) -> Budget:
        # a record another version of molt wrote may lack fields or carry others
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (record or {}).items() if k in known})

    def dump(self) -> Record:
        return asdict(self)


def admit(budget: Budget, windows: tuple[Window, ...], write: bool, now: float) -> float:
    """Seconds to wait before a request; 0 means it may go now, and it has been spent for."""
    _refill(budget, windows, now)
    wait = budget.paused_until - now
    primary = budget.remaining is not None and budget.limit is not None and now < budget.reset
    spacing = 0.0
    if primary:
        assert budget.remaining is not None and budget.limit is not None
        reserve = min(RESERVE, budget.limit // 10)
        if budget.remaining <= reserve:
            wait = max(wait, budget.reset - now)
        elif budget.remaining < budget.limit * SPREAD_BELOW:
            spacing = (budget.reset - now) / (budget.remaining - reserve)
            wait = max(wait, budget.next_at - now)
    if write:
        for window, tokens in zip(windows, budget.tokens, strict=True):
            wait = max(wait, (1 - tokens) / window.rate)
    if wait > 0:
        return wait
    if write:
        budget.tokens = [tokens - 1 for tokens in budget.tokens]
    if primary and budget.remaining is not None:
        budget.remaining -= 1
        budget.next_at = now + spacing
    return 0.0


def observe(
    budget: Budget, status: int, headers: Mapping[str, str], message: str, now: float
) -> float | None:
    """Learn from an answer; returns the pause it imposed (until, epoch seconds), if any."""
    found = {key.lower(): value for key, value in headers.items()}
    if "x-ratelimit-remaining" in found and "x-ratelimit-reset" in found:
        budget.remaining = int(float(found["x-ratelimit-remaining"]))
        budget.reset = float(found["x-ratelimit-reset"])
        budget.limit = int(float(found.get("x-ratelimit-limit", budget.limit or 5000)))
    until = limit_ends(status, found, message, now)
    if until is not None:
        budget.paused_until = max(budget.paused_until, until)
        budget.tokens = [0.0 for _ in budget.tokens]  # resume content creation slowly
    return until


def limit_ends(status: int, headers: Mapping[str, str], message: str, now: float) -> float | None:
    """When the rate limit an answer reports ends (epoch seconds), or None when the answer
    reports none: ``retry-after``, else the primary limit's reset when it is spent, else a
    minute for a 429 or a secondary-limit message. A plain 403 is a missing permission."""
    if status not in (403, 429):
        return None
    found = {key.lower(): value for key, value in headers.items()}
    if "retry-after" in found:
        return now + float(found["retry-after"])
    if found.get("x-ratelimit-remaining") == "0":
        return max(float(found.get("x-ratelimit-reset", now + SECONDARY_PAUSE)), now)
    if status == 429 or any(words in message.lower() for words in _RATE_LIMIT_WORDS):
        return now + SECONDARY_PAUSE
    return None


def _refill(budget: Budget, windows: tuple[Window, ...], now: float) -> None:
    if len(budget.tokens) != len(windows):
        budget.tokens = [window.burst for window in windows]
    elapsed = max(now - budget.filled_at, 0.0)
    budget.tokens = [
        min(window.burst, tokens + elapsed * window.rate)
        for window, tokens in zip(windows, budget.tokens, strict=True)
    ]
    budget.filled_at = max(budget.filled_at, now)  # never back: that would refill twice
