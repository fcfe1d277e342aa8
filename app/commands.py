"""Comment commands: take the ``@molt-bot …`` lines of a comment, check who asks, act, reply.

A comment may hold several commands, one per line, each line starting with the App's mention
(``@<slug>``, from ``GET /app``); lines quoted with ``>`` or inside code blocks are not
commands. Only users with write, maintain or admin permission may command; others get one
reply saying so. Every accepted comment gets an ``eyes`` reaction, then one reply.
Reading is ``command_parsing``'s, access ``permissions``'s, the diff reply ``preview``'s.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from app import publish, pull_request, upgrade
from app.command_parsing import BOX, Command, Request, is_bot, parse
from app.errors import GitHubError
from app.github import Pull, Repository
from app.outcome import Done, Outcome
from app.permissions import Permissions
from app.preview import render_preview
from app.publish import Steer
from app.pull_request import Overrides
from rewriters.policy import Policy, UnknownVersion
from rewriters.versions import Minor

if TYPE_CHECKING:
    from app.package_index import PackageIndex

NOT_ALLOWED = (
    "Sorry @{author}, only people with write access to this repository can give molt "
    "commands. A maintainer can comment the command for you."
)
UNKNOWN = "`{mention} {word}` is not a command molt knows. These are:\n\n{table}"
NOT_MOLT_PULL = (
    "`{mention} {name}` works only on molt's pull request. Here, molt understands "
    "`{mention} preview`, `{mention} open` and `{mention} help`."
)
MERGED = "This pull request is merged; there is nothing left to {name}."
CLOSED = (
    "This pull request is closed, so molt did not {name} it. Comment `{mention} unignore` to "
    "reopen it, or `{mention} recreate` to regenerate it from scratch."
)
IGNORED = (
    "Closed. molt will not reopen this pull request for Python {minimum}; comment "
    "`{mention} unignore` to undo."
)
ALREADY_CLOSED = "This pull request is already closed; molt will not reopen it."
NOT_IGNORED = "This pull request is open; there is nothing to unignore."
BAD_VERSION = (
    "`{argument}` is not a released CPython version; write it as in `{mention} {name} 3.12`."
)
KEEP_NOT_DROPPED = "Python {version} is not dropped by this pull request; there is nothing to keep."
MINIMUM_NOTHING = (
    "With Python {minimum} as the minimum there is nothing to change: this repository supports "
    "no older version."
)
NOTHING_TO_PREVIEW = "molt would change nothing in this repository."
FAILED = (
    "molt could not carry out `{command}`: {error}. It tried {tries} times; comment the command "
    "again to retry."
)
UNEXPECTED = "an unexpected error (molt's log has the details)"
# The reply to a command, per outcome; BLOCKED's is publish.BLOCKED.
REPLIES: Mapping[Outcome, str] = {
    Outcome.OPENED: "Done: opened #{number}.",
    Outcome.UPDATED: "Done: regenerated #{number} on top of the default branch.",
    Outcome.REOPENED: "Done: reopened and regenerated #{number}.",
    Outcome.RETARGETED: "Done: opened #{number} for the new minimum and closed the previous one.",
    Outcome.UP_TO_DATE: "Nothing to do: #{number} is open and up to date.",
    Outcome.CLOSED: "Nothing is left to change, so molt closed #{number}.",
    Outcome.NOTHING: "Nothing to change: this repository supports no end-of-life Python.",
    Outcome.IGNORED: (
        "#{number} was closed without merging, so molt leaves it closed. Comment "
        "`{mention} unignore` there to reopen it."
    ),
    Outcome.SKIPPED: (
        "molt does not upgrade this repository: it is archived, a fork, empty, or has no file "
        "molt knows."
    ),
    Outcome.INVALID_CONFIG: (
        "`.github/molt.yml` is invalid; the failed `molt` check on the default branch says why."
    ),
    Outcome.UNREADABLE: (
        "The file that declares the minimum Python does not parse, so molt changes nothing; "
        "the failed `molt` check on the default branch says where."
    ),
}


class Context(NamedTuple):
    """What a command acts on."""

    repo: Repository
    request: Request
    today: date
    login: str
    pull: Pull | None  # the pull request commented on, when it is molt's
    package_index: PackageIndex | None = None  # for the dependency check and the lock files

    @property
    def mention(self) -> str:
        return pull_request.mention(self.login)


_MOLT_BRANCH = re.compile(r"python-(\d\.\d{1,2})$")


def accept(
    repo: Repository, request: Request, login: str, permissions: Permissions
) -> tuple[Command, ...]:
    """The commands to act on: none when there are none or the author may not command."""
    commands = BOX if request.comment_id is None else tuple(parse(request.text, login))
    if not commands:
        return ()
    if not permissions.may_command(repo, request.author):
        repo.comment(request.number, NOT_ALLOWED.format(author=request.author))
        if request.comment_id is None:
            _untick(repo, request.number)
        return ()
    if request.comment_id is not None:
        repo.react(request.comment_id, "eyes")
    return commands


def act(
    repo: Repository,
    request: Request,
    commands: tuple[Command, ...],
    today: date,
    login: str,
    package_index: PackageIndex | None = None,
) -> None:
    """Carry out accepted commands, then reply once in the thread."""
    pull = repo.get_pull(request.number)
    ours = pull if pull is not None and _is_molts(pull) else None
    replies = []
    for index, command in enumerate(commands):
        if index and ours is not None:  # the command before may have changed it
            ours = repo.get_pull(request.number)
        replies.append(_act(Context(repo, request, today, login, ours, package_index), command))
    repo.comment(request.number, "\n\n".join(replies))
    if request.comment_id is None:
        _untick(repo, request.number)  # the rebase rewrote the body, unless it could not


def _untick(repo: Repository, number: int) -> None:
    pull = repo.get_pull(number)
    if pull is not None and pull_request.box_ticked(pull.body):
        repo.update_pull(number, body=pull_request.untick(pull.body))


def failed(commands: tuple[Command, ...], login: str, error: Exception, tries: int) -> str:
    """The reply when GitHub kept failing until the retries ran out."""
    shown = "; ".join(
        f"{pull_request.mention(login)} {c.name} {c.argument}".strip() for c in commands
    )
    reason = str(error) if isinstance(error, GitHubError) else UNEXPECTED
    return FAILED.format(command=shown, error=reason, tries=tries)


def _is_molts(pull: Pull) -> bool:
    branch = _MOLT_BRANCH.search(pull.head_ref)
    return pull.own_head and branch is not None and pull_request.MARKER in pull.body


def _act(context: Context, command: Command) -> str:
    if command.name == "help":
        return pull_request.command_help(context.login)
    if command.name == "preview":
        return _preview(context)
    if command.name == "open":
        return _steer(context, Steer(command=True, reopen=True), pull=None)
    if command.name not in _ON_PULL:
        word = f"{command.name} {command.argument}".strip()
        table = pull_request.command_help(context.login)
        return UNKNOWN.format(mention=context.mention, word=word, table=table)
    if context.pull is None:
        return NOT_MOLT_PULL.format(mention=context.mention, name=command.name)
    if context.pull.merged:
        return MERGED.format(name=command.name)
    return _ON_PULL[command.name](context, command)


def _reply(context: Context, done: Done) -> str:
    if done.outcome is Outcome.BLOCKED:
        assert done.branch is not None  # publish names the branch it left alone
        return publish.blocked(done.branch, context.login, on_pull=done.number is not None)
    return REPLIES[done.outcome].format(number=done.number, mention=context.mention)


def _run(
    context: Context, how: Steer, *, pull: Pull | None, chosen: Overrides | None = None
) -> Done:
    target, today = context.request.target, context.today
    return upgrade.steer(
        context.repo,
        target,
        today,
        how,
        pull=pull,
        chosen=chosen,
        login=context.login,
        index=context.package_index,
    )


def _steer(
    context: Context, how: Steer, *, pull: Pull | None, chosen: Overrides | None = None
) -> str:
    return _reply(context, _run(context, how, pull=pull, chosen=chosen))


def _closed(context: Context, command: Command) -> str | None:
    assert context.pull is not None
    if context.pull.state == "open":
        return None
    return CLOSED.format(name=command.name, mention=context.mention)


def _rebase(context: Context, command: Command) -> str:
    how = Steer(command=True, force=True)
    return _closed(context, command) or _steer(context, how, pull=context.pull)


def _recreate(context: Context, command: Command) -> str:
    how = Steer(command=True, force=True, overwrite=True, reopen=True)
    return _steer(context, how, pull=context.pull)


def _ignore(context: Context, command: Command) -> str:
    pull = context.pull
    assert pull is not None
    if pull.state != "open":
        return ALREADY_CLOSED
    context.repo.update_pull(pull.number, state="closed")
    return IGNORED.format(minimum=_minimum_of(pull), mention=context.mention)


def _unignore(context: Context, command: Command) -> str:
    assert context.pull is not None
    if context.pull.state == "open":
        return NOT_IGNORED
    return _steer(context, Steer(command=True, force=True, reopen=True), pull=context.pull)


def _version(context: Context, command: Command) -> Minor | str:
    """The command's ``X.Y``, or the reply saying it is not a released CPython minor."""
    bad = BAD_VERSION.format(argument=command.argument, mention=context.mention, name=command.name)
    try:
        version = Minor.parse(command.argument)
        Policy.for_date(context.today, str(version))
    except (ValueError, UnknownVersion):
        return bad
    return version


