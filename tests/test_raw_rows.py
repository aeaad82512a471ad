"""The msgspec split of `data` (raw_rows.py): the rows ijson reads, or a fall back to ijson."""

from __future__ import annotations

import io
import json
import os
import tempfile
import typing as t
from unittest import mock

import msgspec
import pytest

from tap_wolkvox import answer as answer_module
from tap_wolkvox.answer import SortBy, read_answer
from tap_wolkvox.errors import TransientError, WolkvoxAPIError
from tap_wolkvox.raw_rows import NotSplittable, raw_row_spans, raw_rows

ROWS = [
    {"campaign_id": "701", "date": f"2026-01-01 00:00:{n:02d}", "opt1": "sí", "opt2": "", "opt3": None}
    for n in range(40)
]
ODD = {
    "campaign_id": "701",
    "date": "2026-01-01 00:00:00",
    "opt1": '},{"x": "]}',
    "opt2": '\\"},',
    "opt3": "ñ",
}


def bodies() -> dict[str, bytes]:
    envelope = {"code": 200, "error": None, "msg": "40 records were found", "data": ROWS}
    return {
        "compact": json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode(),
        "spaced": json.dumps(envelope).encode(),
        "pretty": json.dumps(envelope, indent=2).encode(),
        "data first": json.dumps({"data": ROWS, "code": 200, "msg": "x"}).encode(),
        "members after data": json.dumps({"code": 200, "data": ROWS, "x": [1, {"a": "]"}]}).encode(),
        "empty": json.dumps({"code": 200, "msg": "none", "data": []}).encode(),
        "braces in strings": json.dumps({"code": 200, "data": [ODD, *ROWS, ODD, ODD]}).encode(),
        "msg mentions data": json.dumps({"code": 200, "msg": '"data":[', "data": ROWS}).encode(),
        # Items that are not objects (read by ijson, which says so): placed all the same.
        "not only objects": b'{"code": 200, "data": [ 1 ,\n "x{" , {"a": "b"} , [ ] , null,{"c": "{"} ]}',
        "nested values": json.dumps(
            {"code": 200, "data": [{"a": {"b": [{"c": "}"}, {}]}, "d": 1}] * 9}
        ).encode(),
    }


@pytest.mark.parametrize("chunk_size", [1, 7, 64, 1 << 20])
@pytest.mark.parametrize("name", list(bodies()))
def test_raw_rows_are_the_data_items_or_not_splittable(name, chunk_size):
    body = bodies()[name]
    expected = msgspec.json.decode(body)["data"]
    try:
        got = [msgspec.json.decode(raw) for raw in raw_rows(io.BytesIO(body), chunk_size)]
    except NotSplittable:
        # Allowed: the caller then reads the answer with ijson. Only where `data` does
        # not start within the first chunk, or cuts inside strings defeat every try.
        assert chunk_size <= 64 or name == "braces in strings"
        return
    assert got == expected


@pytest.mark.parametrize("name", ["compact", "spaced", "pretty", "empty", "data first", "braces in strings"])
def test_common_answers_take_the_fast_path(name):
    with mock.patch.object(answer_module.ijson, "items", side_effect=AssertionError("ijson used")):
        with read_answer([bodies()[name]], call="c", status=200) as got:
            rows = msgspec.json.decode(bodies()[name])["data"]
            unique = [row for n, row in enumerate(rows) if row not in rows[:n]]  # exact duplicates: once
            assert list(got) == unique
            assert got.duplicates == len(rows) - len(unique)


@pytest.mark.parametrize(
    "body",
    [
        b'{"code": 200, "data": [{"a": "1"}, {"a": "2"',  # cut in a row
        b'{"code": 200, "data": [{"a": "1"}, {"a": "2"}]',  # cut after data
        b'{"code": 200, "data": [{"a": "1"},, {"a": "2"}]}',
        b'{"code": 200, "data": [{"a": "1"}, {"a": "2"}] trailing',
    ],
)
def test_a_cut_or_broken_body_is_not_splittable(body):
    for chunk_size in (1, 5, 1 << 20):
        with pytest.raises(NotSplittable):
            list(raw_rows(io.BytesIO(body), chunk_size))


