"""scripts/demo.py: the usage line it parses and the summary it prints of each run."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

import demo
import duckdb  # the test venv's; the demo runs duckdb_summary.py with target-duckdb's
import duckdb_summary

MELTANO_LOG = """\
2026-11-27T05:35:19Z [info] tap-wolkvox  Beginning sync of 'campaign_3' in incremental mode
2026-11-27T05:35:19Z [info] tap-wolkvox  Wolkvox API usage: 3 calls, 10 rows emitted, 300.00 calls per 1,000
2026-11-27T05:35:20Z [info] meltano      Block run completed
"""


def counts(rows: int, distinct: int | None = None) -> dict:
    return {"rows": rows, "distinct_keys": rows if distinct is None else distinct, "campaigns": {}}


def test_the_usage_line_is_read_from_meltanos_output():
    usage = demo.parse_usage(MELTANO_LOG)
    assert usage is not None
    assert (usage.calls, usage.rows) == (3, 10)
    assert usage.line.startswith("Wolkvox API usage: 3 calls")


def test_the_last_usage_line_counts_and_a_log_without_one_gives_none():
    log = (
        MELTANO_LOG
        + "... Wolkvox API usage: 1 call, 0 rows emitted, n/a calls per 1,000 rows; stopped at ...\n"
    )
    usage = demo.parse_usage(log)
    assert usage is not None
    assert (usage.calls, usage.rows) == (1, 0)
    assert demo.parse_usage("Block run completed\nRun completed\n") is None


def test_bookmarks_come_from_meltano_state_and_no_state_is_empty():
    state = {
        "singer_state": {
            "bookmarks": {
                "campaign_3": {
                    "partitions": [
                        {
                            "context": {"campaign_id": "101"},
                            "replication_key_value": "2026-11-27T05:31:56+00:00",
                        },
                        {
                            "context": {"campaign_id": "202"},
                            "replication_key_value": "2026-11-27T05:31:57+00:00",
                        },
                    ]
                },
                "campaigns": {},
            }
        }
    }
    assert demo.bookmarks(state) == {"101": "2026-11-27T05:31:56+00:00", "202": "2026-11-27T05:31:57+00:00"}
    assert demo.bookmarks({}) == {}


def test_the_state_line_counts_every_streams_bookmarks():
    state = {
        "singer_state": {
            "bookmarks": {
                "campaign_3": {
                    "partitions": [{"context": {"campaign_id": "all"}, "replication_key_value": "a"}]
                },
                "cdr_1": {"replication_key": "date", "replication_key_value": "b"},
                "agents": {},
            }
        }
    }
    assert demo.every_bookmark(state) == {"campaign_3 all": "a", "cdr_1": "b"}
    assert demo.every_bookmark({}) == {}


def test_a_first_run_says_so_and_all_its_rows_are_new():
    usage = demo.parse_usage("Wolkvox API usage: 3 calls, 28936 rows emitted, 0.10 calls per 1,000 rows")
    summary = demo.RunSummary.of(
        state_before={}, state_after={"101": "x"}, before=counts(0), after=counts(28936), usage=usage
    )
    assert not summary.continued
    assert (summary.fetched, summary.new_rows, summary.replaced, summary.calls) == (28936, 28936, 0, 3)
    text = "\n".join(summary.lines())
    assert "a first run: Meltano had no state" in text
    assert "28,936 rows new" in text
    assert "3 API calls" in text
    assert "lookback" not in text.split("re-read:")[1]


def test_a_second_run_continues_from_state_and_its_lookback_rereads_replace_themselves():
    usage = demo.parse_usage("Wolkvox API usage: 3 calls, 15 rows emitted, 200.00 calls per 1,000 rows")
    summary = demo.RunSummary.of(
        state_before={"101": "2026-11-27T05:31:56+00:00", "202": "2026-11-27T05:30:00+00:00"},
        state_after={"101": "b", "202": "c"},
        before=counts(28936),
        after=counts(28939),
        usage=usage,
    )
    assert summary.continued
    assert (summary.fetched, summary.new_rows, summary.replaced, summary.duplicates_added) == (15, 3, 12, 0)
    text = "\n".join(summary.lines())
    assert "continued from Meltano's state" in text
    assert "oldest 2026-11-27T05:30:00+00:00" in text
    assert "12 rows fetched again by the lookback replaced themselves" in text
    assert "28,939 rows in 1 table of schema wolkvox" in text
    assert "one row per key" in text


def test_counts_read_as_english():
    assert demo.rows(1) == "1 row"
    assert demo.rows(28936) == "28,936 rows"
    assert demo.plural(3, "API call") == "3 API calls"


def test_rows_that_did_not_replace_themselves_are_reported_as_duplicates():
    usage = demo.parse_usage("Wolkvox API usage: 3 calls, 15 rows emitted")
    summary = demo.RunSummary.of(
        state_before={"101": "a"},
        state_after={"101": "b"},
        before=counts(100),
        after=counts(115, 103),
        usage=usage,
    )
    assert (summary.new_rows, summary.duplicates_added, summary.replaced) == (3, 12, 0)
    text = "\n".join(summary.lines())
    assert "12 rows added a second copy" in text
    assert "12 duplicate rows" in text


def test_without_a_usage_line_the_calls_and_rereads_are_unknown_not_guessed():
    summary = demo.RunSummary.of(
        state_before={"101": "a"}, state_after={"101": "b"}, before=counts(10), after=counts(12), usage=None
    )
    assert (summary.fetched, summary.replaced, summary.calls) == (None, None, None)
    assert "calls:      unknown" in "\n".join(summary.lines())


def test_state_without_a_warehouse_says_how_to_start_over():
    """output/ deleted but Meltano's state kept: the run loads only the rows since the bookmarks."""
    usage = demo.parse_usage("Wolkvox API usage: 3 calls, 15 rows emitted")
    lost = demo.RunSummary.of(
        state_before={"101": "a"}, state_after={"101": "b"}, before=counts(0), after=counts(15), usage=usage
    )
    assert "state clear demo:tap-wolkvox-to-target-duckdb" in "\n".join(lost.lines())
    normal = demo.RunSummary.of(
        state_before={"101": "a"}, state_after={"101": "b"}, before=counts(10), after=counts(15), usage=usage
    )
    assert "state clear" not in "\n".join(normal.lines())


