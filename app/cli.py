"""The ``molt`` command: preview or apply on a checkout; register, serve, worker; open-pr."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeAlias
from urllib.parse import urlsplit

from app import checkout, pull_request, repo_config
from app.errors import ConfigError, GitHubError, MoltError, SettingsError
from app.plan import FileChange, Plan, plan, scripts_to_read, settle_unparsable, unified_diff
from app.repo_config import RepoConfig
from rewriters import Policy

if TYPE_CHECKING:
    from app.modernise import Modernisation
    from app.package_index import PackageIndex
    from app.settings import IndexLocation, Settings

DESCRIPTION = (
    "Move Python repositories off end-of-life Pythons: preview or apply the change on a "
    "checkout, or run the GitHub App that opens one pull request per repository."
)
EPILOG = (
    "Run 'molt COMMAND --help' for a command's options and their defaults. The '@molt-bot ...' "
    "commands are comments on molt's pull requests, not commands of this program: see the README."
)
NOTHING_TO_DO = "Nothing to change: no file under {path} supports a Python older than {minimum}."
APPLIED = "Rewrote {count} file(s) under {path}; Python {minimum} is now the minimum."
BY_HAND = "Left to do by hand:"
APPLIED_SKIPPING = (
    "Python {minimum} under {path}: {count} file(s) changed, {skipped} file(s) skipped."
)
PREVIEW_SKIPPING = (
    "Python {minimum} under {path}: {count} file(s) would be changed, {skipped} file(s) skipped."
)
SKIPPED = "molt: skipped {path}: {reason}"
DIFF_HEADING = "==> diff: {count} file(s) <=="
PULL_REQUEST_HEADING = "==> pull request: {branch} <=="
MODERNISE_HEADING = "==> modernisation, a second commit: {count} file(s) <=="
MODERNISED = "Modernised {count} file(s) for Python {minimum}: {places}."
COLOURS = {"+": "\033[32m", "-": "\033[31m", "@": "\033[36m"}
RESET = "\033[0m"
# what ``add_subparsers`` returns, as typeshed spells it
_Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


class _Stop(Exception):
    """Ends the command with ``message`` on stderr and exit status ``code``."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


class _Formatter(argparse.HelpFormatter):
    """Help that names each option's default, when it has one worth naming."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        shown = action.option_strings and action.default not in (None, False, argparse.SUPPRESS)
        return f"{text} (default: %(default)s)" if shown and "default:" not in text else text


def _version() -> str:
    from importlib import metadata  # only --version needs it: kept off every run's start-up

    try:
        return metadata.version("molt-bot")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


class _VersionAction(argparse.Action):
    """``--version``, looking the version up only when asked (argparse's own action wants it
    when the parser is built, and importlib.metadata is a tenth of a run's start-up)."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        sys.stdout.write(f"molt {_version()}\n")
        parser.exit()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="molt", description=DESCRIPTION, epilog=EPILOG, formatter_class=_Formatter
    )
    parser.add_argument("--version", action=_VersionAction, help="print molt's version")
    commands = parser.add_subparsers(
        title="commands", dest="command", required=True, metavar="COMMAND"
    )
    _checkout_commands(commands)
    _app_commands(commands)
    return parser


def _add(commands: _Commands, name: str, text: str) -> argparse.ArgumentParser:
    return commands.add_parser(name, help=text, description=text, formatter_class=_Formatter)


