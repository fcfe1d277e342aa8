"""The opt-in tracking issue: one issue with the dashboard's table in Markdown, edited in place.

An organisation opts in with ``tracking_issue: OWNER/REPO`` in the ``.github/molt.yml`` of its
``.github`` repository (the repository GitHub already reads organisation-wide defaults from);
the key is ignored in every other repository. molt finds its issue again by the number it
stored or, when the store was lost, by the marker in the body: never a second issue.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from datetime import date

from app import github as gh
from app import repo_config
from app.dashboard import view
from app.dashboard.states import DONE, RepoState, State
from app.dashboard.store import StateStore
from app.errors import ConfigError
from app.github.issues import create_issue, edit_issue, find_issue, read_file

log = logging.getLogger(__name__)

CONFIG_REPOSITORY = ".github"
MARKER = "<!-- molt: tracking issue -->"
TITLE = "Python migration: {account}"
INTRO = (
    "molt keeps this issue up to date after each scan of {account}'s repositories; "
    "edits to it are overwritten."
)
HEADER = (
    "| Repository | State | Oldest Python | Pull request | Last checked |\n"
    "| --- | --- | --- | --- | --- |"
)
NONE = "\N{EN DASH}"


def configured(client: gh.Client, account: str) -> str | None:
    """``OWNER/REPO`` from the account's ``.github`` repository's config, if it names one."""
    text = read_file(client, f"{account}/{CONFIG_REPOSITORY}", repo_config.PATH)
    if text is None:
        return None
    try:
        return repo_config.parse(text).tracking_issue
    except ConfigError as error:
        log.warning("%s/%s: %s", account, CONFIG_REPOSITORY, error)
        return None


def body(account: str, states: Sequence[RepoState], today: date, web: str) -> str:
    """The issue's text: counts, progress, the coming end-of-life dates and the table."""
    counts = Counter(state.state for state in states)
    python = len(states) - counts[State.NO_PYTHON]
    done = sum(counts[state] for state in DONE)
    summary = ", ".join(f"{state.value}: {counts[state]}" for state in State if counts[state])
    lines = [
        MARKER,
        INTRO.format(account=account),
        "",
        f"**{done} of {python}** Python repositories are off end-of-life Pythons. {summary}.",
        "",
        "Coming end-of-life dates:",
        "",
    ]
    for eol in view.calendar(states, today):
        many = str(eol.exact) if eol.exact == eol.at_most else f"{eol.exact} to {eol.at_most}"
        lines.append(f"- Python {eol.version} on {eol.day.isoformat()}: {many} still support it")
    lines += ["", HEADER]
    lines += [_row(state, web) for state in states]
    return "\n".join(lines) + "\n"


def _row(state: RepoState, web: str) -> str:
    what = state.state.value + (f": {state.reason}" if state.reason else "")
    oldest = state.oldest or (f"≥ {state.floor}" if state.floor else NONE)
    pull = f"[#{state.pull_number}]({web}/{state.full_name}/pull/{state.pull_number})"
    if state.pull_number is None:
        pull = NONE
    elif state.ci:
        pull += f" CI {state.ci}"
    checked = state.checked_at.date().isoformat()
    return f"| {state.full_name} | {what} | {oldest} | {pull} | {checked} |"


def keep(
    client: gh.Client, store: StateStore, installation_id: int, today: date, web: str
) -> int | None:
    """Create or edit the installation's tracking issue; its number, or None when not opted in."""
    states = store.installation(installation_id)
    if not states:
        return None
    account = states[0].full_name.split("/", 1)[0]
    config_repository = f"{account}/{CONFIG_REPOSITORY}".lower()
    if not any(state.full_name.lower() == config_repository for state in states):
        return None  # not installed there: nothing to read (a request saved per scan)
    repository = configured(client, account)
    if repository is None:
        return None
    text = body(account, states, today, web)
    issue = find_issue(client, repository, MARKER, store.tracking_issue(repository))
    if issue is None:
        issue = create_issue(client, repository, TITLE.format(account=account), text)
        log.info(
            "opened tracking issue #%d", issue.number, extra=_extra(installation_id, repository)
        )
    elif issue.body != text:
        edit_issue(client, repository, issue.number, body=text)
        log.info(
            "updated tracking issue #%d", issue.number, extra=_extra(installation_id, repository)
        )
    store.set_tracking_issue(repository, issue.number)
    return issue.number


def _extra(installation_id: int, repository: str) -> dict[str, object]:
    """What every line a job logs names (a scan's follow-up has no delivery of its own)."""
    return {"delivery_id": None, "installation_id": installation_id, "repo": repository}