def test_broken_bodies_and_rows_that_are_not_objects_still_raise_as_before():
    with pytest.raises(TransientError):
        read_answer([b'{"code": 200, "data": [{"a": "1"}, {"a": "2"'], call="c", status=200)
    with pytest.raises(WolkvoxAPIError, match="not an object"):
        read_answer([b'{"code": 200, "data": [{"a": "1"}, [1, 2]]}'], call="c", status=200)


def test_the_fast_path_keeps_sort_keys_stop_at_fields_and_text_values():
    rows = [{"date": "b", "n": 1}, {"date": "a", "x": {"y": 2}}, {"date": "c"}]
    body = json.dumps({"code": 200, "data": rows}).encode()
    by_date = SortBy("date", lambda value: value)
    fast = read_answer([body], call="c", status=200, sort_by=by_date, stop_at=2)
    with mock.patch.object(answer_module, "_read_rows_fast", return_value=None):
        slow = read_answer([body], call="c", status=200, sort_by=by_date, stop_at=2)
    with fast, slow:
        assert fast.count == slow.count == 2
        assert list(fast) == list(slow) == [{"date": "a", "x": '{"y":2}'}, {"date": "b", "n": "1"}]
        assert fast.fields == slow.fields == {"date", "n", "x"}  # known once the rows are read


def test_rows_are_sorted_by_the_field_as_sent_and_read_back_with_plain_names():
    """The fast path reads only the sort field while spooling; names are made plain when read back."""
    rows = [
        {"Fecha ": "b", "date": "2"},
        {"Fecha ": "a", "date": "3"},
        {"date": "1"},
        {"Fecha ": None, "date": "0"},
    ]
    body = json.dumps({"code": 200, "data": rows}).encode()
    by_date = SortBy("date", lambda value: value)
    with read_answer([body], call="c", status=200, sort_by=by_date) as got:
        assert [row["date"] for row in got] == ["0", "1", "2", "3"]
        assert got.renamed == {"Fecha ": "fecha"}
        assert got.fields == {"date", "fecha"}


@pytest.mark.parametrize("chunk", [1, 100, 1 << 20])
def test_rows_come_back_sorted_whatever_runs_the_spool_is_read_in(monkeypatch, chunk):
    """Answer.keyed reads runs of rows that follow each other in the spool with one pread."""
    monkeypatch.setattr(answer_module, "CHUNK", chunk)
    keys = [3, 1, 2, *range(10, 60), 5, 4, 0]
    with answer_module.Answer() as spooled:
        for key in keys:
            spooled.add({"k": str(key), "pad": "ñ" * key}, key)
        assert list(spooled.keyed()) == [(key, {"k": str(key), "pad": "ñ" * key}) for key in sorted(keys)]


@pytest.mark.parametrize("chunk", [1, 1 << 20])
def test_exact_duplicates_are_confirmed_by_their_bytes_when_hashes_collide(monkeypatch, chunk):
    """Every row hashing the same: different rows are all kept, each repeat is dropped once."""
    monkeypatch.setattr(answer_module, "row_hash", lambda data: 0)
    monkeypatch.setattr(answer_module, "CHUNK", chunk)  # rows compared in the spool or still pending
    rows = [{"k": "a"}, {"k": "b"}, {"k": "a"}, {"k": "c"}, {"k": "b"}, {"k": "c"}, {"k": "d"}]
    with answer_module.Answer() as spooled:
        for n, row in enumerate(rows):
            spooled.add(row, n)
        assert [row["k"] for row in spooled] == ["a", "b", "c", "d"]
        assert (spooled.count, spooled.duplicates, spooled.received) == (4, 3, 7)


