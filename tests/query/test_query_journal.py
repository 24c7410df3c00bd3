"""The history writer's crash journal (query/journal.py): a process killed with queued rows
loses none of them (a real `kill -9` of a child process, then a replay); a live process's
journal is never replayed; a torn last record is skipped; written jobs leave the disk."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from operator import methodcaller
from pathlib import Path

from sqlalchemy import create_engine, text

from nexatron.query.journal import Journal, Record, read_records, replay
from nexatron.query.recorder import Recorder

SRC = str(Path(__file__).resolve().parents[2] / "src")

# A child process: a recorder whose writer is held back (a question is being answered for an
# hour) writes 5 rows, then queues 40 more and waits to be killed.
CHILD = textwrap.dedent(
    """
    import sys, time
    from operator import methodcaller
    from pathlib import Path
    from sqlalchemy import create_engine
    from nexatron.query.journal import Journal
    from nexatron.query.recorder import Recorder

    db = create_engine("sqlite:///" + sys.argv[1])
    recorder = Recorder(db, journal=Journal(Path(sys.argv[2])), linger_s=3600)

    def insert(i):
        sql = f"INSERT INTO rows (id) VALUES ('q{i}')"
        return methodcaller("exec_driver_sql", sql)

    for i in range(5):
        recorder.submit(insert(i), key=f"q{i}")
    recorder.flush()
    with recorder.answering():
        for i in range(5, 45):
            recorder.submit(insert(i), key=f"q{i}")
        print("queued", flush=True)
        time.sleep(600)
    """
)


def _ids(url: str) -> list[str]:
    engine = create_engine(url)
    with engine.connect() as conn:
        found = [r[0] for r in conn.execute(text("SELECT id FROM rows ORDER BY id"))]
    engine.dispose()
    return found


def test_rows_queued_by_a_killed_process_are_replayed_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE rows (id TEXT PRIMARY KEY)"))
    root = tmp_path / "journal"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tmp_path / "store.db"), str(root)],
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": SRC},
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == b"queued", "the child process did not start"
    assert len(_ids(url)) == 5  # the 40 queued rows are not written yet
    assert replay(root, lambda records: None) == 0  # its owner lives: not replayed
    child.send_signal(signal.SIGKILL)
    child.wait(10)
    assert len(_ids(url)) == 5  # killed: its 40 queued rows were never written

    replayed: list[str | None] = []
    recorder = Recorder(engine)

    def write(records: list[Record]) -> None:  # as query.service.replay_journals: skip written
        done = set(_ids(url))
        todo = [(key, job) for key, job in records if key not in done]
        replayed.extend(key for key, _ in todo)
        recorder.write_now([job for _, job in todo])

    replay(root, write)
    assert _ids(url) == sorted(f"q{i}" for i in range(45))
    assert sorted(replayed) == sorted(f"q{i}" for i in range(5, 45))  # once each
    assert list(root.iterdir()) == []  # its journal is gone
    assert replay(root, write) == 0
    engine.dispose()


def test_written_jobs_leave_the_disk_and_a_clean_close_removes_the_journal(
    tmp_path: Path,
) -> None:
    root = tmp_path / "journal"
    journal = Journal(root, segment_bytes=512)  # a few records per segment

    def on_disk() -> list[str | None]:
        return [k for s in sorted(journal.directory.glob("*.log")) for k, _ in read_records(s)]

    for i in range(30):
        journal.append(Journal.encode(f"q{i}", methodcaller("exec_driver_sql", "SELECT 1")))
    assert on_disk() == [f"q{i}" for i in range(30)]
    journal.written(12)  # the oldest 12 are in the store: whole segments of them are removed
    left = on_disk()
    assert left[-18:] == [f"q{i}" for i in range(12, 30)] and len(left) < 30
    journal.written(18)  # caught up: nothing left on disk
    assert on_disk() == []
    journal.append(Journal.encode("q30", None))
    assert on_disk() == ["q30"]
    journal.written(1)
    journal.close(drained=True)
    assert list(root.iterdir()) == []


def test_a_torn_last_record_ends_the_replay_of_its_segment(tmp_path: Path) -> None:
    path = tmp_path / "00000001.log"
    whole = [Journal.encode(f"q{i}", {"row": i}) for i in range(3)]
    path.write_bytes(b"".join(whole) + whole[0][: len(whole[0]) // 2])
    assert [key for key, _ in read_records(path)] == ["q0", "q1", "q2"]
    path.write_bytes(whole[0] + whole[1][:-1] + b"x" + whole[2])  # a corrupt middle record
    assert [key for key, _ in read_records(path)] == ["q0"]


def test_an_unpicklable_job_is_logged_and_still_counted(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal")
    journal.append(Journal.encode("q0", lambda conn: None))  # a lambda cannot be pickled
    journal.append(Journal.encode("q1", None))
    files = sorted(journal.directory.glob("*.log"))
    assert [key for key, _ in read_records(files[0])] == ["q1"]
    journal.written(2)  # both counted: the journal is emptied, not left one behind
    assert files[0].stat().st_size == 0
    journal.close(drained=False)  # an unclean close keeps the directory for a replay
    assert journal.directory.is_dir()


def test_the_cli_replays_a_data_dir_copied_from_a_dead_node(tmp_path: Path) -> None:
    """`nexatron --data-dir DIR journal-replay`: the journal of a node that will not come back,
    written into the store its settings name (here the data dir's own SQLite store)."""
    from nexatron.services import build_services
    from nexatron.testing import TEST_SECRET, make_settings

    store = f"sqlite:///{tmp_path / 'nx.db'}"
    settings, _cleanup = make_settings(tmp_path, database_url=store)
    build_services(settings).close()  # the store, migrated
    journal = Journal(tmp_path / "journal")
    job = methodcaller("exec_driver_sql", "CREATE TABLE journal_probe (x INTEGER)")
    journal.append(Journal.encode(None, job))
    journal.close(drained=False)  # as if killed: the lock is released, the record stays
    env = {**os.environ, "PYTHONPATH": SRC, "NEXATRON_SECRET_KEY": TEST_SECRET,
           "NEXATRON_DATABASE_URL": store, "NEXATRON_DEV": "1"}  # fmt: skip
    out = subprocess.run(
        [sys.executable, "-m", "nexatron.cli", "--data-dir", str(tmp_path), "journal-replay"],
        env=env, capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    assert out.startswith("Replayed 1 journaled history jobs"), out
    engine = create_engine(store)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM journal_probe")).scalar() == 0
    engine.dispose()
    assert list((tmp_path / "journal").iterdir()) == []


def test_without_a_usable_journal_directory_answers_are_still_recorded(tmp_path: Path) -> None:
    """A data dir where the journal cannot be made (here `journal` is a file): logged, and the
    history writer runs without it rather than every question failing."""
    from nexatron.query.service import query_service
    from nexatron.services import build_services
    from nexatron.testing import make_settings

    settings, cleanup = make_settings(tmp_path)
    (tmp_path / "journal").write_text("not a directory")
    services = build_services(settings)
    try:
        recorder = query_service(services).recorder
        table = "journal_less_" + os.urandom(4).hex()
        recorder.submit(methodcaller("exec_driver_sql", f"CREATE TABLE {table} (x INTEGER)"))
        recorder.flush()
        with services.db.connect() as conn:
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0
            conn.execute(text(f"DROP TABLE {table}"))
            conn.commit()
    finally:
        services.close()
        if cleanup:
            cleanup()
