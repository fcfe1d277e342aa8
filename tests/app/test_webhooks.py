from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from pydantic import SecretStr

from app.bodies import Limits
from app.deliveries import FILENAME, DeliveryStore
from app.events import HANDLERS
from app.server import create_app
from app.webhooks import MAX_BODY_BYTES, PATHS, Receiver, WebhookEvent
from tests.fakes.webhooks import (
    SECRET,
    TestClient,
    app_settings,
    event_name,
    example_id,
    example_paths,
    headers,
    load,
    load_json,
    schema_errors,
    sign,
)

EXAMPLES = [pytest.param(path, id=example_id(path)) for path in example_paths()]
# DESIGN's event table, written out again rather than imported: the examples below check the
# route's filter against it, so a change to events.HANDLERS has to change this test too.
WANTED = {
    ("installation", "created"),
    ("installation", "deleted"),
    ("installation_repositories", "added"),
    ("push", None),
    ("pull_request", "closed"),
    ("pull_request", "edited"),
    ("issue_comment", "created"),
    ("check_suite", "completed"),
    ("check_run", "completed"),
    ("status", None),
    ("pull_request_review", "submitted"),
    ("pull_request_review", "dismissed"),
}
DERIVED = [
    pytest.param(path, id=example_id(path)) for path in example_paths() if "derived" in path.name
]


class Queue:
    """Stands in for huey: records what the receiver enqueues; can be told to fail."""

    def __init__(self) -> None:
        self.events: list[WebhookEvent] = []
        self.failures: list[Exception] = []

    def __call__(self, event: WebhookEvent) -> None:
        if self.failures:
            raise self.failures.pop(0)
        self.events.append(event)


