"""Who may command molt: repository permission per user, asked of GitHub and kept briefly."""

from __future__ import annotations

import time
from collections.abc import Callable

from app.github import Repository
from app.memory import LRU

WRITERS = frozenset({"admin", "maintain", "write"})
PERMISSION_TTL_SECONDS = 60.0
PERMISSIONS_MAX = 10_000  # (repository, user) pairs kept


class Permissions:
    """Repository permission per user, asked of GitHub and kept briefly (and at most
    ``maximum`` of them)."""

    def __init__(
        self,
        ttl: float = PERMISSION_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        maximum: int = PERMISSIONS_MAX,
    ) -> None:
        self._ttl, self._clock = ttl, clock
        self._seen = LRU[tuple[str, str], tuple[str, float]](maximum)

    def may_command(self, repo: Repository, login: str) -> bool:
        """Whether ``login`` has write, maintain or admin permission on ``repo``."""
        key = (repo.full_name.lower(), login.lower())
        hit = self._seen.get(key)
        if hit is None or self._clock() - hit[1] >= self._ttl:
            hit = (repo.permission(login), self._clock())
            self._seen.put(key, hit)
        return hit[0] in WRITERS
