"""The per-page time limit: interrupts real work, in the main thread and elsewhere, and leaves
no timer or handler behind."""

from __future__ import annotations

import signal
import threading
import time

import pytest

from tamis.extract.guard import PageTimeout, run_with_time_limit


def busy(seconds: float) -> str:
    end = time.perf_counter() + seconds
    n = 0
    while time.perf_counter() < end:
        n += 1
    return "done"


def outer_timer_is_restored(before: float) -> bool:
    """No timer left behind, or (under pytest-timeout's own alarm) the outer one given back."""
    after = signal.getitimer(signal.ITIMER_REAL)[0]
    return after == 0.0 if before == 0.0 else 0.0 < after <= before


def test_fast_call_returns_its_value_and_restores_the_timer():
    handler = signal.getsignal(signal.SIGALRM)
    before = signal.getitimer(signal.ITIMER_REAL)[0]
    assert run_with_time_limit(lambda: busy(0.01), 2.0) == "done"
    assert outer_timer_is_restored(before)
    assert signal.getsignal(signal.SIGALRM) is handler


def test_slow_call_is_interrupted_near_the_limit():
    before = signal.getitimer(signal.ITIMER_REAL)[0]
    started = time.perf_counter()
    with pytest.raises(PageTimeout):
        run_with_time_limit(lambda: busy(10), 0.2)
    assert time.perf_counter() - started < 2.0
    assert outer_timer_is_restored(before)


def test_a_swallowed_alarm_is_raised_again():
    # the alarm can land where its exception is swallowed (an extractor's catch-all, a finaliser
    # run by the garbage collector): the guard keeps ringing until the call gives up
    def swallow_once_then_spin():
        try:
            busy(10)
        except BaseException:  # noqa: BLE001 - what a careless extractor does
            pass
        return busy(10)

    started = time.perf_counter()
    with pytest.raises(PageTimeout):
        run_with_time_limit(swallow_once_then_spin, 0.2)
    assert time.perf_counter() - started < 2.0


def test_a_call_that_swallows_every_alarm_and_finishes_late_is_still_a_timeout():
    def swallow_all():
        end = time.perf_counter() + 0.5
        while time.perf_counter() < end:
            try:
                busy(0.01)
            except BaseException:  # noqa: BLE001 - swallows every alarm
                pass
        return "late"

    before = signal.getitimer(signal.ITIMER_REAL)[0]
    with pytest.raises(PageTimeout):
        run_with_time_limit(swallow_all, 0.2)
    assert outer_timer_is_restored(before)


def test_errors_of_the_call_propagate():
    def boom():
        raise KeyError("x")

    with pytest.raises(KeyError):
        run_with_time_limit(boom, 1.0)


def test_nested_guards_keep_the_outer_limit():
    def inner_then_spin():
        run_with_time_limit(lambda: busy(0.01), 5.0)
        return busy(10)

    started = time.perf_counter()
    with pytest.raises(PageTimeout):
        run_with_time_limit(inner_then_spin, 0.3)
    assert time.perf_counter() - started < 2.0


def test_outside_the_main_thread_the_wait_is_bounded():
    box = {}

    def in_thread():
        started = time.perf_counter()
        try:
            run_with_time_limit(lambda: busy(3), 0.2)
        except PageTimeout:
            box["waited"] = time.perf_counter() - started

    t = threading.Thread(target=in_thread)
    t.start()
    t.join(10)
    assert box["waited"] < 1.5


def test_no_limit_means_no_guard():
    assert run_with_time_limit(lambda: busy(0.01), 0) == "done"
    assert run_with_time_limit(lambda: busy(0.01), None) == "done"
