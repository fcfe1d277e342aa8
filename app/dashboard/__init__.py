"""The organisation's migration at a glance: sign-in with GitHub, the dashboard page, and the
optional tracking issue.

``states`` is what each repository's last job found, ``store`` keeps it (SQLite or Redis),
``record`` turns a job's outcome into a state, ``oauth`` and ``sessions`` sign visitors in,
``view`` shapes what the page shows, ``page`` serves it, ``tracking_issue`` keeps the issue.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi import APIRouter

from app.dashboard.page import Dashboard
from app.dashboard.record import Recorder
from app.dashboard.states import RepoState, State
from app.dashboard.store import StateStore, open_store
from app.settings import Settings

__all__ = ["Dashboard", "Recorder", "RepoState", "State", "StateStore", "open_store", "router"]


def router(
    settings: Settings, store: StateStore, today: Callable[[], date] = date.today
) -> APIRouter:
    """The dashboard's routes (``GET /``, sign-in and sign-out) over ``store``."""
    return Dashboard(settings, store, today).router()
