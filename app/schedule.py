"""``schedule`` in ``.github/molt.yml``: the days on which a scan may open or regenerate a pull
request.

``daily`` is every day, ``weekly`` Mondays, ``monthly`` the 1st of the month (the job runner's
date, UTC on a server in UTC). Outside the window a scan changes nothing and no work is kept
waiting: the daily rescan runs on every day, so it runs inside the next window and does the
work then, from what GitHub holds that day. Commands are not scans and always run at once.
"""

from __future__ import annotations

from datetime import date, timedelta


def open_on(schedule: str, day: date) -> bool:
    """Whether ``day`` is inside ``schedule``'s window."""
    if schedule == "weekly":
        return day.weekday() == 0
    if schedule == "monthly":
        return day.day == 1
    return True


def next_window(schedule: str, day: date) -> date:
    """The first day from ``day`` on that is inside ``schedule``'s window."""
    while not open_on(schedule, day):
        day += timedelta(days=1)
    return day
