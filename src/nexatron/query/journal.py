"""Crash journal of the history writer: no answered question loses its history row or its usage
event when its process is killed.

The history writer (query/recorder.py) writes behind the answer, so a process killed outright
(`kill -9`, the OOM killer) used to lose the rows of its last few milliseconds. Each job queued
for the writer is first appended here, on the request path, before the response is sent: one
`write(2)` of a few hundred bytes to a file under the data directory, no `fsync` (the kernel
keeps the page cache of a killed process; only a machine crash loses it). The writer marks jobs
written in the order it commits them; a segment whose jobs are all written is removed (or
emptied, when it is the current one).

Each process keeps its own directory, `<data dir>/journal/<owner>/`, with a `lock` file it holds
(`flock`) while it lives; the kernel drops the lock when the process dies, however it dies. At
startup a server replays the journals of dead owners under its data directory (a node restarted
with the same data directory, or any worker of a `--workers N` server), skipping the jobs whose
history row the dead process had already committed (a job's key is its query id), then removes
them. `nexatron journal-replay DIR` does the same for a data directory copied from a node that
will not come back.

Records are `<length, crc32>` headers followed by a pickle of `(key, job)`: a torn last record
(the process died inside its write) fails its checksum and ends the replay of that segment. The
journal is read only by this installation's own processes from its own data directory (mode
0700), the same trust as the store's secret key beside it.
"""

from __future__ import annotations

import fcntl
import logging
import os
import pickle
import shutil
import struct
import uuid
import zlib
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger("nexatron.journal")
_HEADER = struct.Struct("<II")  # payload length, crc32 of the payload
SEGMENT_BYTES = 1 << 20
Record = tuple[str | None, Any]  # (key, job)


@dataclass
class _Segment:
    path: Path
    fd: int
    jobs: int = 0
    size: int = 0


class Journal:
    """This process's journal. `append` and `written` are called under the recorder's lock (the
    journal keeps no lock of its own): jobs are appended and written in one order."""

    def __init__(self, root: Path, *, segment_bytes: int = SEGMENT_BYTES) -> None:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        owner = uuid.uuid4().hex
        # Made under a hidden name, locked, then renamed: a replaying process never sees an
        # owner directory whose lock is not held yet.
        hidden = root / f".{owner}"
        hidden.mkdir(mode=0o700)
        self._lock_fd = os.open(hidden / "lock", os.O_CREAT | os.O_RDWR | os.O_CLOEXEC, 0o600)
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
        self.directory = root / owner
        hidden.rename(self.directory)
        self._segment_bytes = segment_bytes
        self._sequence = 0
        self._done = 0  # jobs of the oldest segment already written
        self._segments: deque[_Segment] = deque()
        self._open_segment()

    @staticmethod
    def encode(key: str | None, job: Any) -> bytes:
        """The record of a job (done before taking the recorder's lock); empty if the job cannot
        be pickled (logged: that job is then as durable as before the journal)."""
        try:
            payload = pickle.dumps((key, job), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:
            log.exception("a history job could not be journaled")
            return b""
        return _HEADER.pack(len(payload), zlib.crc32(payload)) + payload

    def append(self, record: bytes) -> None:
        segment = self._segments[-1]
        segment.jobs += 1
        if record:
            os.write(segment.fd, record)
            segment.size += len(record)
            if segment.size >= self._segment_bytes:
                self._open_segment()

    def written(self, count: int) -> None:
        """The oldest `count` jobs are committed to the store."""
        self._done += count
        while len(self._segments) > 1 and self._done >= self._segments[0].jobs:
            old = self._segments.popleft()
            self._done -= old.jobs
            os.close(old.fd)
            old.path.unlink(missing_ok=True)
        current = self._segments[0]
        if len(self._segments) == 1 and self._done >= current.jobs:
            if current.size:
                os.ftruncate(current.fd, 0)  # caught up: O_APPEND writes start again at 0
            current.jobs = current.size = self._done = 0

    def close(self, *, drained: bool) -> None:
        """Release the lock; remove the directory when every job was written (else it is left
        for the next start to replay)."""
        for segment in self._segments:
            os.close(segment.fd)
        self._segments.clear()
        if drained:
            shutil.rmtree(self.directory, ignore_errors=True)
        os.close(self._lock_fd)

    def _open_segment(self) -> None:
        self._sequence += 1
        path = self.directory / f"{self._sequence:08d}.log"
        flags = os.O_CREAT | os.O_WRONLY | os.O_APPEND | os.O_CLOEXEC
        self._segments.append(_Segment(path, os.open(path, flags, 0o600)))


def read_records(path: Path) -> Iterator[Record]:
    """The records of one segment, up to the first torn or corrupt one."""
    data = path.read_bytes()
    offset = 0
    while offset + _HEADER.size <= len(data):
        length, crc = _HEADER.unpack_from(data, offset)
        payload = data[offset + _HEADER.size : offset + _HEADER.size + length]
        if len(payload) != length or zlib.crc32(payload) != crc:
            log.warning("journal %s ends in a torn record at byte %d", path, offset)
            return
        offset += _HEADER.size + length
        try:
            yield pickle.loads(payload)  # noqa: S301 - this installation's own journal
        except Exception:
            log.exception("a journaled history job could not be read (%s)", path)


def _claim(owner: Path) -> int | None:
    """The dead owner's lock, taken (its fd), or None while its process lives."""
    try:
        fd = os.open(owner / "lock", os.O_RDWR | os.O_CLOEXEC)
    except FileNotFoundError:
        return None  # being removed by whoever replayed it
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    if not (owner / "lock").exists():  # replayed and removed between our open and flock
        os.close(fd)
        return None
    return fd


def replay(root: Path, write: Callable[[list[Record]], None], *, batch: int = 256) -> int:
    """Write the jobs journaled by dead processes under `root` (in batches, in their order) and
    remove their journals. Returns how many records were read. A live process's journal is left
    alone (its lock is held)."""
    if not root.is_dir():
        return 0
    total = 0
    for owner in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        fd = _claim(owner)
        if fd is None:
            continue
        try:
            pending: list[Record] = []
            for segment in sorted(owner.glob("*.log")):
                for record in read_records(segment):
                    pending.append(record)
                    if len(pending) >= batch:
                        write(pending)
                        total += len(pending)
                        pending = []
            if pending:
                write(pending)
                total += len(pending)
            shutil.rmtree(owner, ignore_errors=True)
        finally:
            os.close(fd)
    if total:
        log.warning("replayed %d journaled history jobs of processes that died", total)
    return total
