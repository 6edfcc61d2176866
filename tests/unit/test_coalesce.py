"""services/coalesce.Coalescer: what arrives during a round trip travels in the next one, and each
caller gets its own result or error — never another's, never none."""
import asyncio

import pytest

from services.coalesce import Coalescer


def run(coro):
    return asyncio.run(coro)


def test_first_item_goes_alone_then_the_waiting_ones_together():
    batches = []

    async def main():
        release = asyncio.Event()

        async def fetch(items):
            batches.append(list(items))
            await release.wait()  # the first round trip stays in flight until the rest queued
            return [item * 10 for item in items]

        c = Coalescer(fetch, name="t1")
        first = asyncio.ensure_future(c(0))
        while not batches:
            await asyncio.sleep(0)
        rest = [asyncio.ensure_future(c(i)) for i in range(1, 7)]
        for _ in range(3):
            await asyncio.sleep(0)
        release.set()
        return [await first, *await asyncio.gather(*rest)]

    assert run(main()) == [0, 10, 20, 30, 40, 50, 60]
    assert batches == [[0], [1, 2, 3, 4, 5, 6]]


def test_quiet_calls_each_run_at_once():
    batches = []

    async def fetch(items):
        batches.append(list(items))
        return items

    async def main():
        c = Coalescer(fetch, name="t2")
        return [await c(i) for i in range(3)]

    assert run(main()) == [0, 1, 2] and batches == [[0], [1], [2]]


def test_max_batch_splits_a_long_queue():
    sizes = []

    async def fetch(items):
        sizes.append(len(items))
        await asyncio.sleep(0)
        return items

    async def main():
        c = Coalescer(fetch, name="t3", max_batch=4)
        return await asyncio.gather(*(c(i) for i in range(10)))

    assert run(main()) == list(range(10)) and sizes == [4, 4, 2]


def test_an_item_error_fails_that_caller_only():
    async def fetch(items):
        return [ValueError(f"bad {i}") if i == 2 else i for i in items]

    async def main():
        c = Coalescer(fetch, name="t4")
        return await asyncio.gather(*(c(i) for i in range(4)), return_exceptions=True)

    out = run(main())
    assert out[:2] == [0, 1] and out[3] == 3
    assert isinstance(out[2], ValueError) and str(out[2]) == "bad 2"


def test_a_batch_error_fails_every_caller_of_that_batch_and_the_next_batch_runs():
    calls = []

    async def main():
        release = asyncio.Event()

        async def fetch(items):
            calls.append(list(items))
            if len(calls) == 1:
                await release.wait()
            if len(calls) == 2:
                raise ConnectionError("down")
            return items

        c = Coalescer(fetch, name="t5")
        alone = asyncio.ensure_future(c(0))
        while not calls:
            await asyncio.sleep(0)
        rest = [asyncio.ensure_future(c(i)) for i in range(1, 3)]
        for _ in range(3):
            await asyncio.sleep(0)
        release.set()
        first = await asyncio.gather(alone, *rest, return_exceptions=True)
        return first, await c(9)

    first, later = run(main())
    assert first[0] == 0 and all(isinstance(x, ConnectionError) for x in first[1:])
    assert later == 9 and calls == [[0], [1, 2], [9]]


def test_a_wrong_number_of_results_fails_the_batch_instead_of_leaving_callers_waiting():
    async def fetch(items):
        return items[:1]

    async def main():
        c = Coalescer(fetch, name="t6")
        return await asyncio.wait_for(asyncio.gather(c(1), c(2), c(3), return_exceptions=True), 2)

    out = run(main())
    assert all(isinstance(x, RuntimeError) for x in out)


def test_a_caller_that_goes_away_does_not_break_the_batch():
    async def fetch(items):
        await asyncio.sleep(0.02)
        return items

    async def main():
        c = Coalescer(fetch, name="t7")
        gone = asyncio.ensure_future(c(1))
        stays = asyncio.ensure_future(c(2))
        await asyncio.sleep(0.005)
        gone.cancel()
        with pytest.raises(asyncio.CancelledError):
            await gone
        return await stays

    assert run(main()) == 2
