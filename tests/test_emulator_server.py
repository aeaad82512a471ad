"""The emulator's record of each call, which the pacing tests measure the tap by."""

from __future__ import annotations

import http.client
import time
from urllib.parse import urlsplit

from conftest import TOKEN

from wolkvox_emulator import Emulator, Fault

QUERY = "api=campaign_3&campaign_id=all&date_ini=20260220000000&date_end=20260220235959"


def test_a_call_ends_when_its_body_is_sent_not_when_its_headers_are(emulator: Emulator):
    """A tap pacing from an answer's headers must not pass the pacing tests (`ended` is the body's end)."""
    emulator.faults = [Fault(on_call=1, kind="endless")]  # a body that goes on until the client hangs up
    connection = http.client.HTTPConnection(str(urlsplit(emulator.url).netloc), timeout=10)
    connection.request("GET", f"/api/v2/reports_manager.php?{QUERY}", headers={"wolkvox-token": TOKEN})
    response = connection.getresponse()
    assert response.status == 200 and response.read(1000)
    headers_and_some_body_at = time.monotonic()
    call = emulator.calls[0]
    assert call.ended == 0.0, "the call is not over while its body is still being sent"
    response.close()
    connection.close()
    deadline = time.monotonic() + 30  # the server notices the hang-up at its next write
    while call.ended == 0.0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert call.ended > headers_and_some_body_at > call.started


def test_an_ordinary_call_is_stamped_once_answered(emulator: Emulator):
    connection = http.client.HTTPConnection(str(urlsplit(emulator.url).netloc), timeout=10)
    connection.request("GET", f"/api/v2/reports_manager.php?{QUERY}", headers={"wolkvox-token": TOKEN})
    body = connection.getresponse().read()
    connection.close()
    deadline = time.monotonic() + 30  # the handler stamps right after its last write
    while emulator.calls[0].ended == 0.0 and time.monotonic() < deadline:
        time.sleep(0.01)
    call = emulator.calls[0]
    assert body and call.status == 200 and call.ended >= call.started > 0