def _checkout_commands(commands: _Commands) -> None:
    for name, text in (
        ("preview", "Print the diff and the pull request molt would open; change nothing."),
        ("apply", "Rewrite the checkout in place, as the pull request would."),
    ):
        command = _add(commands, name, text)
        command.add_argument("path", type=Path, help="a checkout of the repository")
        command.add_argument(
            "--min-python",
            metavar="X.Y",
            help="the new minimum, a released CPython 3 minor (default: 'minimum' in "
            ".github/molt.yml, else the oldest CPython not past end-of-life today)",
        )
        config = command.add_mutually_exclusive_group()
        config.add_argument(
            "--config",
            metavar="PATH",
            type=Path,
            help="read molt's settings from this file (default: .github/molt.yml in the "
            "checkout, as the App does)",
        )
        config.add_argument(
            "--no-config", action="store_true", help="ignore .github/molt.yml: use the defaults"
        )
        command.add_argument(
            "--modernise",
            action="store_true",
            help="also rewrite the Python files for the new minimum with ruff: dead version "
            "branches, fallback imports and typing_extensions names go, as the App's second "
            "commit (default: 'modernise' in .github/molt.yml)",
        )
        command.add_argument(
            "--strict",
            action="store_true",
            help="exit with status 1 when a file could not be read or parsed",
        )
        command.add_argument(
            "--check-dependencies",
            action="store_true",
            help="check every pin against the package index ($MOLT_INDEX_URL, else PyPI; "
            "answers cached in $MOLT_DATA_DIR): move pins that do not install on the new "
            "minimum, list backports, held-back upgrades and the last release",
        )
        command.add_argument(
            "--lock",
            action="store_true",
            help="regenerate lock files (uv.lock, poetry.lock, pdm.lock, compiled requirements) "
            "with their own tools against the package index ($MOLT_INDEX_URL, else PyPI), "
            "as the App does",
        )


GITHUB_URL_HELP = "GitHub's API URL (default: $MOLT_GITHUB_URL, else https://api.github.com)"


def _register_command(commands: _Commands) -> None:
    register = _add(
        commands, "register", "Create the GitHub App from app.yml on GitHub; write .env."
    )
    register.add_argument(
        "--webhook-url",
        required=True,
        metavar="URL",
        help="the public URL GitHub sends webhooks to, ending in /webhook: your server's, "
        "or a tunnel's to this machine",
    )
    register.add_argument(
        "--org", metavar="ORG", help="create the App in this organisation (default: your account)"
    )
    register.add_argument("--name", help="the App's name, unique on GitHub (default: app.yml's)")
    register.add_argument(
        "--app-yml", metavar="PATH", type=Path, default=Path("app.yml"), help="the App manifest"
    )
    register.add_argument(
        "--env-file",
        metavar="PATH",
        type=Path,
        default=Path(".env"),
        help="where to write the settings; the private key goes beside it",
    )
    register.add_argument(
        "--port", type=int, default=8000, help="port of the registration page on 127.0.0.1"
    )
    register.add_argument("--github-url", metavar="URL", help=GITHUB_URL_HELP)


def _app_commands(commands: _Commands) -> None:
    _register_command(commands)
    serve = _add(commands, "serve", "Run the GitHub App: the webhook server and a queue worker.")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on; 0.0.0.0 for every interface"
    )
    serve.add_argument("--port", type=int, default=8000, help="port to listen on")
    _add(
        commands,
        "worker",
        "Run more queue workers beside 'molt serve' (with Redis, on other machines too).",
    )
    open_pr = _add(
        commands, "open-pr", "Open the pull request on one repository with a token, no App."
    )
    open_pr.add_argument("repository", metavar="OWNER/REPO", help="the repository")
    open_pr.add_argument(
        "--token",
        help="a GitHub token that may write contents, pull requests and workflows "
        "(default: $GITHUB_TOKEN)",
    )
    open_pr.add_argument("--github-url", metavar="URL", help=GITHUB_URL_HELP)
    open_pr.add_argument(
        "--check-dependencies",
        action="store_true",
        help="check every pin against the package index ($MOLT_INDEX_URL, else PyPI) and "
        "regenerate lock files against it, as the App does",
    )


# --- preview and apply ------------------------------------------------------------------