def _minimum(context: Context, command: Command) -> str:
    assert context.pull is not None
    version = _version(context, command)
    if isinstance(version, str):
        return version
    closed = _closed(context, command)
    if closed:
        return closed
    chosen = pull_request.overrides(context.pull.body)._replace(minimum=version)
    done = _run(context, Steer(command=True, force=True), pull=context.pull, chosen=chosen)
    if done.outcome is Outcome.NOTHING:
        return MINIMUM_NOTHING.format(minimum=version)
    return _reply(context, done)


def _keep(context: Context, command: Command) -> str:
    pull = context.pull
    assert pull is not None
    version = _version(context, command)
    if isinstance(version, str):
        return version
    if version >= _minimum_of(pull):
        return KEEP_NOT_DROPPED.format(version=version)
    chosen = pull_request.overrides(pull.body)
    chosen = chosen._replace(keep=chosen.keep | {version})
    how = Steer(command=True, force=True)
    return _closed(context, command) or _steer(context, how, pull=pull, chosen=chosen)


def _modernise(context: Context, command: Command) -> str:
    pull = context.pull
    assert pull is not None
    chosen = pull_request.overrides(pull.body)._replace(modernise=True)
    how = Steer(command=True, force=True)
    return _closed(context, command) or _steer(context, how, pull=pull, chosen=chosen)


def _minimum_of(pull: Pull) -> Minor:
    """The target of a molt pull request, from its branch name (``molt/python-3.11``)."""
    return Minor.parse(pull.head_ref.rpartition("python-")[2])  # _is_molts checked the shape


def _preview(context: Context) -> str:
    chosen = pull_request.overrides(context.pull.body) if context.pull else Overrides()
    target, index = context.request.target, context.package_index
    result = upgrade.preview(context.repo, target, context.today, chosen, index=index)
    if isinstance(result, Outcome):
        return _reply(context, Done(result))
    planned, dependencies = result
    if not planned.files:
        return NOTHING_TO_PREVIEW
    return render_preview(planned, dependencies)


_ON_PULL: Mapping[str, Callable[[Context, Command], str]] = {
    "rebase": _rebase,
    "recreate": _recreate,
    "ignore": _ignore,
    "unignore": _unignore,
    "minimum": _minimum,
    "keep": _keep,
    "modernise": _modernise,
    "modernize": _modernise,
}


__all__ = [
    "Command",
    "Permissions",
    "Request",
    "accept",
    "act",
    "failed",
    "is_bot",
    "parse",
    "render_preview",
]
