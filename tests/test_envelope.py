"""The envelope and the error taxonomy, on crafted responses: no HTTP."""

from __future__ import annotations

import json

import pytest
import requests

from tap_wolkvox.errors import (
    Action,
    BusyError,
    QuotaExhaustedError,
    TokenRejectedError,
    TransientError,
    WolkvoxAPIError,
    describe_call,
    find_rule,
)
from tap_wolkvox.tap import TapWolkvox

URL = "http://127.0.0.1:9/api/v2/reports_manager.php?api=campaign_3&campaign_id=101&date_ini=20260101000000&date_end=20260131235959"
CONFIG = {"token": "t", "api_url": "http://127.0.0.1:9", "campaign_ids": ["101"], "start_date": "2026-01-01"}


@pytest.fixture
def stream():
    return TapWolkvox(config=CONFIG, parse_env_config=False).streams["campaign_3"]


def response(status: int, body: object) -> requests.Response:
    resp = requests.Response()
    resp.status_code = status
    resp._content = body if isinstance(body, bytes) else json.dumps(body).encode()
    resp._content_consumed = True  # as requests leaves a fully read response
    resp.url = URL
    return resp


def answer(stream, status: int, body: object) -> list[dict]:
    """Run a response through the stream as a call would: validate, then parse."""
    resp = response(status, body)
    stream.validate_response(resp)
    return list(stream.parse_response(resp))


ROW = {"campaign_id": "101", "date": "2026-01-02 08:00:00", "conn_id": "1"}


@pytest.mark.parametrize("code", [200, "200"])
def test_code_200_as_int_or_string_gives_rows(stream, code):
    assert answer(
        stream, 200, {"code": code, "error": None, "msg": "1 records were found", "data": [ROW]}
    ) == [ROW]


def test_empty_data_is_no_rows(stream):
    assert answer(stream, 200, {"code": 200, "error": None, "msg": "0", "data": []}) == []


@pytest.mark.parametrize("msg", ["Validate dates entered", "VALIDATE DATES ENTERED"])
def test_404_validate_dates_is_no_rows(stream, msg):
    assert answer(stream, 404, {"code": 404, "error": "NOT FOUND", "msg": msg}) == []


def test_404_validate_dates_inside_a_200_envelope_is_no_rows(stream):
    assert answer(stream, 200, {"code": "404", "error": "NOT FOUND", "msg": "Validate dates entered"}) == []


def test_other_404_is_fatal_and_points_at_the_server_setting(stream):
    with pytest.raises(WolkvoxAPIError, match="server"):
        answer(stream, 404, b"<html>Not Found</html>")


@pytest.mark.parametrize(
    "body",
    [b"<html><body>502 Bad Gateway</body></html>", b'{"code": 200, "data": [{"campaign_id": "1', b""],
)
def test_a_200_that_is_not_json_is_retried_never_empty(stream, body):
    with pytest.raises(TransientError, match="not valid JSON"):
        answer(stream, 200, body)


@pytest.mark.parametrize(
    "body",
    [{"code": 200, "msg": "no data key"}, {"code": 200, "data": None}, {"code": 200, "data": ["x"]}, [1, 2]],
)
def test_a_200_without_a_list_of_rows_is_an_error_not_empty(stream, body):
    with pytest.raises(WolkvoxAPIError):
        answer(stream, 200, body)


def test_a_body_code_that_is_not_200_is_classified_like_a_status(stream):
    with pytest.raises(QuotaExhaustedError, match="daily call quota"):
        answer(stream, 200, {"code": 403, "error": "FORBIDDEN", "msg": "TOKEN LIMIT EXCEEDED"})


@pytest.mark.parametrize(
    ("status", "msg", "error_type", "words"),
    [
        (401, "PLEASE ENTER THE WOLKVOX-TOKEN", WolkvoxAPIError, "token missing"),
        (403, "PLEASE VALIDATE TOKEN", TokenRejectedError, "Integrations → Tokens"),
        (403, "TOKEN LIMIT EXCEEDED", QuotaExhaustedError, "resume tomorrow"),
        (403, "EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS PER TOKEN (2)", BusyError, "another process"),
        (403, "", BusyError, "maintenance"),
        (400, "SOME PARAMETERS ARE REQUIRED", WolkvoxAPIError, "SOME PARAMETERS ARE REQUIRED"),
        (500, "boom", TransientError, "server error"),
        (503, "", TransientError, "server error"),
    ],
)
def test_each_error_answer_raises_its_class_naming_campaign_and_window(
    stream, status, msg, error_type, words
):
    with pytest.raises(error_type) as caught:
        answer(stream, status, {"code": status, "error": "X", "msg": msg})
    text = str(caught.value)
    assert words in text
    assert "campaign 101" in text and "20260101000000..20260131235959" in text


def test_error_messages_cap_the_body(stream):
    with pytest.raises(TransientError) as caught:
        answer(stream, 502, b"<html>" + b"x" * 100_000 + b"</html>")
    assert len(str(caught.value)) < 600


def test_taxonomy_table_reads_as_documented():
    assert find_rule(404, "Validate dates entered").action is Action.NO_ROWS
    assert find_rule(403, "TOKEN LIMIT EXCEEDED").action is Action.FATAL
    assert find_rule(403, "PLEASE VALIDATE TOKEN").action is Action.CONFIRM
    assert find_rule(403, "anything else").action is Action.WAIT
    assert find_rule(502, "").action is Action.RETRY
    assert find_rule(418, "").action is Action.FATAL


def test_values_that_are_not_strings_are_kept_as_their_json_text(stream):
    row = {"campaign_id": 101, "date": "2026-01-02 08:00:00", "opt1": None, "opt2": {"a": 1}, "opt3": 1.5}
    rows = answer(stream, 200, {"code": 200, "data": [row]})
    assert rows == [
        {"campaign_id": "101", "date": "2026-01-02 08:00:00", "opt1": None, "opt2": '{"a":1}', "opt3": "1.5"}
    ]


@pytest.mark.parametrize(
    ("query", "described"),
    [
        ("api=campaign_3&campaign_id=12&date_ini=20260101000000&date_end=20260131235959",
         "campaign_3, campaign 12, window 20260101000000..20260131235959"),
        ("api=skill_10&skill_id=7&date_ini=20260101000000&date_end=20260101235959",
         "skill_10, skill 7, window 20260101000000..20260101235959"),
        ("api=cdr_1&date_ini=20260101000000&date_end=20260101235959",
         "cdr_1, window 20260101000000..20260101235959"),
        ("api=campaigns", "campaigns"),
    ],
)  # fmt: skip
def test_a_call_is_described_by_its_report_partition_and_window(query, described):
    assert describe_call(f"http://127.0.0.1:9/api/v2/reports_manager.php?{query}") == described
