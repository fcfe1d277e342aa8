"""The ``molt`` command: preview | apply on a checkout, serve | worker for the App, open-pr."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TextIO

from app import checkout, pull_request
from app.errors import MoltError, SettingsError
from app.plan import Plan, plan, unified_diff
from rewriters import Policy
from rewriters.policy import UnknownVersion

NOTHING_TO_DO = "Nothing to change: no file under {path} supports a Python older than {minimum}."
APPLIED = "Rewrote {count} file(s) under {path}; Python {minimum} is now the minimum."
COLOURS = {"+": "\033[32m", "-": "\033[31m", "@": "\033[36m"}
RESET = "\033[0m"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="molt", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("preview", "show the diff and the pull request molt would open; change nothing"),
        ("apply", "rewrite the checkout in place"),
    ):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("path", type=Path, help="a checkout of the repository")
        command.add_argument(
            "--min-python", metavar="X.Y", help="new minimum (default: oldest not end-of-life)"
        )
    serve = commands.add_parser("serve", help="run the GitHub App: webhook server and a worker")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    commands.add_parser("worker", help="run a queue worker alone (scale out with Redis)")
    open_pr = commands.add_parser("open-pr", help="open the pull request with a token, no App")
    open_pr.add_argument("repository", metavar="OWNER/REPO")
    open_pr.add_argument("--token", help="a GitHub token (default: $GITHUB_TOKEN)")
    open_pr.add_argument("--github-url", default="https://api.github.com", help="API base URL")
    return parser


def _plan_for(root: Path, minimum: str | None) -> Plan:
    policy = Policy.for_date(date.today(), minimum)
    paths = checkout.all_paths(root)
    files, unreadable = checkout.read_files(root, paths)
    result = plan(files, policy, paths=paths)
    return result._replace(skipped=tuple(unreadable) + result.skipped)


def _colour(line: str, enabled: bool) -> str:
    colour = COLOURS.get(line[:1]) if enabled and not line.startswith(("+++", "---")) else None
    return f"{colour}{line}{RESET}" if colour else line


def _write_diff(result: Plan, out: TextIO, colour: bool) -> None:
    for change in result.files:
        for line in unified_diff(change):
            text = line.rstrip("\r\n")
            out.write(_colour(text, colour) + "\n")
            if not line.endswith("\n"):
                out.write("\\ No newline at end of file\n")


def _report_skipped(result: Plan, err: TextIO) -> None:
    for skip in result.skipped:
        err.write(f"molt: skipped {skip.path}: {skip.reason}\n")


def preview(root: Path, minimum: str | None, out: TextIO, err: TextIO) -> int:
    """Print the diff, then the pull request title and body."""
    result = _plan_for(root, minimum)
    _report_skipped(result, err)
    if not result.files:
        out.write(NOTHING_TO_DO.format(path=root, minimum=result.policy.minimum) + "\n")
        return 0
    colour = out.isatty() and "NO_COLOR" not in os.environ
    _write_diff(result, out, colour)
    out.write(f"\n{pull_request.title(result)}\n\n{pull_request.body(result)}")
    return 0


def apply(root: Path, minimum: str | None, out: TextIO, err: TextIO) -> int:
    """Rewrite the checkout in place."""
    result = _plan_for(root, minimum)
    _report_skipped(result, err)
    # written before anything is deleted: a renamed file takes its old path's mode
    for change in sorted(result.files, key=lambda c: c.after is None):
        if change.after is None:
            checkout.delete_file(root, change.path)
        else:
            checkout.write_file(root, change.path, change.after, like=change.renamed_from)
    message = APPLIED if result.files else NOTHING_TO_DO
    out.write(
        message.format(count=len(result.files), path=root, minimum=result.policy.minimum) + "\n"
    )
    return 0


def _run_app(args: argparse.Namespace) -> int:
    from app import service  # the server stack is only imported when it is used
    from app.settings import load_settings

    try:
        settings = load_settings()
    except SettingsError as error:
        sys.stderr.write(f"molt: {error}\n")
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    if args.command == "serve":
        service.serve(settings, args.host, args.port)
    else:
        service.work(settings)
    return 0


def _open_pr(args: argparse.Namespace) -> int:
    from app import token_mode

    token = args.token or os.environ.get("GITHUB_TOKEN")
    if not token:
        sys.stderr.write("molt: open-pr needs --token or $GITHUB_TOKEN\n")
        return 2
    try:
        message = token_mode.open_pr(args.repository, token, args.github_url, date.today())
    except MoltError as error:
        sys.stderr.write(f"molt: {args.repository}: {error}\n")
        return 1
    sys.stdout.write(message + "\n")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``molt`` console script."""
    args = _parser().parse_args(argv)
    if args.command in ("serve", "worker"):
        return _run_app(args)
    if args.command == "open-pr":
        return _open_pr(args)
    if not args.path.is_dir():
        sys.stderr.write(f"molt: {args.path}: not a directory\n")
        return 2
    command = preview if args.command == "preview" else apply
    try:
        return command(args.path, args.min_python, sys.stdout, sys.stderr)
    except UnknownVersion as error:
        sys.stderr.write(f"molt: --min-python {args.min_python}: {error}\n")
        return 2
    except ValueError as error:
        sys.stderr.write(f"molt: {error}\n")
        return 2
    except BrokenPipeError:  # ``molt preview | head``: the reader has seen enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
