"""Many huey tasks onto the queue in one write: one SQLite transaction, or one Redis command.

huey writes each task on its own: a transaction each on SQLite (which waits on the workers'
dequeues), a round trip each to Redis. For a burst of webhook deliveries that is most of the
time the acknowledgement takes, so the outbox writes a batch at once. The rows and members are
exactly those ``Huey.enqueue`` writes, so the consumers cannot tell the difference; any other
storage is written task by task.
"""

from __future__ import annotations

import struct
import time
from collections.abc import Sequence

from huey import Huey, signals
from huey.api import Task
from huey.storage import RedisPriorityQueue, RedisStorage, SqliteStorage


def enqueue_all(huey: Huey, tasks: Sequence[Task]) -> None:
    """Put `tasks` on `huey`'s queue, in order; all of them or (on SQLite) none."""
    if not tasks:
        return
    storage = huey.storage
    if huey.immediate or not isinstance(storage, SqliteStorage | RedisStorage):
        for task in tasks:
            huey.enqueue(task)
        return
    messages = [(huey.serialize_task(task), task.priority or 0) for task in tasks]
    if isinstance(storage, SqliteStorage):
        rows = [(storage.name, storage.to_blob(data), priority) for data, priority in messages]
        with storage.db(commit=True) as cursor:
            cursor.executemany("insert into task (queue, data, priority) values (?, ?, ?)", rows)
    elif isinstance(storage, RedisPriorityQueue):
        # huey prefixes each member with its enqueue time in microseconds, to keep the order
        # of equal priorities; consecutive microseconds keep this batch's order.
        start = int(time.time() * 1e6)
        members = {
            struct.pack(">Q", start + i) + data: -priority
            for i, (data, priority) in enumerate(messages)
        }
        storage.conn.zadd(storage.queue_key, members)
    else:
        storage.conn.lpush(storage.queue_key, *(data for data, _ in messages))
    for task in tasks:
        huey._emit(signals.SIGNAL_ENQUEUED, task)
