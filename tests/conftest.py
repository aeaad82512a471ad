"""Shared fixtures: a local emulator per test, and a tap run captured in-process."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
import typing as t
from collections import Counter
from contextlib import redirect_stdout
from dataclasses import dataclass, field

import pytest

from tap_wolkvox.tap import TapWolkvox
from wolkvox_emulator import Emulator

EMULATOR_NOW = dt.datetime(2026, 3, 1, 12, 0, 0)  # naive local (America/Bogota)
TOKEN = "tok-3f9c1e7a-SECRET-5b2d"  # recognisable, so leaks can be searched for


@pytest.fixture
def emulator() -> t.Iterator[Emulator]:
    emu = Emulator(now=EMULATOR_NOW, tokens=(TOKEN,))
    emu.start()
    yield emu
    emu.stop()


def base_config(emu: Emulator, **overrides: t.Any) -> dict:
    """A config for the emulator: fast retries, three predictive campaigns, 100 days."""
    config = {
        "token": TOKEN,
        "api_url": emu.url,
        "campaign_ids": ["101", "202", "303"],
        "campaign_calls": "each",  # one call per campaign; tests of `all` set it
        "start_date": "2025-11-21T00:00:00",
        "end_date": "2026-02-28T23:59:59",
        "lookback_minutes": 0,
        "retry_wait_seconds": 0.01,
        "busy_wait_seconds": 0.01,
        "request_timeout": 5,
    }
    config.update(overrides)
    return config


@dataclass
class TapRun:
    """What one tap run wrote to stdout, split by message type."""

    messages: list[dict] = field(default_factory=list)
    error: BaseException | None = None

    @property
    def records(self) -> list[dict]:
        """campaign_3's records."""
        return self.records_of("campaign_3")

    def records_of(self, stream: str) -> list[dict]:
        return [m["record"] for m in self.messages if m["type"] == "RECORD" and m["stream"] == stream]

    @property
    def states(self) -> list[dict]:
        return [m["value"] for m in self.messages if m["type"] == "STATE"]

    @property
    def last_state(self) -> dict:
        return self.states[-1]


def catalog_selecting(config: dict, streams: t.Iterable[str]) -> dict:
    """The tap's discovered catalog with only `streams` selected (as Meltano's `select` does)."""
    catalog = json.loads(
        TapWolkvox(config=config, parse_env_config=False, validate_config=False).catalog_json_text
    )
    for entry in catalog["streams"]:
        for metadata in entry["metadata"]:
            if metadata["breadcrumb"] == []:
                metadata["metadata"]["selected"] = entry["tap_stream_id"] in streams
    return catalog


def run_tap(
    config: dict,
    state: dict | None = None,
    catalog: dict | None = None,
    select: t.Iterable[str] | None = ("campaign_3",),
    expect: type[BaseException] | None = None,
) -> TapRun:
    """Run a sync in-process, as the CLI would, and keep what it wrote.

    By default only campaign_3 is selected, as in meltano.yml; `select=None` runs with
    no catalog (every stream). A run that fails raises, unless the test `expect`s that
    error: then it is kept on the result, so the test can check what was written before
    it, and a run that does not fail so is a failure.
    """
    if catalog is None and select is not None:
        catalog = catalog_selecting(config, select)
    buffer = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    run = TapRun()
    with redirect_stdout(buffer):
        try:
            tap = TapWolkvox(config=config, state=state, catalog=catalog, parse_env_config=False)
            tap.sync_and_report()
        except Exception as exc:
            if expect is None or not isinstance(exc, expect):
                raise
            run.error = exc
    buffer.seek(0)
    run.messages = [json.loads(line) for line in buffer.read().splitlines() if line.strip()]
    if expect is not None and run.error is None:
        pytest.fail(f"the run was expected to fail with {expect.__name__}, and it did not")
    return run


def bookmarks(state: dict) -> dict[str, str]:
    """campaign_id → bookmark from a STATE value (partitions that have one)."""
    partitions = state["bookmarks"]["campaign_3"]["partitions"]
    return {
        p["context"]["campaign_id"]: p["replication_key_value"]
        for p in partitions
        if p.get("replication_key_value")
    }


def key(record: dict) -> tuple:
    """The stream's primary key of a record (or of an API row)."""
    return (
        record["campaign_id"],
        record["conn_id"],
        record["telephone"],
        record.get("date_local", record.get("date")),
    )


def run_cli(
    tmp_path,
    config: dict,
    *args: str,
    state: dict | None = None,
    env: dict | None = None,
    debug: bool = False,
) -> subprocess.CompletedProcess:
    """`python -m tap_wolkvox --config ... [--state ...] ARGS`, as Meltano or a user runs it.

    At DEBUG if asked (a traceback is logged at DEBUG only). Nothing is raised: the
    test reads the exit code, stdout and stderr.
    """
    config_file = tmp_path / "config.json"
    config_file.write_text(json.dumps(config))
    extra = list(args)
    if state is not None:
        (tmp_path / "state.json").write_text(json.dumps(state))
        extra += ["--state", str(tmp_path / "state.json")]
    return subprocess.run(
        [sys.executable, "-m", "tap_wolkvox", "--config", str(config_file), *extra],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "TAP_WOLKVOX_LOGLEVEL": "DEBUG" if debug else "INFO", **(env or {})},
        check=False,
    )


def state_with(marks: dict[str, str | None], stream: str = "campaign_3") -> dict:
    """A STATE value with one partition per campaign id → bookmark, as the tap writes it."""
    partitions = [
        {"context": {"campaign_id": campaign}, "replication_key": "date", "replication_key_value": mark}
        for campaign, mark in marks.items()
    ]
    return {"bookmarks": {stream: {"partitions": partitions}}}


BACKFILL_START = dt.datetime(2025, 11, 21)
BACKFILL_END = dt.datetime(2026, 2, 28, 23, 59, 59)
"""`base_config`'s range, naive local."""


def expected_keys(
    emulator: Emulator,
    campaigns: t.Iterable[str],
    start: dt.datetime = BACKFILL_START,
    end: dt.datetime = BACKFILL_END,
) -> Counter:
    """How often each key is among the rows the emulator holds for `campaigns` in `start..end` (naive)."""
    return Counter(key(row) for campaign in campaigns for row in emulator.rows(campaign, start, end))
