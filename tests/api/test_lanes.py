"""Live intake jobs are taken before retries, retries only in small chunks."""

from __future__ import annotations

from tickets.api.lanes import Lanes


def test_live_jobs_go_before_retries_and_retries_come_in_small_chunks():
    lanes: Lanes[str] = Lanes()
    for n in range(6):
        lanes.put(f"retry-{n}", live=False)
    lanes.put("live-0")
    lanes.put("live-1")
    assert lanes.live_waiting == 2
    assert lanes.take(live_batch=16, retry_batch=4) == ["live-0", "live-1"]
    assert lanes.take(live_batch=16, retry_batch=4) == [f"retry-{n}" for n in range(4)]
    lanes.put("live-2")
    assert lanes.take(live_batch=16, retry_batch=4) == ["live-2"]
    assert lanes.take(live_batch=16, retry_batch=4) == ["retry-4", "retry-5"]
    assert lanes.idle


def test_take_on_an_empty_queue_returns_nothing_after_the_timeout():
    assert Lanes[str]().take(16, 4, timeout=0.01) == []
