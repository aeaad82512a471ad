"""A deadline for a whole call: connecting, headers and body, however slowly they arrive.

`requests`' timeout bounds each socket read, so a server that drips a byte every few
seconds would hold a call for ever. `DeadlineAdapter` remembers which connection each
call uses; `CallDeadline` shuts that connection's socket when the call's time is up,
which makes the blocked read fail at once, in any thread and on any OS. The server
sees the connection close, so the abandoned call does not stay in flight.

`CallDeadline.cut` says whether time ran out on an open connection (the request sent,
the answer not all read): only then was the server slow to answer. A connection that
never opened fails on its own connect timeout, a network problem whatever the window.
"""

from __future__ import annotations

import functools
import ipaddress
import socket
import threading
import typing as t
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from typing_extensions import override
from urllib3 import PoolManager
from urllib3.connection import HTTPConnection
from urllib3.connectionpool import HTTPConnectionPool

_current = threading.local()  # the CallDeadline of this thread's call in progress, if any


class CallTimedOut(requests.exceptions.Timeout):
    """A call took longer than `request_timeout` in all (a stall or a drip)."""


class CallDeadline:
    """`with CallDeadline(seconds):` around one call (request and body read)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self.cut = False
        """Whether the deadline shut a connection that was open: time ran out reading an answer."""
        self._connections: list[HTTPConnection] = []
        self._sockets: list[socket.socket] = []
        """Each connection's socket once connected: a connection forgets it when the server
        closes after the answer (HTTP/1.0, `Connection: close`), which the body is still read from."""
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> CallDeadline:
        _current.deadline = self
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        _current.deadline = None

    def watch(self, connection: HTTPConnection) -> None:
        """Called by a connection as a request starts on it."""
        with self._lock:
            self._connections.append(connection)
            if self.expired:
                self.cut |= _is_open(connection)  # before the shut wakes the reading thread
                _shut(connection)

    def watch_socket(self, sock: socket.socket | None) -> None:
        """Called by a connection once its request is sent."""
        if sock is None:
            return
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut_socket(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            # Set before the shut wakes the reading thread, which then reads it.
            self.cut = any(_is_open(connection) for connection in self._connections)
            for connection in self._connections:
                _shut(connection)
            for sock in self._sockets:
                _shut_socket(sock)


def checked(chunks: t.Iterable[bytes]) -> t.Iterator[bytes]:
    """A body's `chunks`, then a `ReadTimeout` if the call's deadline cut them short.

    A body without a length (HTTP/1.0, `Connection: close`) just ends when its socket is
    shut, so without this check a cut body would look complete.
    """
    yield from chunks
    deadline = getattr(_current, "deadline", None)
    if deadline is not None and deadline.expired:
        raise requests.exceptions.ReadTimeout("the call's deadline passed while its answer was read")


def _is_open(connection: HTTPConnection) -> bool:
    """Whether a connection has a socket (a connect still under way has none)."""
    return getattr(connection, "sock", None) is not None


def _shut(connection: HTTPConnection) -> None:
    sock = getattr(connection, "sock", None)
    if sock is not None:
        _shut_socket(sock)


def _shut_socket(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed


def _watched(connection: HTTPConnection) -> None:
    deadline = getattr(_current, "deadline", None)
    if deadline is not None:
        deadline.watch(connection)


# For the type checker `_Watched` is an `HTTPConnection`, so `@override` checks the name it overrides.
if t.TYPE_CHECKING:
    _ConnectionBase = HTTPConnection
else:
    _ConnectionBase = object


class _Watched(_ConnectionBase):
    """Mixed into a connection class: a `CallDeadline` in progress watches each request on it."""

    @override
    def request(self, *args: t.Any, **kwargs: t.Any) -> None:
        _watched(self)
        super().request(*args, **kwargs)
        deadline = getattr(_current, "deadline", None)
        if deadline is not None:
            deadline.watch_socket(getattr(self, "sock", None))


@functools.cache
def _watched_pool(pool: type[HTTPConnectionPool]) -> type[HTTPConnectionPool]:
    """`pool` with connections a `CallDeadline` can cut (plain, TLS, or a proxy's own kinds)."""
    connection = type(f"Watched{pool.ConnectionCls.__name__}", (_Watched, pool.ConnectionCls), {})
    return type(f"Watched{pool.__name__}", (pool,), {"ConnectionCls": connection})


def _watch_pools(manager: PoolManager) -> None:
    manager.pool_classes_by_scheme = {
        scheme: _watched_pool(pool) for scheme, pool in manager.pool_classes_by_scheme.items()
    }


def is_loopback(url: str) -> bool:
    """Whether `url`'s host is this machine: `localhost`, 127.0.0.0/8 or ::1."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class DeadlineAdapter(HTTPAdapter):
    """An `HTTPAdapter` whose connections a `CallDeadline` can cut, direct or through a proxy.

    A call to this machine never goes through a proxy (as if `NO_PROXY` listed it): the
    token would reach the proxy, in clear text with plain http.
    """

    @override
    def init_poolmanager(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        _watch_pools(self.poolmanager)

    @override
    def proxy_manager_for(self, proxy: str, **proxy_kwargs: t.Any) -> PoolManager:
        known = proxy in self.proxy_manager
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not known:
            _watch_pools(manager)
        return manager  # type: ignore[no-any-return]

    @override
    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: t.Any = None,
        verify: bool | str = True,
        cert: t.Any = None,
        proxies: t.Mapping[str, str] | None = None,
    ) -> requests.Response:
        if request.url and is_loopback(request.url):
            proxies = {}
            request.headers.pop("Proxy-Authorization", None)  # for a proxy this call does not use
        return super().send(
            request, stream=stream, timeout=timeout, verify=verify, cert=cert, proxies=proxies
        )
