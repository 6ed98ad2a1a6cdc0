"""Unit: the batcher releases callers only after their batch is written."""

import asyncio

import pytest
from stats_svc.service.batching import Batcher

pytestmark = pytest.mark.asyncio


async def test_a_full_batch_is_written_at_once_and_callers_return_after_it():
    written: list[list[int]] = []

    async def write(items):
        written.append(list(items))

    batcher = Batcher(write, max_items=3, max_delay_s=30)
    await asyncio.wait_for(asyncio.gather(*(batcher.submit(i) for i in range(6))), timeout=5)
    assert written == [[0, 1, 2], [3, 4, 5]]


async def test_a_partial_batch_is_written_after_the_delay():
    written: list[list[int]] = []

    async def write(items):
        written.append(list(items))

    batcher = Batcher(write, max_items=100, max_delay_s=0.02)
    await asyncio.wait_for(asyncio.gather(batcher.submit(1), batcher.submit(2)), timeout=5)
    assert written == [[1, 2]]
    assert batcher.pending == 0


async def test_a_failed_write_fails_every_caller_of_the_batch_and_the_next_batch_works():
    calls = 0

    async def write(items):
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("mongo down")

    batcher = Batcher(write, max_items=2, max_delay_s=0.01)
    results = await asyncio.gather(batcher.submit(1), batcher.submit(2), return_exceptions=True)
    assert [type(r) for r in results] == [RuntimeError, RuntimeError]
    await asyncio.wait_for(batcher.submit(3), timeout=5)
    assert calls == 2


async def test_a_caller_is_not_released_before_its_batch_is_written():
    gate = asyncio.Event()

    async def write(items):
        await gate.wait()

    batcher = Batcher(write, max_items=1, max_delay_s=0.01)
    caller = asyncio.create_task(batcher.submit(1))
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(asyncio.shield(caller), timeout=0.1)
    gate.set()
    await asyncio.wait_for(caller, timeout=5)
