"""Pacing within GitHub's limits: the budget's rules, the stores, the gates, scan progress."""

from __future__ import annotations

import logging
import re
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from github import GithubException
from huey import SqliteHuey
from pydantic import SecretStr

from app import github as gh
from app.errors import RateLimited
from app.github.failures import translate
from app.jobs import Jobs, app_clients
from app.pacing import (
    MemoryStore,
    Pacer,
    Progress,
    RedisStore,
    ScanProgress,
    SqliteStore,
    parse_windows,
)
from app.pacing.budget import Budget, admit, limit_ends
from app.settings import Settings
from tests.app.test_jobs import (
    INSTALLATION,
    PYPROJECT,
    drain,
    private_key,
    redis_url,  # noqa: F401  (the fixture)
)
from tests.conftest import TODAY
from tests.fakes import _limits as fake_limits
from tests.fakes import webhooks

SECONDARY = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
)


class Clock:
    """Time that passes only when someone sleeps."""

    def __init__(self, now=1_000_000.0):
        self.now = now
        self.slept = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


def pacer(clock, store=None, windows="60/60,450/3600", longest_sleep=30.0):
    return Pacer(
        store or MemoryStore(),
        parse_windows(windows),
        longest_sleep=longest_sleep,
        clock=clock,
        sleep=clock.sleep,
    )


def most_in_any(times, seconds):
    """The largest number of ``times`` inside any window of ``seconds``."""
    times = sorted(times)
    start, most = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= seconds:
            start += 1
        most = max(most, end - start + 1)
    return most


def primary(remaining, reset, limit=5000):
    return {
        "X-RateLimit-Limit": str(limit),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": str(int(reset)),
    }


def test_windows_parse_and_refuse_nonsense():
    assert parse_windows("60/60, 450/3600") == ((60, 60.0), (450, 3600.0))
    for wrong in ("0/60", "60", "a/b", "60/0"):
        with pytest.raises(ValueError, match="COUNT/SECONDS"):
            parse_windows(wrong)


def test_write_budget_setting_is_checked():
    required = {"app_id": 1, "private_key": private_key(), "webhook_secret": "s" * 20}
    required |= {"_env_file": None}
    assert Settings(**required).write_budget == "60/60,450/3600"
    with pytest.raises(ValueError, match="COUNT/SECONDS"):
        Settings(**required, write_budget="lots")


def test_burst_of_content_creating_requests_stays_under_both_limits():
    clock = Clock()
    gate = pacer(clock).gate(1)
    sent = []
    for _ in range(600):
        gate.before("POST")
        sent.append(clock.now)
    assert most_in_any(sent, 60) <= 63  # GitHub allows 80 a minute
    assert most_in_any(sent, 3600) <= 473  # and 500 an hour
    # and no slower than the budget: 600 writes take about (600 - 22) / 450 hours
    assert sent[-1] - sent[0] < 1.3 * 3600


def test_a_late_clock_reading_never_refills_twice():
    """A process that read the clock before another's update must not move time back."""
    windows = parse_windows("60/60")
    state = Budget()
    for _ in range(3):  # the whole burst, at t=100
        assert admit(state, windows, True, 100.0) == 0
    assert admit(state, windows, True, 99.0) > 0  # late: waits, and does not rewind
    assert admit(state, windows, True, 100.5) == pytest.approx(0.5)
    assert admit(state, windows, True, 101.0) == 0


def test_a_record_from_another_version_still_loads():
    assert Budget.load({"paused_until": 5.0, "from_the_future": 1}) == Budget(paused_until=5.0)


def test_reads_do_not_spend_the_content_creation_budget():
    clock = Clock()
    gate = pacer(clock).gate(1)
    for _ in range(1000):
        gate.before("GET")
    assert clock.slept == []


def test_secondary_limit_pauses_every_job_of_the_installation():
    clock = Clock()
    shared = pacer(clock)
    hit, other_job, other_installation = shared.gate(7), shared.gate(7), shared.gate(8)
    hit.after("POST", 403, {"Retry-After": "20"}, SECONDARY)
    other_installation.before("GET")
    assert clock.slept == []
    other_job.before("GET")
    assert sum(clock.slept) == pytest.approx(20)


