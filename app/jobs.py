"""huey tasks: webhook events in, one upgrade run per repository at a time, the daily rescan.

``SqliteHuey`` in the data directory by default (queued work survives a restart),
``PriorityRedisHuey`` when ``MOLT_QUEUE_URL`` is a Redis URL (plain ``RedisHuey`` refuses task
priorities).  Retries back off on GitHub 5xx and timeouts, and wait for the reset time GitHub
gives on rate limits.

``Jobs`` is made once per process and keeps what the jobs remember between them (tree listings
with their ETags, repositories that need nothing, clients, permissions), each bounded.  Every
task carries the delivery id of the webhook that caused it, and every line a task logs carries
that id, the installation id and the repository (None where there is none: the daily rescan).

Jobs run at least once (``app.watchdog`` records what runs and queues again what a crash
stopped), under a time limit, one per repository at a time: the per-repository lock is a lease
(``app.leases``) that a crashed holder loses.  Work queued for a repository coalesces: while a
run of it waits in the queue, another event for it queues nothing more.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from huey import Huey, PriorityRedisHuey, SqliteHuey, crontab, signals
from huey.api import Task
from huey.exceptions import RetryTask
from huey.storage import SqliteStorage

from app import ci_results, commands, events, pacing, upgrade
from app import github as gh
from app.dashboard import Recorder, open_store
from app.errors import Conflict, GitHubError, MoltError, RateLimited
from app.leases import Busy, Holder, open_leases
from app.memory import LRU
from app.outcome import Target
from app.settings import Settings
from app.watchdog import LOCK, PENDING, Running
from app.webhooks import WebhookEvent

if TYPE_CHECKING:
    from app.package_index import PackageIndex

log = logging.getLogger(__name__)

QUEUE_FILE = "queue.sqlite3"
LOCK_RETRY_SECONDS = 15
CONFLICT_RETRY_SECONDS = 10
COMMAND_RETRIES = 4  # five tries in about 10 minutes, then the failure is reported in the thread
CLIENTS_MAX = 1_000  # installations whose clients (and connection pools) are kept
# A queued run of a repository is marked, so that more events for it queue nothing more. The
# mark outlives a long queue; should its task be lost, the repository is blocked no longer.
PENDING_SECONDS = 3600
PUSH, SCAN = "push", "scan"

ClientFactory = Callable[[int], gh.Client]
JobLog = logging.LoggerAdapter[logging.Logger]


def job_log(delivery_id: str | None, installation_id: int | None, repo: str | None) -> JobLog:
    """The logger of one job: its lines carry the delivery, installation and repository."""
    extra = {"delivery_id": delivery_id, "installation_id": installation_id, "repo": repo}
    return logging.LoggerAdapter(log, extra)


class _SqliteStorage(SqliteStorage):  # type: ignore[misc]
    """huey's SQLite queue, syncing its write-ahead log at NORMAL.

    huey offers FULL (an fsync per enqueue and per dequeue) or OFF (corruptible on a power
    cut); in WAL mode NORMAL cannot corrupt the file and at worst forgets the last jobs.
    """

    def _create_connection(self) -> sqlite3.Connection:
        connection: sqlite3.Connection = super()._create_connection()
        connection.execute("PRAGMA synchronous = NORMAL")
        return connection


class _SqliteHuey(SqliteHuey):  # type: ignore[misc]
    storage_class = _SqliteStorage


def make_huey(settings: Settings) -> Huey:
    """The queue the settings ask for."""
    url = settings.queue_url.get_secret_value()
    if url:
        return PriorityRedisHuey("molt", url=url)  # jobs have priorities: webhooks first
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return _SqliteHuey("molt", filename=str(settings.data_dir / QUEUE_FILE))


def pacer(settings: Settings) -> pacing.Pacer:
    """The pacing every process of this App shares (through Redis, or SQLite in the data dir)."""
    store = pacing.store_for(settings.data_dir, settings.queue_url.get_secret_value())
    return pacing.Pacer(store, pacing.parse_windows(settings.write_budget))


def app_clients(settings: Settings, *, throttle: bool = True) -> ClientFactory:
    """Installation id → a client for it, kept for the most recently used installations.

    ``throttle`` paces every installation's requests within GitHub's limits (off in tests
    that count requests and want no waiting).
    """
    clients = LRU[int, gh.Client](CLIENTS_MAX)
    paced = pacer(settings) if throttle else None

    def client(installation_id: int) -> gh.Client:
        made = clients.get(installation_id)
        if made is None:
            made = gh.client_for_installation(
                settings.app_id,
                settings.private_key_pem(),
                installation_id,
                settings.github_url,
                throttle=throttle,
                pace=None if paced is None else paced.gate(installation_id),
            )
            clients.put(installation_id, made)
        return made

    return client


class Jobs:
    """The queue, the tasks on it and what they remember; implements ``events.Scanner``."""

    def __init__(
        self,
        settings: Settings,
        huey: Huey,
        clients: ClientFactory,
        today: Callable[[], date] = date.today,
        index: Callable[[], PackageIndex] | None = None,
    ) -> None:
        """``index`` opens the package index that pins are checked against and lock files
        regenerated with (None: neither is done)."""
        self.settings = settings
        self._open_index = index
        self._index: tuple[int, PackageIndex] | None = None
        self.huey = huey
        self._clients = clients
        self._today = today
        self.leases = Holder(
            open_leases(settings.data_dir, settings.queue_url.get_secret_value(), huey.name),
            settings.lease_seconds,
        )
        self.running = Running(huey, self.leases, settings.job_time_limit, _describe)
        huey.pre_execute(name="running")(self.running.started)
        huey.post_execute(name="running")(self.running.ended)
        huey.signal(signals.SIGNAL_INTERRUPTED)(self.running.interrupted)
        huey.signal(signals.SIGNAL_TIMEOUT)(self.running.timed_out)
        limit = settings.job_time_limit
        delay = settings.retry_seconds
        # Events jump the queue: an uninstall must revoke scans queued before it.
        self._handle_task = huey.task(name="handle_event", priority=10, timeout=limit)(
            self._handle_event
        )
        self._upgrade_task = huey.task(
            retries=6, retry_delay=delay, retry_backoff=2, name="upgrade_repository", timeout=limit
        )(self._upgrade_repository)
        self._installation_task = huey.task(
            retries=6, retry_delay=delay, retry_backoff=2, name="scan_installation", timeout=limit
        )(self._scan_installation)
        self._delete_task = huey.task(
            retries=3, retry_delay=delay, name="delete_branch", timeout=limit
        )(self._delete_branch)
        self._command_task = huey.task(
            retries=COMMAND_RETRIES,
            retry_delay=delay * 4 / 3,
            retry_backoff=1.5,
            name="run_command",
            context=True,
            timeout=limit,
        )(self._run_command)
        self._checks_task = huey.task(
            retries=3, retry_delay=delay, name="follow_checks", timeout=limit
        )(self._follow_checks)
        self._permissions = commands.Permissions()
        self._login: str | None = None
        self.listings = gh.Listings(gh.LISTINGS_MAX)
        self.needed_nothing = upgrade.NeededNothing(upgrade.NEEDED_NOTHING_MAX)
        store = pacing.store_for(settings.data_dir, settings.queue_url.get_secret_value())
        self.progress = pacing.ScanProgress(store)
        self.recorder = Recorder(open_store(settings), clients, settings.github_url)
        # low priority: runs once the upgrades a scan queued have been taken
        self._tracking_task = huey.task(
            retries=3, retry_delay=60, priority=-10, name="tracking_issue"
        )(self.recorder.keep_tracking_issue)
        huey.signal(signals.SIGNAL_ERROR)(self._record_failure)
        huey.periodic_task(crontab(minute="17", hour="4"), name="daily_rescan")(self.rescan_all)

    def package_index(self) -> PackageIndex | None:
        """This process's package index client, if the App checks dependencies: opened in
        the worker that uses it, as connections do not survive the fork of a worker."""
        if self._open_index is None:
            return None
        if self._index is None or self._index[0] != os.getpid():
            self._index = (os.getpid(), self._open_index())
        return self._index[1]

    # --- webhooks.Enqueue -------------------------------------------------------------

    def enqueue(self, event: WebhookEvent) -> None:
        """Queue a verified webhook delivery."""
        self.huey.enqueue(self.event_task(event))

    def event_task(self, event: WebhookEvent) -> Task:
        """The task that handles a verified webhook delivery, not queued yet."""
        return self._handle_task.s(
            event.name,
            event.action,
            event.installation_id,
            event.payload,
            delivery_id=event.delivery_id,
        )

    def _handle_event(
        self,
        name: str,
        action: str | None,
        installation_id: int,
        payload: dict[str, Any],
        delivery_id: str | None = None,
    ) -> None:
        repository = payload.get("repository") or {}
        logger = job_log(delivery_id, installation_id, repository.get("full_name"))
        scanner = _Delivery(self, delivery_id)
        if events.handle(scanner, name, action, installation_id, payload):
            logger.info("handled %s.%s", name, action)
        else:
            logger.info("no handler for %s.%s", name, action)

    # --- events.Scanner ---------------------------------------------------------------
    # ``delivery_id`` names the webhook delivery that asked (None for the daily rescan).

    def scan(
        self,
        installation_id: int,
        target: Target,
        *,
        on_push: bool = False,
        delivery_id: str | None = None,
        scan: str | None = None,
    ) -> None:
        """Queue one repository, unless a run of it already waits in the queue (a push then
        makes that run a push's)."""
        if self._coalesced(target.full_name, on_push):
            logger = job_log(delivery_id, installation_id, target.full_name)
            logger.info("%s: a run is already queued; coalesced", target.full_name)
            if scan is not None:
                self.progress.advance(scan)  # the queued run does this scan's work
            return
        self._upgrade_task(installation_id, target, on_push, delivery_id=delivery_id, scan=scan)

    def _coalesced(self, full_name: str, on_push: bool) -> bool:
        store, key = self.leases.store, PENDING + full_name
        for _ in range(2):
            if store.claim(key, PENDING, PENDING_SECONDS, PUSH if on_push else SCAN):
                return False
            if not on_push or store.update(key, PUSH):
                return True
            # the queued run just started and took the mark: claim it afresh
        return False

    def scan_installation(
        self,
        installation_id: int,
        only: frozenset[str] | None = None,
        *,
        delivery_id: str | None = None,
    ) -> None:
        """Queue the repositories of an installation."""
        self._installation_task(installation_id, only, delivery_id=delivery_id)

    def forget_installation(self, installation_id: int) -> None:
        """Revoke queued work of an installation that was removed."""
        for task in self.huey.pending():
            if task.args and task.args[0] == installation_id:
                self.huey.revoke_by_id(task.id)
                if task.name == "upgrade_repository":
                    self.leases.store.take(PENDING + task.args[1].full_name)

    def delete_branch(
        self, installation_id: int, full_name: str, branch: str, *, delivery_id: str | None = None
    ) -> None:
        """Queue the deletion of a merged molt branch."""
        self._delete_task(installation_id, full_name, branch, delivery_id=delivery_id)

    def command(
        self, installation_id: int, request: commands.Request, *, delivery_id: str | None = None
    ) -> None:
        """Queue a comment that may hold commands."""
        self._command_task(installation_id, request, delivery_id=delivery_id)

    def follow_checks(
        self,
        installation_id: int,
        target: Target,
        branch: str,
        sha: str,
        *,
        delivery_id: str | None = None,
    ) -> None:
        """Queue a look at the CI of molt's pull request from ``branch`` at ``sha``."""
        self._checks_task(installation_id, target, branch, sha, delivery_id=delivery_id)

    def app_login(self) -> str:
        """The App's bot login (its slug), asked of GitHub once per process."""
        if self._login is None:
            self._login = gh.app_slug(
                self.settings.app_id, self.settings.private_key_pem(), self.settings.github_url
            )
        return self._login

    # --- tasks ------------------------------------------------------------------------

    @property
    def _lock_retry(self) -> float:
        return min(LOCK_RETRY_SECONDS, self.settings.lease_seconds)

    def _repository(self, installation_id: int, full_name: str) -> gh.Repository:
        """One repository, through the installation's client and the listings jobs share."""
        client = self._clients(installation_id)
        return gh.Repository(client, full_name, listings=self.listings)

    def _scan_installation(
        self, installation_id: int, only: frozenset[str] | None, delivery_id: str | None = None
    ) -> None:
        logger = job_log(delivery_id, installation_id, None)
        with _retrying(logger):
            targets = gh.installation_repositories(self._clients(installation_id))
        chosen = [t for t in targets if only is None or t.full_name in only]
        scan = uuid.uuid4().hex
        self.progress.start(scan, len(chosen))
        for target in chosen:  # most recently pushed first
            self.scan(installation_id, target, delivery_id=delivery_id, scan=scan)
        logger.info("queued %d of %d repositories", len(chosen), len(targets))
        self._tracking_task(installation_id, self._today())

    def _upgrade_repository(
        self,
        installation_id: int,
        target: Target,
        on_push: bool,
        delivery_id: str | None = None,
        scan: str | None = None,
    ) -> None:
        logger = job_log(delivery_id, installation_id, target.full_name)
        try:
            with self.leases.hold(LOCK + target.full_name), _retrying(logger):
                # from here on, an event for this repository queues a run behind this one
                on_push = self.leases.store.take(PENDING + target.full_name) == PUSH or on_push
                repo = self._repository(installation_id, target.full_name)
                outcome = upgrade.run(
                    repo,
                    target,
                    self._today(),
                    on_push=on_push,
                    login=self.app_login(),
                    needed_nothing=self.needed_nothing,
                    index=self.package_index(),
                )
                self.recorder.record(installation_id, repo, target, outcome, self._today())
        except Busy:
            logger.info("%s: another job holds it; retrying", target.full_name)
            raise RetryTask(delay=self._lock_retry) from None
        logger.info("%s: %s", target.full_name, outcome.value)
        progress = None if scan is None else self.progress.advance(scan)
        if progress is not None and progress.worth_logging:
            logger.info("%s", progress.describe())

    def _record_failure(self, signal: str, task: Any, error: Exception | None = None) -> None:
        """The last try of an upgrade failed: the repository's dashboard row says why."""
        if task.name != "upgrade_repository" or task.retries or error is None:
            return
        installation_id, target = task.args[0], task.args[1]
        # molt's own messages are known to hold no secret; others are named by type only
        reason = str(error) if isinstance(error, MoltError) else type(error).__name__
        self.recorder.failed(installation_id, target.full_name, reason)

    def _run_command(
        self,
        installation_id: int,
        request: commands.Request,
        delivery_id: str | None = None,
        task: Any = None,
    ) -> None:
        full_name = request.target.full_name
        logger = job_log(delivery_id, installation_id, full_name)
        repo = self._repository(installation_id, full_name)
        accepted: tuple[commands.Command, ...] = ()
        try:
            with _retrying(logger):
                login = self.app_login()
                accepted = commands.accept(repo, request, login, self._permissions)
                if accepted:
                    with self.leases.hold(LOCK + full_name):
                        commands.act(
                            repo, request, accepted, self._today(), login, self.package_index()
                        )
        except Busy:
            logger.info("%s: another job holds it; retrying", full_name)
            raise RetryTask(delay=self._lock_retry) from None
        except Exception as error:
            if accepted and (task is None or not task.retries):
                self._report(repo, request, accepted, error, logger)
            raise
        names = " ".join(command.name for command in accepted) or "no command"
        logger.info("%s#%d: %s", full_name, request.number, names)

    def _report(
        self,
        repo: gh.Repository,
        request: commands.Request,
        accepted: tuple[commands.Command, ...],
        error: Exception,
        logger: JobLog,
    ) -> None:
        """The last try failed: say so in the thread (if GitHub lets us), never drop it silently."""
        text = commands.failed(accepted, self.app_login(), error, COMMAND_RETRIES + 1)
        try:
            repo.comment(request.number, text)
        except GitHubError:
            logger.exception("could not report a failed command")

    def _follow_checks(
        self,
        installation_id: int,
        target: Target,
        branch: str,
        sha: str,
        delivery_id: str | None = None,
    ) -> None:
        logger = job_log(delivery_id, installation_id, target.full_name)
        try:
            # the lock keeps two events for one commit from both commenting or merging
            with self.leases.hold(LOCK + target.full_name), _retrying(logger):
                repo = self._repository(installation_id, target.full_name)
                followed = ci_results.follow(repo, target, branch, sha, self.app_login())
        except Busy:
            logger.info("%s: another job holds it; retrying", target.full_name)
            raise RetryTask(delay=self._lock_retry) from None
        logger.info("%s@%s: %s", target.full_name, sha[:7], followed.value)

    def _delete_branch(
        self, installation_id: int, full_name: str, branch: str, delivery_id: str | None = None
    ) -> None:
        logger = job_log(delivery_id, installation_id, full_name)
        with _retrying(logger):
            self._repository(installation_id, full_name).delete_branch(branch)
        logger.info("%s: deleted the merged branch %s", full_name, branch)

    def rescan_all(self) -> None:
        """Daily: queue every repository of every installation."""
        logger = job_log(None, None, None)
        with _retrying(logger):
            installations = gh.installation_ids(
                self.settings.app_id, self.settings.private_key_pem(), self.settings.github_url
            )
        for installation_id in installations:
            self.scan_installation(installation_id)
        logger.info("daily rescan: queued %d installations", len(installations))


def _describe(task: Any) -> str:
    """A task as the logs and ``/healthz`` name it: its name and repository, if it has one."""
    for arg in task.args:
        name = getattr(getattr(arg, "target", arg), "full_name", None)
        if isinstance(name, str):
            return f"{task.name} {name}"
        if isinstance(arg, str) and "/" in arg:
            return f"{task.name} {arg}"
    return str(task.name)


class _Delivery(NamedTuple):
    """``events.Scanner`` for the handler of one delivery: what it queues carries its id."""

    jobs: Jobs
    delivery_id: str | None

    def scan(self, installation_id: int, target: Target, *, on_push: bool = False) -> None:
        self.jobs.scan(installation_id, target, on_push=on_push, delivery_id=self.delivery_id)

    def scan_installation(self, installation_id: int, only: frozenset[str] | None = None) -> None:
        self.jobs.scan_installation(installation_id, only, delivery_id=self.delivery_id)

    def forget_installation(self, installation_id: int) -> None:
        self.jobs.forget_installation(installation_id)

    def delete_branch(self, installation_id: int, full_name: str, branch: str) -> None:
        self.jobs.delete_branch(installation_id, full_name, branch, delivery_id=self.delivery_id)

    def command(self, installation_id: int, request: commands.Request) -> None:
        self.jobs.command(installation_id, request, delivery_id=self.delivery_id)

    def follow_checks(self, installation_id: int, target: Target, branch: str, sha: str) -> None:
        self.jobs.follow_checks(installation_id, target, branch, sha, delivery_id=self.delivery_id)


@contextmanager
def _retrying(logger: JobLog) -> Iterator[None]:
    """Turn rate limits and races into delayed retries; huey backs off on everything else."""
    try:
        yield
    except RateLimited as error:
        eta = error.reset_at.astimezone(UTC).replace(tzinfo=None)
        logger.warning("rate limited (%s); retrying at %s UTC", error, eta.isoformat())
        raise RetryTask(eta=max(eta, datetime.now(UTC).replace(tzinfo=None))) from None
    except Conflict as error:
        logger.info("%s; retrying", error)
        raise RetryTask(delay=CONFLICT_RETRY_SECONDS) from None
    except Busy:
        raise
    except Exception as error:
        # huey logs the traceback and retries; molt's own messages are known to hold no secret
        logger.warning(
            "failed: %s", error if isinstance(error, MoltError) else type(error).__name__
        )
        raise
