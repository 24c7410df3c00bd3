"""The per-tenant cap on concurrent queries: in one process, and across processes on one Redis
(leases in a sorted set, taken by one script; expired leases come back; Redis down falls back
to each process's own cap, or 503 when failing closed)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest
import redis

from nexatron.errors import RateLimited, ServiceUnavailable
from nexatron.query.service import query_service
from nexatron.query.slots import SharedTenantSlots, TenantSlots
from nexatron.services import build_services
from nexatron.testing import make_settings

from ..throwaway import own_redis_db

REDIS_URL = f"redis://127.0.0.1:6379/{own_redis_db(13)}"  # flushed around each test


@pytest.fixture
def client() -> Iterator[redis.Redis]:
    c = redis.Redis.from_url(REDIS_URL)
    c.flushdb()
    yield c
    c.flushdb()


def _shared(cap: int = 1, **kw: float | bool) -> SharedTenantSlots:
    options: dict[str, float | bool] = {"lease_s": 30.0, "wait_s": 0.3, **kw}
    return SharedTenantSlots(REDIS_URL, cap, **options)  # type: ignore[arg-type]


def test_the_local_cap_waits_then_refuses_then_frees() -> None:
    slots = TenantSlots(1, wait_s=0.2)
    held = slots.acquire("ten_a")
    start = time.monotonic()
    with pytest.raises(RateLimited) as caught:
        slots.acquire("ten_a")
    assert time.monotonic() - start >= 0.19 and caught.value.status_code == 429
    slots.acquire("ten_b").release()  # another tenant is not affected
    held.release()
    slots.acquire("ten_a").release()


def _both(client: redis.Redis) -> list[TenantSlots | SharedTenantSlots]:
    """A cap of one on each kind of slots (this process's; leases in Redis)."""
    return [TenantSlots(1, wait_s=0.05), _shared(cap=1, wait_s=0.05)]


def _free(slots: TenantSlots | SharedTenantSlots) -> bool:
    try:
        slots.acquire("ten_a").release()
    except RateLimited:
        return False
    return True


def test_hold_gives_the_slot_back_when_its_block_raises(client: redis.Redis) -> None:
    for slots in _both(client):
        with pytest.raises(ZeroDivisionError), slots.hold("ten_a"):
            assert not _free(slots)  # held inside the block
            _ = 1 / 0
        assert _free(slots), slots
    assert client.zcard("nexatron:slots:ten_a") == 0


@pytest.mark.anyio
async def test_hold_async_gives_the_slot_back_when_raised_or_cancelled(
    client: redis.Redis,
) -> None:
    for slots in _both(client):
        with pytest.raises(ZeroDivisionError):
            async with slots.hold_async("ten_a"):
                _ = 1 / 0
        assert _free(slots), slots

        holding = anyio.Event()

        async def hold_forever(
            slots: TenantSlots | SharedTenantSlots = slots, holding: anyio.Event = holding
        ) -> None:
            async with slots.hold_async("ten_a"):
                holding.set()
                await anyio.sleep_forever()

        async with anyio.create_task_group() as group:
            group.start_soon(hold_forever)
            await holding.wait()
            assert not _free(slots)
            group.cancel_scope.cancel()  # a client gone, say
        assert _free(slots), slots

        # Cancelled while it waits for a slot another holds: the wait is not abandoned, it ends
        # in its thread (here a refusal after wait_s), so no slot is left taken behind it.
        held = slots.acquire("ten_a")
        with pytest.raises(RateLimited), anyio.move_on_after(0.01):
            async with slots.hold_async("ten_a"):
                pytest.fail("the slot is held by another")
        held.release()
        assert _free(slots), slots
    assert client.zcard("nexatron:slots:ten_a") == 0


def test_two_processes_share_one_cap(client: redis.Redis) -> None:
    first, second = _shared(cap=2), _shared(cap=2)  # as two worker processes would
    a = first.acquire("ten_a")
    b = second.acquire("ten_a")
    with pytest.raises(RateLimited):
        first.acquire("ten_a")  # the tenant's two slots are taken, one in each process
    with pytest.raises(RateLimited):
        second.acquire("ten_a")
    second.acquire("ten_b").release()
    a.release()
    c = second.acquire("ten_a")  # freed in one process, taken in the other
    assert client.zcard("nexatron:slots:ten_a") == 2
    b.release()
    c.release()
    assert client.zcard("nexatron:slots:ten_a") == 0


def test_a_waiting_question_gets_the_slot_once_it_is_released(client: redis.Redis) -> None:
    slots = _shared(cap=1, wait_s=3.0)
    held = slots.acquire("ten_a")
    threading.Timer(0.2, held.release).start()
    start = time.monotonic()
    slots.acquire("ten_a").release()
    assert 0.15 <= time.monotonic() - start < 2


def test_concurrent_takers_never_exceed_the_cap(client: redis.Redis) -> None:
    processes = [_shared(cap=3, wait_s=5.0) for _ in range(4)]
    inside, peak, lock = [0], [0], threading.Lock()

    def work(slots: SharedTenantSlots) -> None:
        for _ in range(5):
            slot = slots.acquire("ten_a")
            with lock:
                inside[0] += 1
                peak[0] = max(peak[0], inside[0])
            time.sleep(0.01)
            with lock:
                inside[0] -= 1
            slot.release()

    threads = [threading.Thread(target=work, args=(p,)) for p in processes for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert peak[0] == 3  # reached, never passed


CHILD = """
import sys, time
from nexatron.query.slots import SharedTenantSlots
slots = SharedTenantSlots(sys.argv[1], 1, lease_s=1.0, wait_s=0.3)
slots.acquire("ten_a")  # held, and renewed, until the process dies
print("held", flush=True)
time.sleep(600)
"""


def test_a_held_lease_is_renewed_and_a_dead_process_s_expires(client: redis.Redis) -> None:
    """A process holding a slot longer than the lease keeps it (its thread renews the lease);
    killed with -9, its slot comes back once the lease runs out (1 s here, LEASE_S in service)."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, REDIS_URL],
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")},
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == b"held"
        for _ in range(3):  # three leases' time: still held, renewed
            time.sleep(1.0)
            with pytest.raises(RateLimited):
                _shared(cap=1, wait_s=0.05).acquire("ten_a")
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    slots = _shared(cap=1, wait_s=10.0)  # waits (bounded) for the dead process's lease to end
    slots.acquire("ten_a").release()
    assert client.zcard("nexatron:slots:ten_a") == 0


def _dead_redis() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def test_redis_down_falls_back_to_this_process_cap() -> None:
    slots = SharedTenantSlots(_dead_redis(), 1, lease_s=30, wait_s=0.1)
    held = slots.acquire("ten_a")  # capped by this process alone
    with pytest.raises(RateLimited):
        slots.acquire("ten_a")
    held.release()


def test_redis_down_fails_closed_when_told_to() -> None:
    slots = SharedTenantSlots(_dead_redis(), 1, lease_s=30, fail_open=False)
    with pytest.raises(ServiceUnavailable) as caught:
        slots.acquire("ten_a")
    assert caught.value.status_code == 503 and "Redis" in str(caught.value.detail)


def test_the_query_service_shares_slots_when_redis_is_configured(
    tmp_path: Path, client: redis.Redis
) -> None:
    shared_settings, cleanup = make_settings(tmp_path / "a", redis_url=REDIS_URL)
    local_settings, cleanup_local = make_settings(tmp_path / "b")
    shared, local = build_services(shared_settings), build_services(local_settings)
    try:
        assert isinstance(query_service(shared).slots, SharedTenantSlots)
        assert isinstance(query_service(local).slots, TenantSlots)
        held = query_service(shared).slots.acquire("ten_x")
        assert client.zcard("nexatron:slots:ten_x") == 1  # a lease in Redis
        held.release()
    finally:
        shared.close()
        local.close()
        for done in (cleanup, cleanup_local):
            if done:
                done()
