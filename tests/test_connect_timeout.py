"""A connection that never opens is a network error, not a window too big to answer in time."""

from __future__ import annotations

import logging
import socket
import typing as t

import pytest
from conftest import base_config, run_tap

from tap_wolkvox.errors import WolkvoxAPIError


@pytest.fixture
def never_accepts() -> t.Iterator[str]:
    """A 127.0.0.1 port whose listener never accepts and whose backlog is full: connects hang.

    Linux drops a SYN while the accept queue is full, so a further connect waits for its
    timeout, every time. The queue is filled until a connect does time out.
    """
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    address = listener.getsockname()
    fillers: list[socket.socket] = []
    try:
        for _ in range(16):
            filler = socket.socket()
            filler.settimeout(0.2)
            try:
                filler.connect(address)
            except TimeoutError:
                filler.close()
                break
            fillers.append(filler)
        else:
            pytest.skip("this system's TCP stack does not leave a connect to a full backlog hanging")
        yield f"http://127.0.0.1:{address[1]}"
    finally:
        for filler in fillers:
            filler.close()
        listener.close()


def test_a_connect_timeout_is_not_taken_for_a_window_too_big(never_accepts, emulator, caplog):
    caplog.set_level(logging.INFO)
    config = base_config(emulator, api_url=never_accepts, request_timeout=0.3, max_retries=1)
    run = run_tap(config, expect=WolkvoxAPIError)
    message = str(run.error)
    assert "could not get an answer from" in message and "(the connection did not open in time)" in message
    assert "too slow for this window" not in message
    assert "asking again for its first half" not in caplog.text  # no window was halved
    retries = [r for r in caplog.records if r.getMessage().startswith("Retry ")]
    assert len(retries) == 1  # max_retries: the same window asked again, once
