"""The history write-behind: batches in order, flush is read-your-writes, one bad row costs only
itself, close drains, a full queue writes inline without reordering."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    select,
)

from nexatron.query.recorder import Job, Recorder

META = MetaData()
ROWS = Table("rows", META, Column("id", Integer, primary_key=True), Column("v", String))


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Engine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'r.db'}")
    META.create_all(engine)
    yield engine
    engine.dispose()


def insert(i: int, v: str = "x") -> Job:
    def job(conn: Connection) -> None:
        conn.execute(ROWS.insert(), {"id": i, "v": v})

    return job


def update(i: int, v: str) -> Job:
    def job(conn: Connection) -> None:
        conn.execute(ROWS.update().where(ROWS.c.id == i).values(v=v))

    return job


def rows(db: Engine) -> dict[int, str]:
    with db.connect() as conn:
        return {r.id: r.v for r in conn.execute(select(ROWS))}


def test_flush_makes_every_submitted_row_readable_in_order(db: Engine) -> None:
    recorder = Recorder(db, max_batch=7)
    for i in range(100):
        recorder.submit(insert(i))
        recorder.submit(update(i, f"v{i}"))  # only right if it runs after its insert
    recorder.flush()
    assert rows(db) == {i: f"v{i}" for i in range(100)}
    recorder.close()


def test_a_failing_row_costs_only_itself(db: Engine, caplog: pytest.LogCaptureFixture) -> None:
    recorder = Recorder(db)
    gate = threading.Event()
    recorder.submit(lambda conn: gate.wait(5))  # hold the writer so the rest form one batch
    recorder.submit(insert(1))
    recorder.submit(insert(1))  # duplicate key: this one fails
    recorder.submit(insert(2))
    gate.set()
    recorder.flush()
    assert rows(db) == {1: "x", 2: "x"}
    assert "could not be written" in caplog.text
    recorder.close()


def test_close_writes_everything_pending_then_writes_inline(db: Engine) -> None:
    recorder = Recorder(db)
    for i in range(50):
        recorder.submit(insert(i))
    recorder.close()
    assert len(rows(db)) == 50
    recorder.submit(insert(99))  # after close: written before submit returns
    assert 99 in rows(db)


def test_a_full_queue_writes_inline_after_what_is_queued(db: Engine) -> None:
    recorder = Recorder(db, max_pending=2)
    started, gate = threading.Event(), threading.Event()

    def hold(conn: Connection) -> None:
        started.set()
        gate.wait(5)

    recorder.submit(hold)
    assert started.wait(5)  # the writer is busy; the next two fill the queue
    recorder.submit(insert(1))
    recorder.submit(insert(2))
    threading.Timer(0.1, gate.set).start()
    recorder.submit(update(1, "later"))  # full: waits for the queue, then runs inline
    assert rows(db) == {1: "later", 2: "x"}
    recorder.close()


def test_the_writer_waits_while_answering_unless_flushed(db: Engine) -> None:
    recorder = Recorder(db, linger_s=5)
    with recorder.answering():
        recorder.submit(insert(1))
        threading.Event().wait(0.1)
        assert rows(db) == {}  # held back while a question is being answered
        recorder.flush()  # a reader needs it: written now
        assert rows(db) == {1: "x"}
        recorder.submit(insert(2))
    recorder.flush(timeout_s=1)  # no longer answering: written without the linger
    assert rows(db) == {1: "x", 2: "x"}
    recorder.close()


def test_under_steady_answering_the_writer_still_writes_every_linger(db: Engine) -> None:
    recorder = Recorder(db, linger_s=0.05)
    with recorder.answering():
        recorder.submit(insert(1))
        deadline = threading.Event()
        for _ in range(50):
            if rows(db):
                break
            deadline.wait(0.01)
        assert rows(db) == {1: "x"}
    recorder.close()


def _written_within(db: Engine, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if rows(db):
            return True
        time.sleep(0.005)
    return bool(rows(db))


def test_after_an_answer_the_writer_waits_for_a_quiet_moment(db: Engine) -> None:
    recorder = Recorder(db, linger_s=5, quiet_s=0.3)
    with recorder.answering():
        recorder.submit(insert(1))
    # The answer is being sent (or the next question asked): not yet.
    assert not _written_within(db, 0.1)
    assert _written_within(db, 2)  # quiet long enough: written, well before the linger
    recorder.close()


def test_an_answer_waiting_on_its_database_lets_the_writer_run(db: Engine) -> None:
    recorder = Recorder(db, linger_s=5, quiet_s=5)
    with recorder.answering():
        recorder.submit(insert(1))
    with recorder.answering():  # the next question, at once
        assert not _written_within(db, 0.1)
        with recorder.waiting_on_database():
            assert _written_within(db, 2)  # its wait on the database is the writer's turn
    recorder.close()


def test_a_batch_whose_connection_the_store_drops_is_written_on_a_fresh_one() -> None:
    """PostgreSQL terminates the writer's backend in the middle of a batch (as
    pg_terminate_backend or a restart does): the batch did not commit, and is written once more
    on a new connection, every row of it (before, a one-row batch was lost)."""
    import secrets

    from sqlalchemy import text

    engine = create_engine("postgresql+psycopg2://postgres@127.0.0.1:5432/test")
    table = Table(
        f"nx_rec_{secrets.token_hex(4)}", MetaData(), Column("id", Integer, primary_key=True)
    )
    table.create(engine)
    runs = [0]

    def dropped_once(conn: Connection) -> None:
        runs[0] += 1
        conn.execute(table.insert(), {"id": 1})
        if runs[0] == 1:
            conn.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))

    try:
        for job in (
            [dropped_once],
            [dropped_once, lambda conn: conn.execute(table.insert(), {"id": 2})],
        ):
            runs[0] = 0
            with engine.begin() as conn:
                conn.execute(table.delete())
            Recorder(engine).write_now(job)
            with engine.connect() as conn:
                ids = conn.execute(select(table.c.id).order_by(table.c.id)).scalars().all()
            assert runs[0] == 2 and ids == list(range(1, len(job) + 1))
    finally:
        table.drop(engine)
        engine.dispose()
