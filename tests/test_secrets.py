"""The token never appears in any output: not at DEBUG, not in errors, STATE or metrics."""

from __future__ import annotations

import logging

import pytest
from conftest import TOKEN, base_config, run_cli, state_with

from tap_wolkvox import redact
from wolkvox_emulator import Campaign, Fault

FAULTS = [
    Fault(on_call=1, kind="slow", seconds=1.0),
    Fault(on_call=3, kind="status", status=500, msg="boom"),
    Fault(on_call=4, kind="reset"),
    Fault(on_call=5, kind="bad_json"),
    Fault(on_call=6, kind="html", status=502),
    Fault(
        on_call=7, kind="status", status=403, msg="EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS PER TOKEN (2)"
    ),
    Fault(on_call=8, kind="status", status=403, msg=""),
    Fault(on_call=9, kind="status", status=403, msg="PLEASE VALIDATE TOKEN"),
    Fault(on_call=12, kind="status", status=403, msg="TOKEN LIMIT EXCEEDED"),
]


def run_at_debug(tmp_path, config: dict, *args: str, state: dict | None = None) -> str:
    result = run_cli(tmp_path, config, *args, state=state, env={"LOGLEVEL": "DEBUG"}, debug=True)
    return result.stdout + result.stderr


@pytest.mark.parametrize(
    "scenario",
    ["every-fault-then-quota", "bad-token", "bad-settings", "bad-state", "check", "discover", "refused"],
)
def test_the_token_is_in_no_output(tmp_path, emulator, scenario):
    emulator.campaigns = [
        Campaign("101", "Uno", rows_per_hour=2, extra_opts=1),
        Campaign("202", "Dos", rows_per_hour=2),
    ]
    config = base_config(emulator, campaign_ids=["101", "202"], request_timeout=0.5)
    args: tuple[str, ...] = ()
    state = None
    if scenario == "every-fault-then-quota":
        emulator.faults = FAULTS
    elif scenario == "bad-token":
        emulator.tokens = ("another-token",)
    elif scenario == "bad-settings":
        config.update(server="evil.example.com/x#", api_url=None, window_days=99)
    elif scenario == "bad-state":
        state = state_with({"101": TOKEN})
    elif scenario == "check":
        args = ("--check",)
    elif scenario == "discover":
        args = ("--discover",)
    elif scenario == "refused":
        config.update(api_url="http://127.0.0.1:9", max_retries=1)
    output = run_at_debug(tmp_path, {k: v for k, v in config.items() if v is not None}, *args, state=state)
    assert "DEBUG" in output or scenario in {"bad-settings", "bad-state"}
    assert TOKEN not in output
    assert "SECRET" not in output  # not even a fragment of it


ECHOES = [
    Fault(on_call=1, kind="status", status=500, msg=f"upstream failed for wolkvox-token {TOKEN}"),
    Fault(on_call=2, kind="status", status=403, msg=f"MAINTENANCE for {TOKEN}"),
    Fault(on_call=3, kind="status", status=400, msg=f"bad date for token={TOKEN}, see docs"),
]


@pytest.mark.parametrize("fault", ECHOES, ids=["retried-500", "waited-403", "fatal-400"])
def test_a_server_that_echoes_the_token_never_gets_it_logged(tmp_path, emulator, fault):
    emulator.campaigns = [Campaign("101", "Uno", rows_per_hour=2)]
    emulator.faults = [fault]
    output = run_at_debug(tmp_path, base_config(emulator, campaign_ids=["101"]))
    assert TOKEN not in output and "SECRET" not in output
    assert "[token]" in output  # the message is kept, the token masked


def test_the_token_is_masked_in_any_loggers_lines_and_tracebacks(caplog):
    redact.register(TOKEN)
    caplog.set_level("DEBUG")
    for name in ("singer_sdk.streams", "urllib3.connectionpool", "some.library"):
        logging.getLogger(name).debug("header wolkvox-token: %s", TOKEN)
    try:
        raise ValueError(f"echoed {TOKEN}")
    except ValueError:
        logging.getLogger("tap-wolkvox").exception("failed")
    text = caplog.text + "".join(record.exc_text or "" for record in caplog.records)
    assert TOKEN not in text
    assert caplog.text.count("[token]") == 4  # three lines and the traceback