def wait_for(condition, seconds: float = 10.0) -> bool:
    """Poll `condition` until it holds (True) or `seconds` pass (False)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


class Clock:
    def __init__(self, now: float = 1_790_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def queue():
    return Queue()


@pytest.fixture
def settings(tmp_path):
    return app_settings(tmp_path / "data")


@pytest.fixture
def client(settings, queue):
    return TestClient(create_app(settings, queue))


def deliver(client, name: str, body: bytes, path: str = "/webhook", **kwargs) -> httpx.Response:
    return client.post(path, content=body, headers=headers(name, body, **kwargs))


def deliver_example(client, example: str, **kwargs) -> httpx.Response:
    return deliver(client, example.split("/")[0], load(example), **kwargs)


def expected_to_enqueue(name: str, payload: dict) -> bool:
    action = payload.get("action")
    return (name, action) in WANTED and "installation" in payload


# -- every example ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLES)
def test_signed_example_is_202_and_enqueued_when_wanted(client, queue, path):
    body = path.read_bytes()
    payload = json.loads(body)
    delivery = headers(event_name(path), body)

    response = client.post("/webhook", content=body, headers=delivery)

    assert response.status_code == 202
    if expected_to_enqueue(event_name(path), payload):
        assert response.json() == {"status": "queued"}
        assert queue.events == [
            WebhookEvent(
                name=event_name(path),
                action=payload.get("action"),
                delivery_id=delivery["X-GitHub-Delivery"],
                installation_id=payload["installation"]["id"],
                payload=payload,
            )
        ]
    else:
        assert queue.events == []


@pytest.mark.parametrize("path", EXAMPLES)
def test_unsigned_example_is_401(client, queue, path):
    body = path.read_bytes()

    response = client.post("/webhook", content=body, headers=headers(event_name(path), body, None))

    assert response.status_code == 401
    assert queue.events == []


def test_handled_events_are_the_designed_ones():
    assert set(HANDLERS) == WANTED


@pytest.mark.parametrize(("name", "action"), sorted(HANDLERS, key=str))
def test_every_handled_event_is_queued(client, queue, name, action):
    payload = (
        {"action": action, "installation": {"id": 1}} if action else {"installation": {"id": 1}}
    )
    response = deliver(client, name, json.dumps(payload).encode())
    assert (response.json(), [e.name for e in queue.events]) == ({"status": "queued"}, [name])


def test_an_action_without_a_handler_is_ignored(client, queue):
    body = json.dumps({"action": "opened", "installation": {"id": 1}}).encode()
    response = deliver(client, "pull_request", body)
    assert (response.json(), queue.events) == ({"status": "ignored"}, [])


# -- signature -------------------------------------------------------------------------------


def test_forged_signature_is_401(client, queue):
    response = deliver_example(client, "installation/created.json", secret="not the secret")

    assert response.status_code == 401
    assert queue.events == []


def test_body_changed_after_signing_is_401(client, queue):
    body = load("installation/created.json")
    delivery = headers("installation", body)
    tampered = body.replace(b'"id": 957387', b'"id": 957388', 1)
    assert tampered != body

    response = client.post("/webhook", content=tampered, headers=delivery)

    assert response.status_code == 401
    assert queue.events == []


BODY = load("installation/created.json")
GOOD = sign(BODY)


@pytest.mark.parametrize(
    "signature",
    [
        pytest.param(
            "sha1=" + hmac.new(SECRET.encode(), BODY, hashlib.sha1).hexdigest(), id="sha1"
        ),
        pytest.param(GOOD.removeprefix("sha256="), id="no-prefix"),
        pytest.param("sha256=" + "z" * 64, id="not-hex"),
        pytest.param(GOOD[:-1], id="short"),
        pytest.param(GOOD + "0", id="long"),
        pytest.param(GOOD.replace("sha256=", "sha512="), id="other-algorithm"),
        pytest.param(GOOD + " ", id="trailing-space"),
        pytest.param("", id="empty"),
    ],
)
def test_malformed_signature_is_401(client, queue, signature):
    delivery = headers("installation", BODY, None) | {"X-Hub-Signature-256": signature}

    response = client.post("/webhook", content=BODY, headers=delivery)

    assert response.status_code == 401
    assert queue.events == []


def test_legacy_sha1_header_alone_is_401(client, queue):
    legacy = "sha1=" + hmac.new(SECRET.encode(), BODY, hashlib.sha1).hexdigest()
    delivery = headers("installation", BODY, None) | {"X-Hub-Signature": legacy}

    response = client.post("/webhook", content=BODY, headers=delivery)

    assert response.status_code == 401
    assert queue.events == []


# -- body ------------------------------------------------------------------------------------


class Body:
    """A streamed request body of `size` zero bytes in 1 MiB chunks that counts what was read."""

    CHUNK = 1024 * 1024

    def __init__(self, size: int) -> None:
        self.size = size
        self.read = 0

    async def __aiter__(self):
        while self.read < self.size:
            chunk = b"\0" * min(self.CHUNK, self.size - self.read)
            self.read += len(chunk)
            yield chunk


def post_streamed(app, body: Body, declared: int | None) -> httpx.Response:
    """Post through httpx's ASGI transport, which pulls the body only as the app reads it."""
    extra = {"Content-Length": str(declared)} if declared is not None else {}
    signed = headers("push", b"", SECRET) | extra

    async def run() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://molt") as client:
            return await client.post("/webhook", content=body, headers=signed)

    return asyncio.run(run())


def test_declared_body_over_25_mb_is_413_without_reading_it(settings, queue):
    body = Body(MAX_BODY_BYTES + 1)

    response = post_streamed(create_app(settings, queue), body, declared=body.size)

    assert response.status_code == 413
    assert body.read == 0
    assert queue.events == []


def test_streamed_body_over_25_mb_is_413_once_the_cap_is_passed(settings, queue):
    body = Body(40 * 1024 * 1024)

    response = post_streamed(create_app(settings, queue), body, declared=None)

    assert response.status_code == 413
    assert MAX_BODY_BYTES < body.read <= MAX_BODY_BYTES + Body.CHUNK
    assert queue.events == []


def test_body_of_exactly_25_mb_is_read(client, queue):
    body = b" " * (MAX_BODY_BYTES - 2) + b"{}"

    response = deliver(client, "star", body)

    assert response.status_code == 202
    assert response.json() == {"status": "ignored"}


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b'{"action": "created",', id="truncated"),
        pytest.param(b"payload=%7B%22action%22%3A%22created%22%7D", id="form-encoded"),
        pytest.param(b'["installation"]', id="array"),
        pytest.param(b"\xff\xfe{}", id="not-utf8"),
        pytest.param(b"", id="empty"),
        pytest.param(b"[" * 100_000 + b"]" * 100_000, id="too-deep"),
    ],
)
def test_malformed_json_with_valid_signature_is_400(client, queue, body):
    response = deliver(client, "installation", body)

    assert response.status_code == 400
    assert queue.events == []


