"""lib.core.files: atomic writes leave no partial file; the lock makes a second process wait its turn."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from lib.core.files import atomic_write_bytes, atomic_write_text, file_lock

HOLDER = """
import sys, time
from lib.core.files import file_lock
with file_lock(sys.argv[1]):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _hold(path, seconds: float) -> subprocess.Popen:
    command = [sys.executable, "-c", HOLDER, str(path), str(seconds)]
    holder = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_atomic_writes_replace_whole_files(tmp_path):
    target = tmp_path / "sub" / "a.txt"
    atomic_write_text(target, "first")
    atomic_write_bytes(target, b"second")
    assert target.read_bytes() == b"second"
    assert [p.name for p in target.parent.iterdir()] == ["a.txt"]  # no temporary left behind
    with pytest.raises(TypeError, match="data must be bytes"):
        atomic_write_bytes(target, "text")


def test_a_second_process_waits_for_the_lock(tmp_path):
    lock = tmp_path / "model.pt.lock"
    holder = _hold(lock, 1.0)
    start = time.monotonic()
    with file_lock(lock, poll=0.02):
        waited = time.monotonic() - start
    holder.wait(timeout=30)
    assert waited > 0.5, waited  # it could not enter while the holder slept for 1 s


def test_the_lock_times_out_with_a_clear_error(tmp_path):
    lock = tmp_path / "busy.lock"
    holder = _hold(lock, 2.0)
    try:
        with pytest.raises(TimeoutError, match="busy.lock"):
            with file_lock(lock, timeout=0.2, poll=0.02):
                pass
    finally:
        holder.wait(timeout=30)
    with file_lock(lock, timeout=5):  # free again once the holder has gone
        pass
    with pytest.raises(ValueError, match="timeout must be"):
        with file_lock(lock, timeout=0):
            pass
