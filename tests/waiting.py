"""Waiting on other processes (workers, brokers) from a test."""

from __future__ import annotations

import subprocess
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


def stop_worker(process, log) -> None:  # noqa: ANN001 - a Popen and its log file
    """Stop a worker subprocess and fail if its log shows a traceback."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.seek(0)
    output = log.read()
    log.close()
    assert "Traceback" not in output, output[-4000:]
