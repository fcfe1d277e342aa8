"""What a crash leaves behind is found and undone; /healthz's view of the workers."""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import signal
import time

import pytest
from huey import MemoryHuey

from app.leases import Holder, RedisLeases
from app.watchdog import RUNNING, Running
from tests.app.test_jobs import BRANCH, PYPROJECT, REPO, _app, drain, installation_created
from tests.app.test_serve import free_port


@pytest.fixture
def served(fake_github, tmp_path):
    server, jobs = _app(fake_github, tmp_path)
    yield server, jobs
    server.close()


def queued_upgrade(server, jobs, fake_github):
    """The upgrade task of ``REPO``, taken off the queue as a worker takes it."""
    fake_github.add_repo(REPO, {"pyproject.toml": PYPROJECT}, default_branch="master")
    server.deliver("installation", installation_created())
    for _ in range(2):  # the event, then the installation scan
        jobs.huey.execute(jobs.huey.dequeue())
    return jobs.huey.dequeue()


def die_running(jobs, task):
    """In a forked worker that then dies at once: start ``task`` and take its lock."""

    def worker():
        jobs.running.started(task)
        jobs.leases.claim(f"repo:{REPO}")
        os._exit(0)

    child = multiprocessing.get_context("fork").Process(target=worker)
    child.start()
    child.join()


def test_a_job_whose_worker_died_is_queued_again_and_its_lock_cleared(served, fake_github, caplog):
    server, jobs = served
    task = queued_upgrade(server, jobs, fake_github)
    die_running(jobs, task)
    assert "upgrade_repository" not in [t.name for t in jobs.huey.pending()]  # huey lost it
    caplog.set_level(logging.WARNING)
    jobs.running.report(jobs.running.recover())
    assert caplog.messages == [
        "a stopped worker left 1 job(s) running and 1 repository lock(s) held: queued again: "
        f"upgrade_repository {REPO}; unlocked: {REPO}"
    ]
    drain(jobs)
    (pull,) = fake_github.pulls(REPO)
    assert pull.head == BRANCH
    assert jobs.leases.store.leases("") == []


def test_a_live_workers_job_is_left_alone(served, fake_github):
    server, jobs = served
    task = queued_upgrade(server, jobs, fake_github)
    jobs.running.started(task)
    assert jobs.running.recover() == ([], [])
    jobs.running.ended(task)
    assert jobs.leases.store.leases(RUNNING) == []


def test_a_silent_job_of_another_machine_is_queued_again_once_its_lease_expires(
    served, fake_github
):
    server, jobs = served
    task = queued_upgrade(server, jobs, fake_github)
    jobs.running.started(task)
    (lease,) = jobs.leases.store.leases(RUNNING)
    record = json.loads(lease.value)
    jobs.leases.release(lease.key)
    jobs.leases.store.claim(lease.key, "elsewhere:1:1", 60, json.dumps(record))
    assert jobs.running.recover() == ([], [])  # only once its lease has expired
    jobs.leases.store.release(lease.key, "elsewhere:1:1")
    jobs.leases.store.claim(lease.key, "elsewhere:1:1", -1, json.dumps(record))
    assert jobs.running.recover().jobs == [f"upgrade_repository {REPO}"]
    assert task.id in [t.id for t in jobs.huey.pending()]


def test_an_interrupted_job_goes_back_on_the_queue(served, fake_github):
    server, jobs = served
    task = queued_upgrade(server, jobs, fake_github)
    jobs.running.started(task)
    jobs.running.interrupted("interrupted", task)
    assert task.id in [t.id for t in jobs.huey.pending()]
    assert jobs.leases.store.leases(RUNNING) == []


def test_health_says_whether_a_worker_lives_and_names_a_stuck_job(served, fake_github):
    server, jobs = served
    assert jobs.running.health() == "no live worker"
    jobs.running.heartbeat()
    assert jobs.running.health() == "ok"
    task = queued_upgrade(server, jobs, fake_github)
    jobs.running.started(task)
    (lease,) = jobs.leases.store.leases(RUNNING)
    record = json.loads(lease.value)
    record["started"] -= 1000
    jobs.leases.store.release(lease.key, lease.owner)
    jobs.leases.store.claim(lease.key, lease.owner, 60, json.dumps(record))
    assert jobs.running.health() == (
        f"stuck past the 600 s limit: upgrade_repository {REPO} for 1000 s"
    )
    jobs.running.ended(task)


def test_a_job_that_ignores_the_time_limit_has_its_worker_killed(served, fake_github):
    server, jobs = served
    task = queued_upgrade(server, jobs, fake_github)
    running = Running(jobs.huey, jobs.leases, 0.5, lambda task: task.name)

    def worker():  # a job stuck where huey's timeout cannot reach it
        running.enforce()
        running.started(task)
        jobs.leases.claim(f"repo:{REPO}")
        time.sleep(30)

    child = multiprocessing.get_context("fork").Process(target=worker)
    child.start()
    child.join(timeout=10)
    assert child.exitcode == -signal.SIGKILL  # after 1 s (the limit, then as long again)
    assert jobs.leases.store.leases(RUNNING) == []  # not run again
    assert jobs.leases.store.leases("repo:") == []  # nothing locked


def test_health_with_the_store_down_is_one_line(tmp_path):
    store = RedisLeases(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    running = Running(MemoryHuey(), Holder(store, 60), 600, lambda task: task.name)
    assert running.health() == (
        "degraded: workers unknown, their store unreachable (ConnectionError)"
    )
