"""Bad settings and bad state files are refused before the first call, saying what to fix."""

from __future__ import annotations

import itertools
import json

import pytest
from conftest import TOKEN, base_config, run_cli, run_tap, state_with
from singer_sdk.exceptions import ConfigValidationError

from tap_wolkvox.settings import parse_settings
from wolkvox_emulator import Campaign


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"token": ""}, "`token` is empty"),
        ({"api_url": None, "server": "evil.example.com/x#"}, "`server` must match"),
        ({"api_url": None}, "Set `server`"),
        ({"api_url": "ftp://127.0.0.1/"}, "`api_url` must be an http(s) URL"),
        ({"api_url": "http://127.0.0.1:8080/?steal=1"}, "must not carry a query"),
        ({"api_url": "http://127.0.0.1:8080/#x"}, "must not carry a query, a fragment"),
        ({"api_url": "http://user:pw@127.0.0.1:8080"}, "credentials"),
        ({"window_days": 0}, "`window_days` must be ≥ 1"),
        ({"window_days": 32}, "`window_days` must be ≤ 31, not 32"),
        ({"start_date": "2026-03-01", "end_date": "2026-02-01"}, "`start_date` is after `end_date`"),
        ({"campaign_ids": ["101", "12a", "all"]}, "`campaign_ids.1` must match ^[0-9]+$"),
        ({"timezone": "America/Bogata"}, "`timezone` 'America/Bogata' is not an IANA zone"),
        ({"start_date": "yesterday"}, "`start_date` 'yesterday' is not an ISO 8601 date-time"),
        ({"lookback_minutes": -5}, "`lookback_minutes` must be ≥ 0"),
        ({"request_timeout": 0}, "`request_timeout` must be > 0"),
        ({"api_url": "http://wv0004.wolkvox.com"}, "plain http to wv0004.wolkvox.com"),
        ({"api_url": "http://[::1]:8080", "server": "bad/server"}, "`server` must match"),
        ({"token": 12345}, "`token` must be text (its value is not shown"),
        ({"token": "abc def"}, "`token` has spaces"),
        ({"window_days": "many"}, '`window_days` must be a whole number, not "many"'),
    ],
)
def test_bad_settings_are_refused_before_any_call(emulator, overrides, words):
    config = {k: v for k, v in base_config(emulator, **overrides).items() if v is not None}
    run = run_tap(config, expect=ConfigValidationError)
    assert isinstance(run.error, ConfigValidationError)
    assert any(words in error for error in run.error.errors), run.error.errors
    assert not any(TOKEN in error or "12345" in error for error in run.error.errors)
    assert emulator.calls == []


def test_numbers_given_as_text_and_a_token_with_blanks_around_it_work(emulator):
    """Env vars and secret files give text: `"30"` is 30, `"tok\n"` is `tok`."""
    config = base_config(
        emulator, campaign_ids=["101"], token=f" {TOKEN}\r\n", request_timeout="5", window_days="31"
    )
    config["start_date"] = "2026-02-20T00:00:00"
    run = run_tap(config)
    assert run.records


def partition(value, campaign="101"):
    return state_with({campaign: value})


@pytest.mark.parametrize(
    ("state", "words"),
    [
        (partition("last tuesday"), "is not an ISO 8601 date-time with an offset"),
        (partition("2026-02-01T00:00:00"), "is not an ISO 8601 date-time with an offset"),
        (partition("2026-02-01T00:00:00+00:00", campaign="abc"), "is not one id (digits) or `all`"),
        ({"bookmarks": ["campaign_3"]}, "`bookmarks` must be an object"),
        (
            {"bookmarks": {"cdr_1": {"replication_key_value": "last tuesday"}}},
            "State for cdr_1: the bookmark is",
        ),
        (
            {"bookmarks": {"cdr_1": {"replication_key_value": "2099-01-01T00:00:00+00:00"}}},
            "State for cdr_1: the bookmark 2099-01-01T00:00:00+00:00 is in the future",
        ),
        ({"bookmarks": {"campaign_3": "2026-01-01"}}, "bookmarks.campaign_3 must be an object"),
    ],
)
def test_a_state_file_the_tap_did_not_write_is_refused(emulator, state, words):
    run = run_tap(base_config(emulator), state=state, expect=ConfigValidationError)
    assert isinstance(run.error, ConfigValidationError)
    assert any(words in error for error in run.error.errors), run.error.errors
    assert emulator.calls == []


def test_a_state_with_other_streams_and_valid_bookmarks_is_accepted(emulator):
    state = partition("2026-02-28T00:00:00+00:00")
    state["bookmarks"]["some_other_stream"] = {"anything": 1}
    run = run_tap(base_config(emulator, campaign_ids=["101"]), state=state)
    assert run.records and min(r["date"] for r in run.records) >= "2026-02-28T00:00:00+00:00"
    assert run.last_state["bookmarks"]["some_other_stream"] == {"anything": 1}  # kept as it was


def test_discover_makes_no_call(tmp_path, emulator):
    result = run_cli(tmp_path, base_config(emulator), "--discover")
    assert result.returncode == 0, result.stderr
    catalog = json.loads(result.stdout)
    properties = next(s for s in catalog["streams"] if s["tap_stream_id"] == "campaign_3")["schema"][
        "properties"
    ]
    assert {"campaign_id", "date", "date_local", "conn_id", "opt12"} <= set(properties)
    assert emulator.calls == []