def test_malformed_content_length_is_400(settings, queue):
    app = create_app(settings, queue)
    scope_headers = [(b"content-length", b"12, 12"), (b"x-hub-signature-256", GOOD.encode())]
    scope = {"type": "http", "method": "POST", "path": "/webhook", "headers": scope_headers}
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": BODY, "more_body": False}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope | {"query_string": b"", "root_path": ""}, receive, send))

    assert sent[0]["status"] == 400
    assert queue.events == []


@pytest.mark.parametrize("missing", ["X-GitHub-Event", "X-GitHub-Delivery"])
def test_missing_github_header_is_400(client, queue, missing):
    delivery = headers("installation", BODY)
    del delivery[missing]

    response = client.post("/webhook", content=BODY, headers=delivery)

    assert response.status_code == 400
    assert queue.events == []


# -- which events ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", PATHS)
def test_both_webhook_paths_receive(client, queue, path):
    response = deliver(client, "installation", BODY, path=path)

    assert response.status_code == 202
    assert [event.name for event in queue.events] == ["installation"]


def test_ping_is_answered_without_a_job(client, queue):
    response = deliver_example(client, "ping/with-app_id.json")

    assert response.status_code == 202
    assert response.json() == {"status": "pong"}
    assert queue.events == []


def test_unknown_action_is_ignored(client, queue):
    response = deliver_example(client, "installation/suspend.json")

    assert response.json() == {"status": "ignored"}
    assert queue.events == []


def test_unknown_event_is_ignored(client, queue):
    payload = load_json("installation/created.json")
    body = json.dumps(payload).encode()

    response = deliver(client, "star", body)

    assert response.status_code == 202
    assert response.json() == {"status": "ignored"}
    assert queue.events == []


def test_wanted_event_without_installation_is_ignored(client, queue):
    response = deliver_example(client, "issue_comment/created.json")

    assert response.status_code == 202
    assert response.json() == {"status": "no installation"}
    assert queue.events == []


def test_pull_request_edited_is_enqueued(client, queue):
    # GitHub publishes no `edited` example; the action is the only field the receiver reads.
    payload = load_json("pull_request/opened.json") | {"action": "edited"}

    response = deliver(client, "pull_request", json.dumps(payload).encode())

    assert response.json() == {"status": "queued"}
    assert [(e.name, e.action) for e in queue.events] == [("pull_request", "edited")]


# -- redelivery ------------------------------------------------------------------------------


def test_redelivery_is_enqueued_once(client, queue):
    first = deliver_example(client, "installation/created.json", delivery_id="d-1")
    second = deliver_example(client, "installation/created.json", delivery_id="d-1")

    assert first.json() == {"status": "queued"}
    assert second.status_code == 202
    assert second.json() == {"status": "duplicate"}
    assert len(queue.events) == 1


def test_redelivery_after_restart_is_enqueued_once(settings, queue):
    deliver_example(
        TestClient(create_app(settings, queue)), "push/with-installation.json", delivery_id="d-1"
    )

    restarted = TestClient(create_app(settings, queue))
    response = deliver_example(restarted, "push/with-installation.json", delivery_id="d-1")

    assert response.json() == {"status": "duplicate"}
    assert len(queue.events) == 1
    assert (settings.data_dir / FILENAME).is_file()


def test_redelivery_after_expiry_is_enqueued_again(settings, queue):
    clock = Clock()
    store = DeliveryStore.in_data_dir(settings.data_dir, clock=clock)
    client = TestClient(create_app(settings, queue, deliveries=store))
    deliver_example(client, "installation/deleted.json", delivery_id="d-1")
    clock.now += 8 * 24 * 60 * 60

    response = deliver_example(client, "installation/deleted.json", delivery_id="d-1")

    assert response.json() == {"status": "queued"}
    assert len(queue.events) == 2