def test_secondary_limit_message_without_retry_after_pauses_a_minute():
    clock = Clock()
    shared = pacer(clock, longest_sleep=120)
    shared.gate(7).after("POST", 403, {}, SECONDARY)
    shared.gate(7).before("GET")
    assert sum(clock.slept) == pytest.approx(60)


def test_plain_403_is_a_permission_not_a_pause():
    clock = Clock()
    gate = pacer(clock).gate(7)
    forbidden = "Resource not accessible by integration"
    gate.after("PUT", 403, primary(4000, clock.now + 3600), forbidden)
    gate.before("PUT")
    assert clock.slept == []


def test_a_long_pause_frees_the_worker_with_the_time_to_come_back():
    clock = Clock()
    gate = pacer(clock).gate(7)
    gate.after("POST", 429, {"Retry-After": "600"}, "")
    with pytest.raises(RateLimited) as raised:
        gate.before("GET")
    assert raised.value.reset_at == datetime.fromtimestamp(clock.now + 600, UTC)
    assert clock.slept == []


def test_primary_limit_near_zero_waits_until_the_reset():
    clock = Clock()
    gate = pacer(clock).gate(7)
    gate.after("GET", 200, primary(10, clock.now + 25), "")
    gate.before("GET")
    assert sum(clock.slept) == pytest.approx(25)
    gate.before("GET")  # the window has reset: go
    assert sum(clock.slept) == pytest.approx(25)


def test_primary_limit_at_zero_answer_pauses_until_its_reset():
    clock = Clock()
    gate = pacer(clock).gate(7)
    gate.after("GET", 403, primary(0, clock.now + 12), "API rate limit exceeded for installation")
    gate.before("GET")
    assert sum(clock.slept) == pytest.approx(12)


def test_low_primary_budget_is_spread_until_the_reset():
    clock = Clock()
    gate = pacer(clock).gate(7)
    gate.after("GET", 200, primary(250, clock.now + 1000), "")
    sent = []
    for _ in range(100):
        gate.before("GET")
        sent.append(clock.now)
    # 200 requests may go before the reset (50 kept back): one every 5 seconds
    assert sent[-1] - sent[0] == pytest.approx(99 * 5, rel=0.05)


def test_plenty_of_primary_budget_is_not_spread():
    clock = Clock()
    gate = pacer(clock).gate(7)
    gate.after("GET", 200, primary(4000, clock.now + 3000), "")
    for _ in range(100):
        gate.before("GET")
    assert clock.slept == []


@pytest.mark.parametrize("kind", ["sqlite", "redis"])
def test_stores_share_one_budget_between_processes(kind, tmp_path, request):
    """Two stores on one file or server stand for two worker processes."""
    if kind == "sqlite":
        stores = [SqliteStore(tmp_path / "pacing.sqlite3") for _ in range(2)]
    else:
        url = request.getfixturevalue("redis_url")
        stores = [RedisStore(url) for _ in range(2)]
    clock = Clock()
    first, second = (pacer(clock, store).gate(99) for store in stores)
    first.after("POST", 403, {"Retry-After": "5"}, SECONDARY)
    second.before("GET")
    assert sum(clock.slept) == pytest.approx(5)


@pytest.mark.parametrize("kind", ["sqlite", "redis"])
def test_concurrent_updates_lose_nothing(kind, tmp_path, request):
    if kind == "sqlite":
        store = SqliteStore(tmp_path / "pacing.sqlite3")
    else:
        store = RedisStore(request.getfixturevalue("redis_url"))
    key = f"count-{kind}"

    def add_one(record):
        record = record or {"n": 0}
        record["n"] += 1
        return record, None

    def work():
        for _ in range(50):
            store.update(key, add_one)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.update(key, lambda record: (record, record["n"])) == 200


def test_records_expire(tmp_path):
    store = SqliteStore(tmp_path / "pacing.sqlite3", ttl=-1)
    store.update("k", lambda record: ({"n": 1}, None))
    assert store.update("k", lambda record: (record or {}, record)) is None


def test_scan_progress_counts_done_of_total_with_an_eta():
    clock = Clock()
    progress = ScanProgress(MemoryStore(), clock=clock)
    progress.start("s1", 40)
    seen = []
    for _ in range(40):
        clock.now += 3
        seen.append(progress.advance("s1"))
    assert seen[9] == Progress(10, 40, 1_000_000.0, 1_000_030.0)
    assert seen[9].eta == 1_000_120.0
    assert [p.done for p in seen if p.worth_logging] == list(range(2, 41, 2))
    assert seen[9].describe() == "scan: 10/40 repositories, ETA 13:48:40 UTC (in 90 s)"
    assert seen[-1].describe() == "scan: 40/40 repositories in 2 min"
    assert progress.advance("unknown") is None


