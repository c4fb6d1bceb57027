"""Waiting on other processes (workers, brokers) from a test."""

from __future__ import annotations

import time


def wait_for(predicate, *, timeout: float, what: str):
    """Return `predicate()` once it is truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