def test_rows_already_in_the_warehouse_refetched_by_a_first_run_are_not_blamed_on_the_lookback():
    usage = demo.parse_usage("Wolkvox API usage: 3 calls, 28950 rows emitted")
    summary = demo.RunSummary.of(
        state_before={}, state_after={"101": "b"}, before=counts(19), after=counts(28950), usage=usage
    )
    assert (summary.new_rows, summary.replaced) == (28931, 19)
    assert "19 rows already in the warehouse replaced themselves" in "\n".join(summary.lines())


def test_the_warehouse_counts_sum_every_stream_loaded_so_a_first_run_re_reads_nothing(tmp_path):
    # Before, only wolkvox.campaign_3 was counted while "fetched" counted every stream: a first run
    # of several streams reported the other streams' rows as "re-read".
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema wolkvox")
        connection.execute(
            "create table wolkvox.campaign_3 (campaign_id varchar, conn_id varchar, telephone varchar, "
            "date_local varchar, date timestamp, primary key (campaign_id, conn_id, telephone, date_local))"
        )
        connection.execute(
            "insert into wolkvox.campaign_3 values "
            "('101', 'a', '1', '2026-11-27 00:00:00', '2026-11-27 05:00:00')"
        )
        connection.execute("create table wolkvox.skills (skill_id varchar primary key, skill_name varchar)")
        connection.execute("insert into wolkvox.skills values ('1', 'x'), ('2', 'y')")
    counts = duckdb_summary.counts(str(path))
    assert counts["streams"] == {
        "campaign_3": {"rows": 1, "distinct_keys": 1},
        "skills": {"rows": 2, "distinct_keys": 2},
    }
    assert (counts["rows"], counts["distinct_keys"]) == (3, 3)
    usage = demo.parse_usage("Wolkvox API usage: 2 calls, 3 rows emitted, 666.67 calls per 1,000 rows")
    empty = {"rows": 0, "distinct_keys": 0, "streams": {}, "campaigns": {}}
    summary = demo.RunSummary.of(state_before={}, state_after={}, before=empty, after=counts, usage=usage)
    assert (summary.new_rows, summary.replaced) == (3, 0)
    assert "3 rows in 2 tables of schema wolkvox" in "\n".join(summary.lines())