# --- the App's jobs against the fake GitHub -------------------------------------------------


class WallClock(Clock):
    """The real time, moved on by sleeping (nobody really waits) or by ``pass_time``."""

    def __init__(self):
        super().__init__(0.0)

    def __call__(self):
        return time.time() + self.now

    def pass_time(self, seconds):
        self.now += seconds


@pytest.fixture
def paced(fake_github, tmp_path):
    """Jobs whose clients share one pacer on the SQLite store, on a clock tests move."""
    clock = WallClock()
    shared = Pacer(SqliteStore(tmp_path / "pacing.sqlite3"), clock=clock, sleep=clock.sleep)
    return paced_jobs(fake_github, tmp_path, shared)


def paced_jobs(fake_github, tmp_path, shared):
    settings = Settings.model_construct(
        app_id=fake_github.world.app_id,
        private_key=SecretStr(private_key()),
        private_key_file=None,
        webhook_secret=SecretStr(webhooks.SECRET),
        github_url=fake_github.url,
        data_dir=tmp_path,
        queue_url=SecretStr(""),
    )

    def client(installation_id):
        return gh.client_for_installation(
            settings.app_id,
            settings.private_key_pem(),
            installation_id,
            settings.github_url,
            pace=shared.gate(installation_id),
        )

    huey = SqliteHuey("molt-test", filename=str(tmp_path / "queue.sqlite3"))
    fake_github.add_installation(INSTALLATION, "Codertocat")
    return Jobs(settings, huey, client, today=lambda: TODAY), shared.clock


def pushed_in_turn(fake, names):
    """Repositories needing a pull request, each pushed a second after the one before."""
    for i, name in enumerate(names):
        if i:
            time.sleep(1.05)  # the fake stamps pushes to the second
        fake.add_repo(f"Codertocat/{name}", {"pyproject.toml": PYPROJECT})


def test_secondary_limit_makes_every_job_of_the_installation_wait(paced, fake_github):
    jobs, clock = paced
    pushed_in_turn(fake_github, ["later", "first"])
    hit, waiting = "Codertocat/first", "Codertocat/later"
    fake_github.fail_next("POST", f"/repos/{hit}/git/trees", 403, retry_after=120)
    jobs.scan_installation(INSTALLATION)
    drain(jobs)
    assert [r.status for r in fake_github.requests_for(hit)][-1] == 403
    assert fake_github.requests_for(waiting) == []  # it waited without asking
    now = datetime.now(UTC).replace(tzinfo=None)
    etas = sorted(task.eta - now for task in jobs.huey.scheduled())
    assert len(etas) == 2 and all(
        timedelta(seconds=100) < eta < timedelta(seconds=125) for eta in etas
    )
    clock.pass_time(121)
    drain(jobs, scheduled=True)
    assert [len(fake_github.pulls(repo)) for repo in (hit, waiting)] == [1, 1]


def test_short_secondary_pause_is_waited_out_in_the_job(paced, fake_github):
    jobs, clock = paced
    pushed_in_turn(fake_github, ["later", "first"])
    fake_github.fail_next("POST", "/repos/Codertocat/first/git/trees", 403, retry_after=7)
    jobs.scan_installation(INSTALLATION)
    drain(jobs)
    assert len(fake_github.pulls("Codertocat/later")) == 1
    assert pytest.approx(7, abs=1) in clock.slept  # the second job slept through the pause


def test_scan_opens_recently_pushed_repositories_first_and_logs_progress(
    paced, fake_github, caplog
):
    jobs, _ = paced
    pushed_in_turn(fake_github, ["dormant", "quiet", "busy"])
    caplog.set_level(logging.INFO)
    jobs.scan_installation(INSTALLATION)
    drain(jobs)
    opened = [
        r.path for r in fake_github.requests if r.method == "POST" and r.path.endswith("/pulls")
    ]
    assert opened == [f"/repos/Codertocat/{name}/pulls" for name in ("busy", "quiet", "dormant")]
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("scan:")]
    assert len(lines) == 3
    assert re.fullmatch(r"scan: 1/3 repositories, ETA \d\d:\d\d:\d\d UTC \(in \d+ s\)", lines[0])
    assert re.fullmatch(r"scan: 3/3 repositories in \d+ s", lines[-1])


