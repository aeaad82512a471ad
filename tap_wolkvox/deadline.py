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

import socket
import threading
import typing as t

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

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

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            # Set before the shut wakes the reading thread, which then reads it.
            self.cut = any(_is_open(connection) for connection in self._connections)
            for connection in self._connections:
                _shut(connection)


def _is_open(connection: HTTPConnection) -> bool:
    """Whether a connection has a socket (a connect still under way has none)."""
    return getattr(connection, "sock", None) is not None


def _shut(connection: HTTPConnection) -> None:
    sock = getattr(connection, "sock", None)
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # already closed


def _watched(connection: HTTPConnection) -> None:
    deadline = getattr(_current, "deadline", None)
    if deadline is not None:
        deadline.watch(connection)


class _WatchedHTTPConnection(HTTPConnection):
    def request(self, *args: t.Any, **kwargs: t.Any) -> None:
        _watched(self)
        super().request(*args, **kwargs)


class _WatchedHTTPSConnection(HTTPSConnection):
    def request(self, *args: t.Any, **kwargs: t.Any) -> None:
        _watched(self)
        super().request(*args, **kwargs)


class _WatchedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class DeadlineAdapter(HTTPAdapter):
    """An `HTTPAdapter` whose connections a `CallDeadline` can cut."""

    def init_poolmanager(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _WatchedHTTPConnectionPool,
            "https": _WatchedHTTPSConnectionPool,
        }
