"""Write-behind for query history: one background thread per process writes answers in batches.

An answer is returned as soon as it is ready; its history row (and the conversation's last plan)
follow within milliseconds, one transaction per batch, in the order they were submitted. Reads
of history in this process (GET /query/{id}, the history list, DELETE, a follow-up's
conversation) call `flush` first, so a client always reads its own writes from the process that
answered it. Another worker process sees them once written: a few milliseconds.

The writer yields to answering: while a question is being answered in this process (see
`answering`) it waits, up to `linger_s`, so its Python work does not compete for the GIL with
a request's (a request resuming after its database query would otherwise wait for the writer).
When the last answer ends it waits for `quiet_s` of quiet: that moment is spent sending the
response and, under sequential load, taking the next question. Under steady load it writes every
`linger_s`, in bigger batches; `flush` makes it write at once.
While answers keep coming (one in the last `poll_s`) the writer looks at an empty queue every
`linger_s` instead of being woken; only a writer asleep after a quiet spell is woken by a
submit. Waking it for every answer cost a futex wake-up each with the GIL held, and on a busy
machine the woken thread often took the CPU from the request (`Condition.notify` in
`submit`, ~9% of a worker's GIL samples under wrk c=16, issue 18).

`finish` (optional) runs once per batch in the same transaction with what the jobs returned: the
usage writer sums a batch's rollups there, one upsert per key instead of one per question.

A clean shutdown writes everything pending (`close`). With a `Journal` (query/journal.py) each
job is also appended to a local file before `submit` returns, so a process killed outright loses
nothing: the next start replays what it had not written. A batch whose connection the
store dropped (a terminated or restarted backend) is written once more on a fresh connection; a
batch that fails otherwise is retried row by row, so one bad row (its connection deleted
meanwhile, say) costs only itself; that loss is logged.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from nexatron.query.journal import Journal

log = logging.getLogger("nexatron.history")
_ANSWERING: ContextVar[bool] = ContextVar("nexatron_answering", default=False)
# A job writes its rows and may return something for `finish` (the batch's usage facts).
Job = Callable[[Connection], object]
Finish = Callable[[Connection, list[object]], None]


class Recorder:
    def __init__(
        self,
        db: Engine,
        *,
        max_batch: int = 256,
        max_pending: int = 10_000,
        linger_s: float = 0.02,
        quiet_s: float = 0.002,
        poll_s: float = 1.0,
        finish: Finish | None = None,
        journal: Journal | None = None,
    ) -> None:
        self._db = db
        self._journal = journal  # queued jobs, appended before `submit` returns
        self._finish = finish  # called once per batch, in its transaction, with what jobs returned
        self._max_batch = max_batch
        self._max_pending = max_pending
        self._linger_s = linger_s
        self._quiet_s = quiet_s
        self._db_waits = 0  # answers waiting on their database: the writer may run meanwhile
        self._idle_since = 0.0  # when the last answer in this process ended
        self._cond = threading.Condition()
        self._pending: deque[Job] = deque()
        self._oldest_at: deque[float] = deque()  # when each pending job was submitted
        self._submitted = 0
        self._written = 0
        self._wanted = 0  # the highest submission number a flush waits for
        self._busy = 0  # questions being answered in this process
        self._closed = False
        self._poll_s = poll_s
        self._last_submit = 0.0
        self._sleeping = False  # the writer waits for work: a submit must wake it
        self._thread: threading.Thread | None = None

    @contextmanager
    def answering(self) -> Iterator[None]:
        """Mark a question being answered: the writer holds back (up to linger_s) meanwhile.
        Nested (the route around `ask_async`), only the outer mark counts: each mark is two
        turns of the lock every answering thread and the writer share."""
        if _ANSWERING.get():
            yield
            return
        self._enter()
        token = _ANSWERING.set(True)
        try:
            yield
        finally:
            _ANSWERING.reset(token)
            self._leave()

    @contextmanager
    def waiting_on_database(self) -> Iterator[None]:
        """Inside `answering`: the request waits for its database without holding the GIL, the
        best moment for the writer to run."""
        if not _ANSWERING.get():
            yield
            return
        self._leave(to_database=True)
        try:
            yield
        finally:
            self._enter(from_database=True)

    def _enter(self, *, from_database: bool = False) -> None:
        with self._cond:
            self._busy += 1
            self._db_waits -= from_database

    def _leave(self, *, to_database: bool = False) -> None:
        with self._cond:
            self._busy -= 1
            self._db_waits += to_database
            if not self._busy:
                self._idle_since = time.monotonic()
                if self._pending:
                    self._cond.notify_all()

    def submit(self, job: Job, *, key: str | None = None) -> None:
        """Queue `job` (run in a transaction with others); written inline once closed or when
        the queue is full (the store has fallen behind: back-pressure instead of memory).
        `key` (the query id) lets a replay of the journal skip a job already written."""
        record = self._journal.encode(key, job) if self._journal is not None else b""
        with self._cond:
            inline = self._closed or len(self._pending) >= self._max_pending
            if not inline:
                if self._journal is not None:
                    self._journal.append(record)
                self._pending.append(job)
                self._last_submit = time.monotonic()
                self._oldest_at.append(self._last_submit)
                self._submitted += 1
                if self._thread is None:
                    self._thread = threading.Thread(
                        target=self._run, name="nexatron-history", daemon=True
                    )
                    self._thread.start()
                if self._sleeping:
                    self._cond.notify_all()
        if inline:
            self.flush()  # keep the order: a conversation's insert before its updates
            self._write([job])

    def pending(self) -> bool:
        """Something submitted is not written yet."""
        with self._cond:
            return self._written < self._submitted

    def backlog(self) -> tuple[int, float]:
        """Rows queued and the age in seconds of the oldest (for the metrics gauges)."""
        with self._cond:
            if not self._oldest_at:
                return 0, 0.0
            return len(self._pending), time.monotonic() - self._oldest_at[0]

    def flush(self, timeout_s: float = 30.0) -> None:
        """Wait until everything submitted before this call is written."""
        with self._cond:
            target = self._submitted
            if self._written < target:
                self._wanted = max(self._wanted, target)
                self._cond.notify_all()
                self._cond.wait_for(lambda: self._written >= target, timeout_s)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(30)
        if self._journal is not None:
            with self._cond:
                drained = self._written >= self._submitted
                self._journal.close(drained=drained)
                self._journal = None

    def write_now(self, batch: list[Job]) -> None:
        """Write `batch` in this thread, in one transaction (a replayed journal's jobs)."""
        if batch:
            self._write(batch)

    def _run(self) -> None:
        while True:
            with self._cond:
                self._wait_for_work()
                if not self._pending:
                    return  # closed and drained
                self._wait_to_write()
                count = min(len(self._pending), self._max_batch)
                batch = [self._pending.popleft() for _ in range(count)]
                for _ in range(count):
                    self._oldest_at.popleft()
            self._write(batch)
            with self._cond:
                self._written += len(batch)
                if self._journal is not None:
                    self._journal.written(len(batch))
                self._cond.notify_all()

    def _wait_for_work(self) -> None:
        """Until something is queued or the recorder closes: looking every `linger_s` while
        answers keep coming, asleep (woken by the next submit) after `poll_s` without one."""
        while not self._pending and not self._closed:
            if time.monotonic() - self._last_submit < self._poll_s:
                self._cond.wait(self._linger_s)
            else:
                self._sleeping = True
                self._cond.wait()
                self._sleeping = False

    def _may_write(self) -> bool:
        if self._closed or self._wanted > self._written:
            return True
        if self._busy:
            return False
        # Nobody is answering: at once while an answer waits on its database; otherwise after a
        # quiet moment, since the end of one answer is the start of sending it (and, under
        # sequential load, of the next question).
        return bool(self._db_waits) or time.monotonic() - self._idle_since >= self._quiet_s

    def _wait_to_write(self) -> None:
        """Until `_may_write`, or `linger_s` has passed (then write regardless)."""
        deadline = time.monotonic() + self._linger_s
        while not self._may_write():
            now = time.monotonic()
            if now >= deadline:
                return
            wake = deadline
            if not self._busy:
                wake = min(wake, self._idle_since + self._quiet_s)
            self._cond.wait(max(0.0, wake - now))

    def _write(self, batch: list[Job]) -> None:
        failure: Exception | None = None
        for attempt in (1, 2):
            try:
                with self._db.begin() as conn:
                    results = [job(conn) for job in batch]
                    if self._finish is not None:
                        self._finish(conn, [r for r in results if r is not None])
                return
            except DBAPIError as exc:
                failure = exc
                # The store dropped the connection under the batch (a restarted or terminated
                # backend): the transaction did not commit; once more on a fresh connection.
                if exc.connection_invalidated and attempt == 1:
                    continue
                break
            except Exception as exc:
                failure = exc
                break
        if len(batch) == 1:
            log.error("a history row could not be written", exc_info=failure)
            return
        for job in batch:  # one bad row must not cost the others
            self._write([job])
