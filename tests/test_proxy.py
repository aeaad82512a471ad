"""Behind a proxy: the whole-call deadline still holds, and calls to this machine bypass it."""

from __future__ import annotations

import http.client
import threading
import time
import typing as t
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from conftest import TOKEN, base_config, run_tap

from tap_wolkvox import deadline
from tap_wolkvox.errors import WolkvoxAPIError
from wolkvox_emulator import Campaign

DAY = dict(campaign_ids=["101"], start_date="2026-02-20T00:00:00", end_date="2026-02-20T23:59:59")
DRIP_FOR = 20.0
"""Seconds the dripping proxy drips before it ends the answer (so a run without the deadline ends too)."""


@contextmanager
def forwarding_proxy(upstream_port: int, *, drip: bool) -> t.Iterator[tuple[str, list[dict]]]:
    """An HTTP proxy on 127.0.0.1 that forwards every request to the emulator, or drips an answer."""
    seen: list[dict] = []

    class Proxy(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append({"url": self.path, "headers": dict(self.headers)})
            if drip:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                ends = time.monotonic() + DRIP_FOR
                try:
                    while time.monotonic() < ends:
                        self.wfile.write(b" ")
                        self.wfile.flush()
                        time.sleep(0.2)
                except OSError:
                    return  # the tap closed the connection: its deadline worked
                self.wfile.write(b'{"code": 200, "data": []}')
                return
            upstream = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=30)
            target = urlsplit(self.path)
            upstream.request("GET", f"{target.path}?{target.query}", headers=dict(self.headers))
            answer = upstream.getresponse()
            body = answer.read()
            self.send_response(answer.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def emulator_port(emulator) -> int:
    return int(urlsplit(emulator.url).port or 80)


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY"])
def test_calls_to_this_machine_never_go_through_a_proxy(emulator, monkeypatch, variable):
    emulator.campaigns = [Campaign("101", "Uno", rows_per_hour=2)]
    with forwarding_proxy(emulator_port(emulator), drip=False) as (proxy, seen):
        monkeypatch.setenv(variable, proxy)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        run = run_tap(base_config(emulator, **DAY))
    assert run.records
    assert seen == []  # the token never reached the proxy
    assert emulator.calls


def test_the_forwarding_proxy_is_used_when_the_host_is_not_loopback(emulator, monkeypatch):
    """The other tests' proxy works: it forwards (and sees the token) when the tap uses it."""
    emulator.campaigns = [Campaign("101", "Uno", rows_per_hour=2)]
    monkeypatch.setattr(deadline, "is_loopback", lambda url: False)
    with forwarding_proxy(emulator_port(emulator), drip=False) as (proxy, seen):
        monkeypatch.setenv("HTTP_PROXY", proxy)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        run = run_tap(base_config(emulator, **DAY))
    assert run.records
    assert seen and all(call["headers"].get("wolkvox-token") == TOKEN for call in seen)


def test_the_whole_call_deadline_holds_through_a_proxy(emulator, monkeypatch):
    emulator.campaigns = [Campaign("101", "Uno", rows_per_hour=2)]
    monkeypatch.setattr(deadline, "is_loopback", lambda url: False)  # so the proxy is used
    with forwarding_proxy(emulator_port(emulator), drip=True) as (proxy, seen):
        monkeypatch.setenv("HTTP_PROXY", proxy)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        config = base_config(emulator, **DAY, request_timeout=1, max_retries=0)
        run = run_tap(config, select=("agents",), expect=WolkvoxAPIError)
    assert seen  # the call went through the proxy
    # Without the deadline the drip (a byte every 0.2 s, no read ever timing out) ends after
    # DRIP_FOR seconds with an empty answer, and the run succeeds instead of failing so.
    assert "no complete answer within 1s (request_timeout)" in str(run.error)