def test_concurrent_redeliveries_are_enqueued_once(client, queue):
    body = load("installation_repositories/added.json")
    delivery = headers("installation_repositories", body, delivery_id="d-1")

    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(
            pool.map(lambda _: client.post("/webhook", content=body, headers=delivery), range(16))
        )

    assert {r.status_code for r in responses} == {202}
    assert len(queue.events) == 1


def test_enqueue_failure_is_202_spooled_and_queued_once_the_queue_answers(client, queue, caplog):
    queue.failures.append(ConnectionError("redis is down"))

    failed = deliver_example(client, "installation/created.json", delivery_id="d-1")

    assert (failed.status_code, failed.json()) == (202, {"status": "spooled"})
    assert wait_for(lambda: len(queue.events) == 1)
    retried = deliver_example(client, "installation/created.json", delivery_id="d-1")
    assert retried.json() == {"status": "duplicate"}
    assert [e.delivery_id for e in queue.events] == ["d-1"]
    warnings = [r.getMessage() for r in caplog.records if r.name == "app.outbox"]
    assert warnings[0] == (
        "could not queue deliveries (ConnectionError: redis is down); "
        "they are spooled until the queue answers"
    )
    assert not any(r.exc_info for r in caplog.records)


def test_store_failure_is_503(settings, queue, caplog):
    store = DeliveryStore.in_data_dir(settings.data_dir)
    client = TestClient(create_app(settings, queue, deliveries=store))
    store.path.unlink()
    store.path.mkdir()  # a directory where the database was: every query fails

    response = deliver_example(client, "installation/created.json")

    assert response.status_code == 503
    assert queue.events == []


# -- logging ---------------------------------------------------------------------------------


def test_logs_name_the_delivery_and_never_the_secret_or_signature(client, queue, caplog):
    caplog.set_level(logging.DEBUG)
    body = load("installation/created.json")
    delivery = headers("installation", body, delivery_id="d-log")

    client.post("/webhook", content=body, headers=delivery)
    client.post("/webhook", content=body, headers=delivery)
    deliver_example(client, "installation/created.json", secret="forged")

    queued = [r for r in caplog.records if r.getMessage().startswith("queued")]
    assert [(r.delivery_id, r.installation_id) for r in queued] == [("d-log", 957387)]
    assert all(hasattr(r, "delivery_id") for r in caplog.records if r.name == "app.webhooks")
    assert any(r.getMessage().startswith("refused: 401") for r in caplog.records)
    for record in caplog.records:
        text = record.getMessage() + repr(record.__dict__)
        assert SECRET not in text
        assert delivery["X-Hub-Signature-256"].removeprefix("sha256=") not in text
    assert SECRET not in caplog.text


# -- health ----------------------------------------------------------------------------------


def test_healthz_is_200_when_store_and_queue_are_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"deliveries": "ok", "queue": "ok"}}


def test_healthz_is_degraded_when_the_queue_reports_a_problem(settings, queue):
    # deliveries are still accepted (spooled): the server stays in service
    client = TestClient(create_app(settings, queue, queue_health=lambda: "redis unreachable"))

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "checks": {
            "deliveries": "ok",
            "queue": "degraded: queue unreachable (redis unreachable); 0 deliveries spooled",
        },
    }


def test_healthz_is_degraded_when_the_queue_check_raises(settings, queue, caplog):
    def broken() -> str:
        raise ConnectionError("connection refused")

    client = TestClient(create_app(settings, queue, queue_health=broken))

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["checks"]["queue"] == (
        "degraded: queue unreachable (error: ConnectionError); 0 deliveries spooled"
    )


def test_healthz_counts_what_is_spooled_while_the_queue_refuses(client, queue):
    queue.failures.extend(ConnectionError("redis is down") for _ in range(1000))
    for number in range(3):
        deliver_example(client, "installation/created.json", delivery_id=f"d-{number}")

    report = client.get("/healthz").json()

    assert report["status"] == "degraded"
    assert report["checks"]["queue"] == (
        "degraded: queue unreachable (ConnectionError); 3 deliveries spooled"
    )
    queue.failures.clear()
    assert wait_for(lambda: client.get("/healthz").json()["status"] == "ok")
    assert sorted(e.delivery_id for e in queue.events) == ["d-0", "d-1", "d-2"]