def test_cli_reports_each_bad_setting_and_exits_1(tmp_path, emulator):
    result = run_cli(tmp_path, base_config(emulator, window_days=40, timezone="Mars/Olympus"))
    assert result.returncode == 1
    assert "`window_days` must be ≤ 31, not 40" in result.stderr
    assert "Traceback" not in result.stderr
    assert emulator.calls == []


def test_connection_check_is_one_cheap_call(tmp_path, emulator):
    result = run_cli(tmp_path, base_config(emulator, campaign_ids=["101", "404", "999"]), "--check")
    assert result.returncode == 0, result.stderr
    assert [call.api for call in emulator.calls] == ["campaigns"]
    assert "Token accepted" in result.stdout
    assert "not found in the operation: ['999']" in result.stdout
    assert (
        "Campaigns by type: predictive 101 (read by campaign_3, campaign_7); preview 404 (read by campaign_5)"
        in result.stdout.splitlines()
    )


def test_connection_check_says_when_no_report_reads_a_campaigns_type(tmp_path, emulator):
    emulator.campaigns = [*emulator.campaigns, Campaign("606", "Entrantes", type_campaign="inbound")]
    result = run_cli(tmp_path, base_config(emulator, campaign_ids=["101", "606"]), "--check")
    assert result.returncode == 0, result.stderr
    said = (
        "Campaigns by type: inbound 606 (read by no report); predictive 101 (read by campaign_3, campaign_7)"
    )
    assert said in result.stdout.splitlines()


def test_connection_check_fails_clearly_on_a_bad_token(tmp_path, emulator):
    result = run_cli(tmp_path, base_config(emulator, token="wrong-token", retry_wait_seconds=0), "--check")
    assert result.returncode != 0
    assert "invalid or expired token" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(emulator.calls) == 1  # --check makes one attempt


def test_a_misspelled_setting_is_named_with_the_closest_valid_one(tmp_path, emulator):
    config = base_config(emulator)
    config["campaing_ids"] = config.pop("campaign_ids")
    result = run_cli(tmp_path, config, "--check")
    assert result.returncode == 0, result.stderr
    assert "Unknown setting `campaing_ids` is ignored; did you mean `campaign_ids`?" in result.stderr


def test_check_against_nothing_listening_names_the_url_at_once_without_a_traceback(tmp_path, emulator):
    result = run_cli(tmp_path, base_config(emulator, api_url="http://127.0.0.1:9"), "--check")
    assert result.returncode == 1
    assert "could not get an answer from http://127.0.0.1:9 (connection refused" in result.stderr
    assert "Traceback" not in result.stderr and "Retry" not in result.stderr


def test_the_pause_between_calls_holds_across_streams(emulator):
    config = base_config(emulator, min_call_interval_seconds=0.4, start_date="2026-02-28T00:00:00")
    del config["campaign_ids"]  # the campaign list, then campaign_3: two streams
    run_tap(config)
    calls = emulator.calls
    assert calls[0].api == "campaigns" and len(calls) >= 3
    gaps = [later.started - earlier.ended for earlier, later in itertools.pairwise(calls)]
    assert min(gaps) >= 0.35


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"start_date": "yesterday"}, "`start_date` 'yesterday' is not an ISO 8601 date-time"),
        ({"token": None}, "`token` is required"),
        ({"token": "wrong-token"}, "invalid or expired token"),
    ],
)
def test_check_answers_each_first_mistake_with_one_paragraph_and_no_traceback(
    tmp_path, emulator, overrides, words
):
    config = {k: v for k, v in base_config(emulator, **overrides).items() if v is not None}
    result = run_cli(tmp_path, config, "--check")
    assert result.returncode == 1
    assert words in result.stderr
    assert "Traceback" not in result.stderr


def test_values_meltano_gives_as_text_or_numbers_are_read_as_meant(emulator):
    # Meltano passes `kind: string` numbers as text, booleans from a secret store may be text,
    # and an array env var `101,202` arrives as numbers.
    settings = parse_settings(
        base_config(
            emulator,
            campaign_ids=[101, "202"],
            check_quota="true",
            include_stopped_campaigns="no",
            min_call_interval_seconds="0.5",
            request_timeout=" 30.5 ",
        )
    )
    assert settings.campaign_ids == ("101", "202")
    assert settings.check_quota is True
    assert settings.include_stopped_campaigns is False
    assert settings.min_call_interval_seconds == 0.5
    assert settings.request_timeout == 30.5


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"check_quota": "ture"}, '`check_quota` must be true or false, not "ture"'),
        ({"campaign_ids": [101, -5]}, "`campaign_ids.1` must be text, not -5"),
        ({"campaign_ids": [True]}, "`campaign_ids.0` must be text, not true"),
        ({"min_call_interval_seconds": "half"}, '`min_call_interval_seconds` must be a number, not "half"'),
    ],
)
def test_text_that_means_nothing_is_still_refused_by_name(emulator, overrides, words):
    with pytest.raises(ConfigValidationError) as raised:
        parse_settings(base_config(emulator, **overrides))
    assert any(words in error for error in raised.value.errors), raised.value.errors