@pytest.mark.parametrize("sent_as", ["Date", "date "])
def test_a_sort_field_sent_under_another_name_still_sorts_the_rows(sent_as):
    """Sorted by the plain name, on the fast path as with ijson."""
    rows = [{sent_as: "2"}, {sent_as: "0"}, {sent_as: "1"}]
    body = json.dumps({"code": 200, "data": rows}).encode()
    by_date = SortBy("date", lambda value: value)
    with read_answer([body], call="c", status=200, sort_by=by_date) as fast:
        assert [row["date"] for row in fast] == ["0", "1", "2"]
    with mock.patch.object(answer_module, "_read_rows_fast", return_value=None):
        with read_answer([body], call="c", status=200, sort_by=by_date) as slow:
            assert [row["date"] for row in slow] == ["0", "1", "2"]


def test_a_body_that_is_not_utf8_is_refused_before_any_row_is_used():
    body = b'{"code": 200, "data": [{"name": "Mu\xf1oz"}, {"name": "Pe\xf1a"}]}'  # Latin-1, not UTF-8
    with pytest.raises(TransientError, match="not valid UTF-8"):
        read_answer([body[:20], body[20:]], call="c", status=200)


def test_a_number_msgspec_cannot_hold_is_kept_as_sent():
    body = b'{"code": 200, "data": [{"a": 1e999, "b": 12345678901234567890123, "c": "x"}]}'
    with read_answer([body], call="c", status=200) as got:
        assert list(got) == [{"a": "1e999", "b": "12345678901234567890123", "c": "x"}]


@pytest.mark.parametrize("chunk_size", [1, 7, 64, 1 << 20])
@pytest.mark.parametrize("name", list(bodies()))
def test_each_raw_row_is_placed_where_it_is_in_the_body(name, chunk_size):
    body = bodies()[name]
    try:
        spans = list(raw_row_spans(io.BytesIO(body), chunk_size))
    except NotSplittable:
        return  # read by ijson instead (see above)
    assert [body[offset : offset + len(raw)] for offset, raw in spans] == [bytes(raw) for _, raw in spans]
    assert [msgspec.json.decode(raw) for _, raw in spans] == msgspec.json.decode(body)["data"]


@pytest.mark.parametrize("path", ["msgspec", "ijson"])
def test_an_answer_is_spooled_once(monkeypatch, path):
    """One temporary file per answer: on the msgspec path it holds the body and nothing more,
    the rows being read back from the body itself; on the ijson path the decoded rows follow it."""
    made: list[t.BinaryIO] = []
    make = tempfile.TemporaryFile

    def counted() -> t.BinaryIO:
        made.append(make())
        return made[-1]

    monkeypatch.setattr(answer_module.tempfile, "TemporaryFile", counted)
    rows = [{"date": f"2026-01-01 00:00:{59 - n:02d}", "pad": "x" * 1000} for n in range(60)]
    body = json.dumps({"code": 200, "msg": "", "data": rows}).encode()
    if path == "ijson":
        monkeypatch.setattr(answer_module, "raw_row_spans", mock.Mock(side_effect=NotSplittable("test")))
    chunks = [body[i : i + 4096] for i in range(0, len(body), 4096)]
    with read_answer(chunks, call="c", status=200, sort_by=SortBy("date", str)) as answer:
        assert [row["date"] for row in answer] == sorted(row["date"] for row in rows)
        [spool] = made
        size = os.fstat(spool.fileno()).st_size
        assert size == len(body) if path == "msgspec" else size > len(body)
    assert spool.closed


def test_rows_the_api_sent_in_order_are_read_back_from_the_body_in_one_pread(monkeypatch):
    """Rows in the body are apart by a comma (and white space): still one read for a run of them."""
    rows = [{"date": f"2026-01-01 00:00:{n:02d}", "opt1": "x"} for n in range(50)]
    body = json.dumps({"code": 200, "msg": "", "data": rows}, indent=1).encode()
    reads = mock.Mock(side_effect=os.pread)
    with read_answer([body], call="c", status=200, sort_by=SortBy("date", str)) as answer:
        monkeypatch.setattr(answer_module.os, "pread", reads)
        assert list(answer) == rows
    assert reads.call_count == 1
