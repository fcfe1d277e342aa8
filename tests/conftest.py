"""Fixed policies shared by the tests: the date is pinned, never read from the clock."""

from __future__ import annotations

from datetime import date

from rewriters.policy import Policy

TODAY = date(2026, 11, 26)
# Default on TODAY: 3.9 and 3.10 are past end-of-life, the new minimum is 3.11.
POLICY = Policy.for_date(TODAY)
# Pinned as a maintainer dropping only 3.9 would: new minimum 3.10.
POLICY_310 = Policy.for_date(TODAY, minimum="3.10")

from tests.fakes.github import fake_github  # noqa: E402, F401  (the fixture)