@pytest.fixture
def shorter_fake_minute(monkeypatch):
    """The fake's secondary-limit minute lasts a second: its window comes round quickly."""
    monkeypatch.setattr(fake_limits, "MINUTE", 1)


def real_time_jobs(fake_github, tmp_path, windows):
    """Jobs paced on the real clock, as ``molt serve`` paces them, with ``windows``."""
    shared = Pacer(SqliteStore(tmp_path / "pacing.sqlite3"), parse_windows(windows))
    jobs, _ = paced_jobs(fake_github, tmp_path, shared)
    return jobs


def needing(fake, count):
    names = [f"Codertocat/r{i}" for i in range(count)]
    for name in names:
        fake.add_repo(name, {"pyproject.toml": PYPROJECT})
    return names


def test_burst_of_pull_requests_never_meets_the_secondary_limit(
    fake_github, tmp_path, shorter_fake_minute
):
    fake_github.limits.secondary = (8, 10_000)  # 8 content-creating requests a (short) minute
    jobs = real_time_jobs(fake_github, tmp_path, "6/1")
    names = needing(fake_github, 6)  # 30 content-creating requests
    started = time.monotonic()
    jobs.scan_installation(INSTALLATION)
    drain(jobs)
    assert fake_github.secondary_limited == 0
    assert [len(fake_github.pulls(name)) for name in names] == [1] * 6
    assert time.monotonic() - started >= 29 / 6  # one burst token, then six a second


def test_unpaced_burst_meets_the_secondary_limit(fake_github, tmp_path, shorter_fake_minute):
    """The control: the same burst without pacing is refused."""
    fake_github.limits.secondary = (8, 10_000)
    settings = Settings.model_construct(
        app_id=fake_github.world.app_id,
        private_key=SecretStr(private_key()),
        webhook_secret=SecretStr(webhooks.SECRET),
        github_url=fake_github.url,
        data_dir=tmp_path,
        queue_url=SecretStr(""),
    )
    huey = SqliteHuey("molt-test", filename=str(tmp_path / "queue.sqlite3"))
    fake_github.add_installation(INSTALLATION, "Codertocat")
    jobs = Jobs(settings, huey, app_clients(settings, throttle=False), today=lambda: TODAY)
    needing(fake_github, 6)
    jobs.scan_installation(INSTALLATION)
    drain(jobs)
    assert fake_github.secondary_limited > 0


def test_primary_limit_near_zero_waits_for_the_reset(fake_github, tmp_path):
    fake_github.limits.primary = 30  # a budget that lasts 3 seconds: 3 pull requests span two
    fake_github.limits.window = 3
    jobs = real_time_jobs(fake_github, tmp_path, "60/60")
    names = needing(fake_github, 3)
    jobs.scan_installation(INSTALLATION)
    drain(jobs)
    statuses = [r.status for r in fake_github.requests]
    assert 403 not in statuses
    assert [len(fake_github.pulls(name)) for name in names] == [1, 1, 1]


@pytest.mark.parametrize(
    ("status", "headers", "message", "ends"),
    [
        pytest.param(403, {"Retry-After": "30"}, "", 1030.0, id="retry-after"),
        pytest.param(
            403,
            {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1900"},
            "API rate limit exceeded for installation ID 1.",
            1900.0,
            id="primary limit spent",
        ),
        pytest.param(
            403,
            {},
            "You have exceeded a secondary rate limit. Please wait a few minutes.",
            1060.0,
            id="secondary limit without retry-after",
        ),
        pytest.param(429, {}, "", 1060.0, id="429"),
        pytest.param(
            403, {"X-RateLimit-Remaining": "4000"}, "Resource not accessible", None, id="permission"
        ),
        pytest.param(500, {"Retry-After": "30"}, "", None, id="not a limit"),
    ],
)
def test_one_rule_says_when_a_rate_limit_ends(status, headers, message, ends):
    assert limit_ends(status, headers, message, now=1000.0) == ends
    error = translate(GithubException(status, {"message": message}, headers))
    assert isinstance(error, RateLimited) is (ends is not None)
