"""Run one upload job in a child process (files/worker.py) with hard limits: address space
(`NEXATRON_UPLOAD_MEMORY_MB`), CPU time, and a wall-clock timeout (`NEXATRON_UPLOAD_TIMEOUT_S`)
after which the child is killed and reaped. A file that exhausts them costs the child, never
the server; the outcome comes back as one JSON line."""

from __future__ import annotations

import json
import logging
import math
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nexatron
from nexatron.files import worker

THREADS = 2  # DuckDB threads in the child (its CPU-time limit allows both for the whole timeout)
log = logging.getLogger("nexatron.files")
_SOURCE_ROOT = str(Path(nexatron.__file__).resolve().parent.parent)


@dataclass(frozen=True)
class Limits:
    memory_mb: int
    timeout_s: float

    @property
    def cpu_s(self) -> int:
        return max(1, math.ceil(self.timeout_s * THREADS))


class OutOfLimits(Exception):
    """The child ran out of memory or time, or died (killed by a limit)."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


def _environment() -> dict[str, str]:
    """A bare environment: the child sees none of the server's settings or secrets. Two malloc
    arenas: glibc reserves 64 MB of address space per thread arena, which under the
    address-space limit fails small files at random."""
    return {
        "PYTHONPATH": _SOURCE_ROOT,
        "PATH": os.defpath,
        "LC_ALL": "C.UTF-8",
        "MALLOC_ARENA_MAX": "2",
    }


def run(job: dict[str, Any], limits: Limits, cwd: Path) -> dict[str, str]:
    """The child's outcome (worker.OK or worker.INVALID with a step); OutOfLimits otherwise."""
    payload = {**job, "memory_mb": limits.memory_mb, "cpu_s": limits.cpu_s, "threads": THREADS}
    try:
        done = subprocess.run(
            [sys.executable, "-s", "-m", "nexatron.files.worker"],
            input=json.dumps(payload).encode(),
            capture_output=True,  # one JSON line, and a traceback at most
            cwd=cwd,
            env=_environment(),
            timeout=limits.timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired:  # run() has killed and reaped the child
        raise OutOfLimits(f"it took longer than {limits.timeout_s:g} s") from None
    lines = done.stdout.decode(errors="replace").strip().splitlines()
    outcome: dict[str, str] = {}
    if done.returncode == 0 and lines:
        try:
            outcome = json.loads(lines[-1])
        except ValueError:
            outcome = {}
    if outcome.get("outcome") in (worker.OK, worker.INVALID):
        return outcome
    stderr = done.stderr.decode(errors="replace")[-500:]
    log.warning("upload converter: exit %s, %s; %s", done.returncode, outcome, stderr)
    if outcome.get("outcome") == worker.LIMITS:
        raise OutOfLimits(f"it needed more than {limits.memory_mb} MB of memory")
    if done.returncode == -signal.SIGXCPU:  # the CPU-time limit (SIGKILL a second later)
        raise OutOfLimits(f"it used more than {limits.cpu_s} s of CPU time")
    if done.returncode < 0:  # a crash, e.g. an allocation failure DuckDB could not report
        raise OutOfLimits(f"the converter was killed (signal {-done.returncode})")
    raise OutOfLimits(f"the converter failed (exit status {done.returncode}, out of memory?)")
