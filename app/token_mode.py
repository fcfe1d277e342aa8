"""``molt open-pr OWNER/REPO --token``: the App's flow for one repository, without an App."""

from __future__ import annotations

from datetime import date

from app import github as gh
from app import upgrade


def open_pr(full_name: str, token: str, base_url: str, today: date) -> str:
    """Run the upgrade on one repository with a user token; say what happened."""
    client = gh.client_for_token(token, base_url)
    target = gh.describe_repository(client, full_name)
    outcome = upgrade.run(gh.Repository(client, full_name), target, today)
    return f"{full_name}: {outcome.value}"
