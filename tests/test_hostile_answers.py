"""Hostile answers and inputs: drips, endless bodies, odd rows, leaked secrets and personal data."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from conftest import TOKEN, base_config, key, run_cli, run_tap, state_with
from singer_sdk.exceptions import ConfigValidationError

from tap_wolkvox import errors
from tap_wolkvox.errors import WolkvoxAPIError
from wolkvox_emulator import Campaign, Fault

DAY = dict(campaign_ids=["101"], start_date="2026-02-20T00:00:00", end_date="2026-02-20T23:59:59")


def one_campaign(emulator, **campaign):
    emulator.campaigns = [Campaign("101", "Uno", rows_per_hour=4, **campaign)]


# -- secrets ---------------------------------------------------------------------------


@pytest.mark.parametrize("token", [f"{TOKEN}\n", f" {TOKEN}", f"{TOKEN}\r\n"])
@pytest.mark.parametrize("where", ["file", "env", "check"])
def test_a_token_with_blanks_around_it_works_and_is_never_printed(tmp_path, emulator, token, where):
    one_campaign(emulator)
    config = base_config(emulator, **DAY)
    env = {}
    if where == "env":
        env = {"TAP_WOLKVOX_TOKEN": token}
        del config["token"]
        args: tuple[str, ...] = ("--config", "ENV")
    else:
        config["token"] = token
        args = ("--check",) if where == "check" else ()
    result = run_cli(tmp_path, config, *args, env=env, debug=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert TOKEN not in result.stdout + result.stderr and "SECRET" not in result.stderr


@pytest.mark.parametrize("token", ["tok en-SECRET", "tok\ten-SECRET", 123456789])
def test_a_token_that_cannot_be_a_header_is_refused_without_showing_it(tmp_path, emulator, token):
    result = run_cli(tmp_path, base_config(emulator, token=token))
    assert result.returncode == 1
    assert "`token`" in result.stderr and "Traceback" not in result.stderr
    assert "SECRET" not in result.stderr and "123456789" not in result.stderr
    assert emulator.calls == []


PERSONAL_FAULTS = ["cut_rows", "bom", "html_echo", "data_object", "no_msg", "stray_rows", "duplicate_rows"]


@pytest.mark.parametrize("kind", PERSONAL_FAULTS)
def test_no_log_line_quotes_a_customer_row(tmp_path, emulator, kind):
    one_campaign(emulator)
    status = 502 if kind in {"html_echo", "no_msg"} else 200
    emulator.faults = [Fault(on_call=1, kind=kind, status=status), Fault(on_call=2, kind=kind, status=status)]
    result = run_cli(tmp_path, base_config(emulator, **DAY, max_retries=1), debug=True)
    rows = emulator.rows("101", dt.datetime(2026, 2, 20), dt.datetime(2026, 2, 20, 23, 59, 59))
    personal = {row[field] for row in rows for field in ("customer_id", "telephone", "conn_id")}
    personal |= {f"{row['customer_name']} {row['customer_last_name']}" for row in rows}
    assert "DEBUG" in result.stderr
    leaked = [value for value in personal if value in result.stderr]
    assert not leaked, f"{kind}: personal data in the log"
    problems = [line for line in result.stderr.splitlines() if "| WARNING" in line or "| ERROR" in line]
    assert all(len(line) < 700 for line in problems)


def test_an_error_message_never_spans_lines_or_quotes_a_body(emulator):
    one_campaign(emulator)
    emulator.faults = [Fault(on_call=n, kind="html_echo", status=502) for n in (1, 2)]
    run = run_tap(base_config(emulator, **DAY, max_retries=1), expect=WolkvoxAPIError)
    message = str(run.error)
    assert "an HTML page of" in message and "not quoted" in message
    assert "\n" not in message and "customer_name" not in message


# -- bounded calls ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["drip_headers", "drip_body"])
def test_a_dripping_answer_is_cut_at_request_timeout_and_the_long_window_split(emulator, kind):
    one_campaign(emulator)
    emulator.faults = [Fault(on_call=1, kind=kind, seconds=0.2)]
    config = base_config(emulator, campaign_ids=["101"], start_date="2026-02-01", request_timeout=1.5)
    run = run_tap(config)
    first, second, third = (call.params for call in emulator.calls[:3])
    assert second["date_ini"] == first["date_ini"] and second["date_end"] < first["date_end"]  # split
    assert third["date_ini"] == second["date_end"] and third["date_end"] == first["date_end"]
    assert run.records and run.states


def test_a_drip_on_a_short_window_ends_in_a_timeout_that_says_so(emulator):
    one_campaign(emulator)
    emulator.faults = [Fault(on_call=n, kind="drip_body", seconds=0.2) for n in (1, 2)]
    run = run_tap(base_config(emulator, **DAY, request_timeout=1, max_retries=1), expect=WolkvoxAPIError)
    assert isinstance(run.error, WolkvoxAPIError)
    assert "no complete answer within 1s (request_timeout)" in str(run.error)


def test_an_endless_body_stops_with_a_clear_error(emulator, monkeypatch):
    monkeypatch.setattr(errors, "MAX_ANSWER_BYTES", 4 << 20)
    one_campaign(emulator)
    emulator.faults = [Fault(on_call=1, kind="endless")]
    run = run_tap(base_config(emulator, **DAY, request_timeout=30), expect=WolkvoxAPIError)
    assert isinstance(run.error, WolkvoxAPIError)
    assert "the answer is over 4 MiB and still growing" in str(run.error)


# -- rows -------------------------------------------------------------------------------


def test_a_bom_before_the_json_is_accepted(emulator):
    one_campaign(emulator)
    emulator.faults = [Fault(on_call=1, kind="bom")]
    run = run_tap(base_config(emulator, **DAY))
    assert len(emulator.calls) == 1 and len(run.records) == emulator.calls[0].rows


def test_rows_outside_the_window_and_exact_duplicates_are_emitted_once(emulator):
    one_campaign(emulator)
    emulator.faults = [Fault(on_call=1, kind="stray_rows"), Fault(on_call=2, kind="duplicate_rows")]
    config = base_config(
        emulator, campaign_ids=["101"], start_date="2026-02-20", end_date="2026-02-21T23:59:59", window_days=1
    )
    run = run_tap(config)
    expected = Counter(
        key(row)
        for row in emulator.rows("101", dt.datetime(2026, 2, 20), dt.datetime(2026, 2, 21, 23, 59, 59))
    )
    assert Counter(key(r) for r in run.records) == expected


def test_key_fields_are_never_null(emulator):
    one_campaign(emulator, null_key_every=2)
    run = run_tap(base_config(emulator, **DAY))
    assert any(r["conn_id"] == "(none)" for r in run.records)
    assert all(r[name] is not None for r in run.records for name in ("conn_id", "telephone", "date_local"))


def test_odd_field_names_are_renamed_to_plain_identifiers(emulator, caplog):
    one_campaign(emulator, row_fields={"": "a", "OPT1": "b", 'x"; drop table w; --': "c", "Fecha Fin ": "d"})
    run = run_tap(base_config(emulator, **DAY))
    renames = [r.getMessage() for r in caplog.records if "is emitted as" in r.getMessage()]
    assert len(renames) == 4 and "Field 'Fecha Fin ' of campaign_3 is emitted as `fecha_fin`" in renames
    schema = next(m["schema"] for m in reversed(run.messages) if m["type"] == "SCHEMA")
    names = set(schema["properties"])
    assert {"unnamed", "opt1__2", "x_drop_table_w", "fecha_fin"} <= names
    assert all(name.replace("_", "").isalnum() and name == name.lower() for name in names)
    record = run.records[0]
    assert record["opt1__2"] == "b" and record["opt1"] != "b" and record["unnamed"] == "a"


def test_campaign_ids_from_the_list_are_stripped(emulator):
    emulator.campaigns = [Campaign("101", "Uno", rows_per_hour=2, fields={"campaign_id": " 101 "})]
    config = base_config(emulator, **DAY)
    del config["campaign_ids"]
    run = run_tap(config)
    assert run.records
    partitions = run.last_state["bookmarks"]["campaign_3"]["partitions"]
    assert [p["context"]["campaign_id"] for p in partitions] == ["101"]
    run_tap(config, state=run.last_state)  # the next run accepts that state (run_tap raises if not)


# -- bookmarks never pass now -----------------------------------------------------------


def test_a_future_end_date_never_puts_the_bookmark_past_now(emulator):
    one_campaign(emulator)
    config = base_config(emulator, campaign_ids=["101"], start_date="2026-02-27", end_date="2099-01-01")
    before = dt.datetime.now(dt.timezone.utc)
    run = run_tap(config)
    bookmark = run.last_state["bookmarks"]["campaign_3"]["partitions"][0]["replication_key_value"]
    assert (
        before - dt.timedelta(days=1)
        < dt.datetime.fromisoformat(bookmark)
        <= dt.datetime.now(dt.timezone.utc)
    )


def test_a_future_bookmark_in_the_state_is_refused_before_any_call(emulator):
    state = state_with({"101": "2099-01-01T00:00:00+00:00"})
    run = run_tap(base_config(emulator, **DAY), state=state, expect=ConfigValidationError)
    assert any("is in the future" in error for error in run.error.errors)  # type: ignore[union-attr]
    assert emulator.calls == []


# -- window edges under either reading of `date_end` ------------------------------------


@pytest.mark.parametrize("end_exclusive", [False, True], ids=["date_end-inclusive", "date_end-exclusive"])
def test_window_edges_lose_no_row_whether_date_end_is_inclusive_or_not(emulator, end_exclusive):
    emulator.end_exclusive = end_exclusive
    emulator.campaigns = [Campaign("101", "Uno", rows_per_hour=6)]  # rows on every day's first second
    first_end, second_end = dt.datetime(2026, 2, 5), dt.datetime(2026, 2, 8)
    config = base_config(emulator, campaign_ids=["101"], start_date="2026-02-01", window_days=1)
    first = run_tap({**config, "end_date": first_end.isoformat()})
    second = run_tap({**config, "end_date": second_end.isoformat()}, state=first.last_state)
    calls = len(emulator.calls_to("campaign_3"))
    # One call per day, and one more a run: windows of at most 86,400 seconds that share
    # their edge second cover 86,399 new seconds each, so 4 days and 1 second take 5.
    assert calls == 5 + 4
    for run in (first, second):
        assert max(Counter(key(r) for r in run.records).values()) == 1  # no duplicate inside a run
    got = {key(r) for r in first.records + second.records}
    expected = {key(r) for r in emulator.rows("101", dt.datetime(2026, 2, 1), second_end)}
    if end_exclusive:
        expected -= {key(r) for r in emulator.rows("101", second_end, second_end)}  # the next run's
    assert got == expected
