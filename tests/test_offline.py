"""The network is off for the test suite and for every process it starts: a lesson that downloads fails.

the repository's conftest.py and tests/conftest.py put tests/offline on PYTHONPATH with COURSE_OFFLINE=1, so the
notebook kernels nbval starts block non-loopback connections. These tests prove the guard is installed where
it must be and that it refuses the network while loopback (Jupyter's own channels, torchrun) still works.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading

import pytest

from lib.core.offline import NetworkBlockedError, block_network, is_local_address

PROBE = """
import socket
from lib.core.offline import NetworkBlockedError
try:
    socket.create_connection(("192.0.2.1", 80), timeout=1)  # TEST-NET-1: never routable
except NetworkBlockedError:
    print("blocked")
else:
    print("connected")
"""


def test_local_addresses_are_told_apart():
    assert is_local_address(("127.0.0.1", 80)) and is_local_address(("::1", 80, 0, 0))
    assert is_local_address(("localhost", 1)) and is_local_address("/tmp/a.sock")
    assert not is_local_address(("192.0.2.1", 80)) and not is_local_address(("pypi.org", 443))
    assert not is_local_address(("2001:db8::1", 80, 0, 0))


def test_this_process_refuses_the_network_but_not_loopback():
    block_network()
    block_network()  # idempotent
    with pytest.raises(NetworkBlockedError, match="192.0.2.1"):
        socket.create_connection(("192.0.2.1", 80), timeout=1)
    with pytest.raises(NetworkBlockedError, match="pypi.org"):
        socket.getaddrinfo("pypi.org", 443)
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    accepted = threading.Thread(target=lambda: server.accept()[0].close())
    accepted.start()
    socket.create_connection(("127.0.0.1", port), timeout=5).close()
    accepted.join(timeout=5)
    server.close()


def test_child_processes_inherit_the_guard():
    assert os.environ.get("COURSE_OFFLINE") == "1"
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "blocked", done.stderr


def test_a_notebook_kernel_has_no_network():
    """Start a kernel the way nbval does and try to reach the internet from it."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3")
    collected = _Collector()
    try:
        reply = client.execute_interactive(PROBE, timeout=60, output_hook=collected)
        assert reply["content"]["status"] == "ok"
        assert "".join(collected.text).strip() == "blocked"
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


class _Collector:
    def __init__(self) -> None:
        self.text: list[str] = []

    def __call__(self, message: dict) -> None:
        if message["msg_type"] == "stream":
            self.text.append(message["content"]["text"])
