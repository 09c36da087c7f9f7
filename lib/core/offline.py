"""Network off, for proving the course runs offline: any Python connection to a non-loopback address fails.

``block_network()`` patches the socket module of the current process so that connecting (TCP, or UDP
``connect``/``sendto``) to anything but the loopback interface or a Unix socket raises
``NetworkBlockedError``, and name lookups of non-local hosts fail the same way. The test suite installs it
in every Python process it starts (notebook kernels, torchrun workers) through ``sitecustomize`` when
``COURSE_OFFLINE=1``; see ``tests/offline/sitecustomize.py``. It guards Python code, which is where a
lesson would download something; native libraries that open their own sockets are not covered.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

OFFLINE_ENV = "COURSE_OFFLINE"
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", ""}


class NetworkBlockedError(ConnectionRefusedError):
    """Raised by a blocked connection: the course must not need the network at run time."""


def is_local_address(address: Any) -> bool:
    """True for a Unix-socket path, a loopback IP (127.0.0.0/8, ::1) or a local host name."""
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    if not isinstance(address, tuple) or not address:
        return False
    host = address[0]
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if host is None or str(host).lower() in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False  # a host name other than localhost


def _refuse(address: Any) -> None:
    raise NetworkBlockedError(f"network access to {address!r} is blocked: the course runs offline ({OFFLINE_ENV}=1)")


def block_network() -> None:
    """Patch ``socket`` in this process so that non-loopback connections and lookups raise. Idempotent."""
    if getattr(socket.socket, "_course_offline", False):
        return
    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex
    original_sendto = socket.socket.sendto
    original_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: Any) -> None:
        if not is_local_address(address):
            _refuse(address)
        return original_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if not is_local_address(address):
            _refuse(address)
        return original_connect_ex(self, address)

    def sendto(self: socket.socket, data: bytes, *args: Any) -> int:
        address = args[-1]
        if not is_local_address(address):
            _refuse(address)
        return original_sendto(self, data, *args)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> list:
        if not is_local_address((host,)):
            _refuse(host)
        return original_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex
    socket.socket.sendto = sendto
    socket.getaddrinfo = getaddrinfo
    socket.socket._course_offline = True