def _config(root: Path, args: argparse.Namespace) -> tuple[RepoConfig, str]:
    """The settings the App would read, and how to name their file in messages."""
    if args.no_config:
        return RepoConfig(), ""
    path = args.config or root / repo_config.PATH
    if args.config is None and not path.is_file():
        return RepoConfig(), str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise _Stop(2, f"molt: --config {path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise _Stop(2, f"molt: {path}: cannot be read ({type(error).__name__})") from None
    try:
        return repo_config.parse(text, str(path)), str(path)
    except ConfigError as error:
        raise _Stop(2, f"molt: {error}") from None


def _policy(args: argparse.Namespace, config: RepoConfig, config_path: str) -> Policy:
    today = date.today()
    minimum, source = args.min_python, f"--min-python {args.min_python}"
    if minimum is None:
        minimum, source = config.minimum, f"{config_path}: minimum {config.minimum}"
    if minimum is not None:
        try:
            repo_config.check_minimum(minimum, today)
        except ValueError as error:
            raise _Stop(2, f"molt: {source}: {error}") from None
    return Policy.for_date(today, minimum)


def _plan_for(
    root: Path, config: RepoConfig, policy: Policy, index: PackageIndex | None = None
) -> tuple[Plan, str, dict[str, str]]:
    """What the App would do to this checkout with this config: same files, same rules; with
    an ``index``, the dependencies checked too (their pull request section comes back). The
    files read come back too, for the lock files."""
    paths = checkout.all_paths(root)
    wanted = [p for p in paths if p != repo_config.PATH and not config.ignores(p)]
    files, unreadable = checkout.read_files(root, wanted)
    # the scripts CI runs: read after the CI files that name them; one that is not text is
    # none of molt's business, so not reported
    scripts, _ = checkout.read_files(root, scripts_to_read(files, paths, config.ignores), bool)
    files |= scripts
    result = plan(files, policy, paths=paths, changelog_entry=config.add_changelog_entry)
    result = settle_unparsable(
        result._replace(skipped=tuple(sorted([*unreadable, *result.skipped])))
    )
    if index is None or not result.files:
        return result, "", files
    from app import dependencies

    result, report = dependencies.check_checkout(root, result, files, wanted, index)
    return result, report.body_section(), files


def _modernised(root: Path, config: RepoConfig, result: Plan) -> Modernisation:
    """What the App's second commit would change after ``result`` (``--modernise``)."""
    from app import modernise

    paths = [p for p in checkout.all_paths(root) if not config.ignores(p)]
    files, _ = checkout.read_files(root, paths)
    sources, unreadable = checkout.read_files(root, paths, select=modernise.touches)
    found = modernise.for_plan(result, sources, files)
    return found._replace(skipped=tuple(sorted([*unreadable, *found.skipped])))


def _write_modernised(modernised: Modernisation, out: TextIO, err: TextIO) -> None:
    for skip in modernised.skipped:
        err.write(SKIPPED.format(path=skip.path, reason=skip.reason) + "\n")
    if modernised.files:
        colour = out.isatty() and not os.environ.get("NO_COLOR")
        out.write(MODERNISE_HEADING.format(count=len(modernised.files)) + "\n")
        _write_diff(modernised.files, out, colour)


def _index(args: argparse.Namespace) -> AbstractContextManager[PackageIndex | None]:
    """The package index for ``--check-dependencies``, cached in the data dir; else none."""
    if not args.check_dependencies:
        return nullcontext(None)
    from app.package_index import open_index

    where = _index_location()
    return open_index(where.index_url.get_secret_value(), where.data_dir)


def _index_location() -> IndexLocation:
    from app.settings import load_index_location

    try:
        return load_index_location()
    except SettingsError as error:
        raise _Stop(2, f"molt: {error}") from None


def _lock(result: Plan, files: dict[str, str]) -> Plan:
    """``result`` with the checkout's lock files (among ``files``, as the plan read them)
    regenerated (``--lock``)."""
    from app.lockfiles import Locker

    return Locker(_index_location().index_url.get_secret_value()).regenerate(result, files)


def _colour(line: str, enabled: bool) -> str:
    colour = COLOURS.get(line[:1]) if enabled and not line.startswith(("+++", "---")) else None
    return f"{colour}{line}{RESET}" if colour else line


def _write_diff(files: Sequence[FileChange], out: TextIO, colour: bool) -> None:
    for change in files:
        for line in unified_diff(change):
            text = line.rstrip("\r\n")
            out.write(_colour(text, colour) + "\n")
            if not line.endswith("\n"):
                out.write("\\ No newline at end of file\n")


def _report_skipped(result: Plan, err: TextIO) -> None:
    for skip in result.skipped:
        err.write(SKIPPED.format(path=skip.path, reason=skip.reason) + "\n")


def preview(
    root: Path,
    result: Plan,
    branch: str,
    out: TextIO,
    err: TextIO,
    dependencies: str = "",
    modernised: Modernisation | None = None,
) -> None:
    """Print the diff, the modernisation's diff (``--modernise``), then the pull request's
    branch, title and body (with the dependency check's section, if any), then what was
    skipped."""
    _report_skipped(result, err)
    counts = {"path": root, "minimum": result.policy.minimum, "count": len(result.files)}
    if result.files:
        colour = out.isatty() and not os.environ.get("NO_COLOR")
        out.write(DIFF_HEADING.format(count=len(result.files)) + "\n")
        _write_diff(result.files, out, colour)
    if modernised is not None:
        _write_modernised(modernised, out, err)
    if result.files:
        out.write("\n" + PULL_REQUEST_HEADING.format(branch=branch) + "\n")
        body = pull_request.body(result, dependencies=dependencies, modernised=modernised)
        out.write(f"{pull_request.title(result)}\n\n{body}")
        if result.skipped:
            out.write("\n")
    if result.skipped:
        out.write(PREVIEW_SKIPPING.format(skipped=len(result.skipped), **counts) + "\n")
    elif not result.files and not (modernised and modernised.files):
        out.write(NOTHING_TO_DO.format(**counts) + "\n")


def apply(
    root: Path, result: Plan, out: TextIO, err: TextIO, modernised: Modernisation | None = None
) -> None:
    """Rewrite the checkout in place, the modernisation's files last; say how many files
    changed and how many were skipped, then what is left to do by hand (as the pull request
    would)."""
    _report_skipped(result, err)
    # written before anything is deleted: a renamed file takes its old path's mode
    for change in sorted(result.files, key=lambda c: c.after is None):
        if change.after is None:
            checkout.delete_file(root, change.path)
        else:
            checkout.write_file(root, change.path, change.after, like=change.renamed_from)
    counts = {"path": root, "minimum": result.policy.minimum, "count": len(result.files)}
    if result.skipped:
        message = APPLIED_SKIPPING.format(skipped=len(result.skipped), **counts)
    else:
        message = (APPLIED if result.files else NOTHING_TO_DO).format(**counts)
    out.write(message + "\n")
    notes = result.notes
    if modernised is not None:
        _apply_modernised(root, modernised, out, err)
        notes += modernised.notes
    if notes:
        out.write(f"\n{BY_HAND}\n" + "".join(f"- {note}\n" for note in notes))


def _apply_modernised(root: Path, modernised: Modernisation, out: TextIO, err: TextIO) -> None:
    for skip in modernised.skipped:
        err.write(SKIPPED.format(path=skip.path, reason=skip.reason) + "\n")
    for change in modernised.files:
        assert change.after is not None  # the modernisation deletes no file
        checkout.write_file(root, change.path, change.after)
    if modernised.files:
        places = ", ".join(f"{rule.code} {count}" for rule, count in modernised.counts)
        count, minimum = len(modernised.files), modernised.minimum
        out.write(MODERNISED.format(count=count, minimum=minimum, places=places) + "\n")


def _on_checkout(args: argparse.Namespace) -> int:
    root: Path = args.path
    if not root.is_dir():
        raise _Stop(2, f"molt: {root}: not a directory")
    config, config_path = _config(root, args)
    policy = _policy(args, config, config_path)
    with _index(args) as index:
        result, dependencies, files = _plan_for(root, config, policy, index)
    if args.lock:
        result = _lock(result, files)
    asked = args.modernise or config.modernise
    modernised = _modernised(root, config, result) if asked else None
    if args.command == "preview":
        branch = f"{config.branch_prefix}python-{result.policy.minimum}"
        preview(root, result, branch, sys.stdout, sys.stderr, dependencies, modernised)
    else:
        apply(root, result, sys.stdout, sys.stderr, modernised)
    return 1 if args.strict and result.skipped else 0


# --- the App ----------------------------------------------------------------------------


def _register(args: argparse.Namespace) -> int:
    from app import register
    from app.settings import load_github_url

    try:
        github_url = args.github_url or load_github_url()
    except SettingsError as error:
        raise _Stop(2, f"molt: {error}") from None
    request = register.Request(
        app_yml=args.app_yml,
        webhook_url=args.webhook_url,
        env_file=args.env_file,
        github_url=github_url.rstrip("/"),
        organization=args.org,
        name=args.name,
        port=args.port,
    )
    try:
        app, key_file = register.register(request, sys.stdout)
    except register.RegisterError as error:
        raise _Stop(1, f"molt: register: {error}") from None
    except KeyboardInterrupt:
        raise _Stop(130, "molt: register: interrupted; no App was registered") from None
    sys.stdout.write(register.report(app, key_file, args.env_file))
    return 0


def _queue(settings: Settings) -> str:
    """Where the jobs wait, without the Redis password."""
    from app.jobs import QUEUE_FILE

    if not settings.uses_redis:
        return f"SQLite at {settings.data_dir / QUEUE_FILE}"
    parts = urlsplit(settings.queue_url.get_secret_value())
    if parts.scheme == "unix":
        return f"Redis at {parts.path}"
    return f"Redis at {parts.hostname}:{parts.port or 6379}{parts.path}"


def _app_line(settings: Settings) -> str:
    """Who molt is on GitHub; GitHub refusing the App's credentials stops the start."""
    from app import github as gh
    from app.errors import Forbidden, NotFound, RateLimited

    where = settings.github_url
    try:
        slug = gh.app_slug(settings.app_id, settings.private_key_pem(), where)
    except GitHubError as error:
        refused = error.status == 401 or isinstance(error, NotFound | Forbidden)
        if refused and not isinstance(error, RateLimited):
            raise _Stop(
                2,
                f"molt: {where} refused the App {settings.app_id} ({error}): check "
                "MOLT_APP_ID, the private key and MOLT_GITHUB_URL",
            ) from None
        return f"GitHub App {settings.app_id} at {where}: not checked yet ({error})"
    return f"authenticated as the GitHub App {slug} (id {settings.app_id}) at {where}"


def _run_app(args: argparse.Namespace) -> int:
    from app import service  # the server stack is only imported when it is used
    from app.settings import load_settings

    try:
        settings = load_settings()
    except SettingsError as error:
        raise _Stop(2, f"molt: {error}") from None
    name = f"molt {args.command}"
    lines = [_app_line(settings), f"queue: {_queue(settings)}"]
    if args.command == "serve":
        host = f"[{args.host}]" if ":" in args.host else args.host
        lines.insert(0, f"listening on http://{host}:{args.port}, webhooks at /webhook")
        if settings.dashboard_enabled:
            lines.insert(1, "dashboard at / (sign in with GitHub)")
    sys.stdout.write("".join(f"{name}: {line}\n" for line in lines))
    sys.stdout.flush()
    logging.basicConfig(level=logging.INFO, format=service.LOG_FORMAT)
    if args.command == "serve":
        service.serve(settings, args.host, args.port)
    else:
        service.work(settings)
    return 0


def _open_pr(args: argparse.Namespace) -> int:
    from app import token_mode
    from app.settings import load_github_url

    token = args.token or os.environ.get("GITHUB_TOKEN")
    if not token:
        raise _Stop(2, "molt: open-pr needs --token or $GITHUB_TOKEN")
    try:
        github_url = args.github_url or load_github_url()
        with _index(args) as index:
            today = date.today()
            message = token_mode.open_pr(args.repository, token, github_url, today, index)
    except SettingsError as error:
        raise _Stop(2, f"molt: {error}") from None
    except MoltError as error:
        raise _Stop(1, f"molt: {args.repository}: {error}") from None
    sys.stdout.write(message + "\n")
    return 0


COMMANDS = {
    "preview": _on_checkout,
    "apply": _on_checkout,
    "register": _register,
    "serve": _run_app,
    "worker": _run_app,
    "open-pr": _open_pr,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``molt`` console script: the exit status."""
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except _Stop as stop:
        sys.stderr.write(f"{stop}\n")
        return stop.code
    except BrokenPipeError:  # ``molt preview | head``: the reader has seen enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
