"""Admission to the query workers: a tenant's extra questions wait on the loop, in turn, and a
wait longer than the bound is the slots' 429; other tenants are not affected."""

from __future__ import annotations

import asyncio

import pytest

from nexatron.errors import RateLimited
from nexatron.query.admission import Admission

pytestmark = pytest.mark.anyio


async def test_the_next_question_starts_when_one_ends() -> None:
    admission = Admission(2, wait_s=2.0)
    release = asyncio.Event()
    started: list[int] = []

    async def question(n: int) -> None:
        async with admission.admit("t1"):
            started.append(n)
            await release.wait()

    tasks = [asyncio.create_task(question(n)) for n in range(3)]
    await asyncio.sleep(0.05)
    assert started == [0, 1]  # the third waits without running
    async with admission.admit("t2"):  # another tenant goes straight in
        pass
    release.set()
    await asyncio.gather(*tasks)
    assert started == [0, 1, 2]


async def test_a_wait_beyond_the_bound_is_a_429_and_frees_nothing() -> None:
    admission = Admission(1, wait_s=0.1)
    async with admission.admit("t1"):
        with pytest.raises(RateLimited):
            async with admission.admit("t1"):
                pytest.fail("admitted while the tenant's one place was taken")
    async with admission.admit("t1"):  # the refused waiter left the place free
        pass
