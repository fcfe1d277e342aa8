"""``molt open-pr OWNER/REPO --token``: the App's flow for one repository, without an App."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from app import github as gh
from app import upgrade

if TYPE_CHECKING:
    from app.package_index import PackageIndex


def open_pr(
    full_name: str, token: str, base_url: str, today: date, index: PackageIndex | None = None
) -> str:
    """Run the upgrade on one repository with a user token; say what happened. With an
    ``index``, pins are checked and lock files regenerated against it, as the App does."""
    client = gh.client_for_token(token, base_url)
    target = gh.describe_repository(client, full_name)
    outcome = upgrade.run(gh.Repository(client, full_name), target, today, index=index)
    return f"{full_name}: {outcome.value}"