def test_healthz_is_503_when_the_store_is_broken(settings, queue):
    store = DeliveryStore.in_data_dir(settings.data_dir)
    client = TestClient(create_app(settings, queue, deliveries=store))
    store.path.unlink()
    store.path.mkdir()

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["checks"]["deliveries"].startswith("error: ")


# -- derived examples ------------------------------------------------------------------------


def test_there_are_derived_examples():
    assert {example_id(p.values[0]) for p in DERIVED} == {
        "pull_request/closed.merged.derived-from-closed.json",
        "push/ordinary.derived-from-with-new-branch.json",
    }


@pytest.mark.parametrize("path", DERIVED)
def test_derived_example_matches_its_schema(path):
    payload = json.loads(path.read_bytes())

    assert schema_errors(event_name(path), payload.get("action"), payload) == []


def test_derived_merged_close_is_merged():
    pull = load_json("pull_request/closed.merged.derived-from-closed.json")["pull_request"]

    assert (pull["state"], pull["merged"]) == ("closed", True)
    assert pull["merged_at"] == pull["closed_at"]


def test_derived_push_is_an_ordinary_push_to_the_default_branch():
    push = load_json("push/ordinary.derived-from-with-new-branch.json")

    assert push["ref"] == "refs/heads/" + push["repository"]["default_branch"]
    assert (push["created"], push["deleted"], push["forced"]) == (False, False, False)
    assert set(push["before"]) != {"0"}
    assert push["head_commit"]["id"] == push["after"] == push["commits"][-1]["id"]


@pytest.mark.parametrize(
    "path",
    [
        p
        for p in EXAMPLES
        if (event_name(p.values[0]), load_json(example_id(p.values[0])).get("action")) in WANTED
    ],
)
def test_wanted_examples_match_their_schema(path):
    # The copied schemas cover every event molt accepts; the real examples validate too.
    payload = json.loads(path.read_bytes())

    assert schema_errors(event_name(path), payload.get("action"), payload) == []


# -- unauthenticated bodies are bounded ------------------------------------------------------


class SlowBody:
    """A signed body sent in `parts`, `pause` seconds apart."""

    def __init__(self, body: bytes, parts: int, pause: float) -> None:
        self.body, self.parts, self.pause = body, parts, pause

    async def __aiter__(self):
        size = -(-len(self.body) // self.parts)
        for start in range(0, len(self.body), size):
            await asyncio.sleep(self.pause)
            yield self.body[start : start + size]


def limited_app(tmp_path, queue, limits: Limits) -> Receiver:
    async def submit(event: WebhookEvent, body: bytes) -> str:
        queue(event)
        return "queued"

    return Receiver(SecretStr(SECRET), submit, tmp_path / "bodies", limits)


async def post_slowly(app, body: SlowBody) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://molt") as client:
        return await client.post("/webhook", content=body, headers=headers("push", body.body))


def test_body_not_received_in_time_is_408(tmp_path, queue):
    app = limited_app(tmp_path, queue, Limits(seconds=0.2))

    response = asyncio.run(post_slowly(app, SlowBody(BODY, parts=5, pause=0.1)))

    assert response.status_code == 408
    assert queue.events == []


def test_bodies_past_the_cap_at_once_are_503_and_the_others_read(tmp_path, queue):
    app = limited_app(tmp_path, queue, Limits(concurrent=2))

    async def three_at_once():
        return await asyncio.gather(
            *(post_slowly(app, SlowBody(BODY, parts=3, pause=0.05)) for _ in range(3))
        )

    statuses = sorted(r.status_code for r in asyncio.run(three_at_once()))

    assert statuses == [202, 202, 503]
    assert len(queue.events) == 2


def test_body_past_the_memory_share_goes_through_a_file(tmp_path, queue):
    app = limited_app(tmp_path, queue, Limits(memory_bytes=1024))
    big = json.dumps(load_json("installation/created.json") | {"pad": "x" * 100_000}).encode()

    response = asyncio.run(post_slowly(app, SlowBody(big, parts=10, pause=0)))

    assert response.status_code == 202
    assert queue.events[0].payload["pad"] == "x" * 100_000
    assert (tmp_path / "bodies").is_dir()
