"""Two operations in one Meltano project: the inherited extractors of meltano.yml
(`tap-wolkvox--sales`, `tap-wolkvox--collections`), run through their jobs against two emulators
that each accept only their own token. Rows, schemas and state stay apart; each extractor sends
only its own token (an emulator answers 403 to any other, and records every call)."""

from __future__ import annotations

import datetime as dt
import json
import typing as t

import pytest
from meltano_project import MeltanoProject
from postgres_server import PostgresServer

from wolkvox_emulator import Campaign, Emulator

NOW = dt.datetime(2026, 3, 1, 12, 0, 0)
START = dt.datetime(2026, 2, 25)
SALES_TOKEN = "tok-sales-1a2b"
COLLECTIONS_TOKEN = "tok-collections-9z8y"


@pytest.fixture
def two_operations() -> t.Iterator[tuple[Emulator, Emulator]]:
    sales = Emulator(now=NOW, tokens=(SALES_TOKEN,), campaigns=[Campaign("101", "Ventas", rows_per_hour=4)])
    collections = Emulator(
        now=NOW,
        tokens=(COLLECTIONS_TOKEN,),
        campaigns=[Campaign("303", "Cobranza", rows_per_hour=2), Campaign("404", "Mora", rows_per_hour=1)],
    )
    sales.start()
    collections.start()
    yield sales, collections
    sales.stop()
    collections.stop()


@pytest.fixture
def postgres() -> t.Iterator[PostgresServer]:
    server = PostgresServer()
    try:
        yield server
    finally:
        server.stop()


def keys(server: PostgresServer, schema: str) -> list[tuple]:
    return sorted(server.sql(f"select campaign_id, conn_id from {schema}.campaign_3"))


def expected_keys(emulator: Emulator) -> list[tuple]:
    return sorted(
        (row["campaign_id"], row["conn_id"])
        for campaign in emulator.campaigns
        for row in emulator.rows(campaign.campaign_id, START, NOW)
    )


def test_two_inherited_extractors_keep_rows_state_and_tokens_apart(tmp_path, two_operations, postgres):
    sales, collections = two_operations
    meltano = MeltanoProject(
        tmp_path,
        {
            # What the prod environment reads for each operation (server: replaced by the emulator's URL).
            "WOLKVOX_SALES_TOKEN": SALES_TOKEN,
            "WOLKVOX_SALES_START_DATE": START.isoformat(),
            "TAP_WOLKVOX__SALES_API_URL": sales.url,
            "TAP_WOLKVOX__SALES_CAMPAIGN_IDS": '["101"]',
            "WOLKVOX_COLLECTIONS_TOKEN": COLLECTIONS_TOKEN,
            "WOLKVOX_COLLECTIONS_START_DATE": START.isoformat(),
            "TAP_WOLKVOX__COLLECTIONS_API_URL": collections.url,
            "TAP_WOLKVOX__COLLECTIONS_CAMPAIGN_IDS": '["303", "404"]',
            # The base extractor's token must not reach either operation.
            "TAP_WOLKVOX_TOKEN": "tok-base-must-not-be-sent",
            "TARGET_POSTGRES_HOST": "127.0.0.1",
            "TARGET_POSTGRES_PORT": str(postgres.port),
            "TARGET_POSTGRES_USER": "postgres",
            "TARGET_POSTGRES_PASSWORD": "unused-trust-auth",
            "TARGET_POSTGRES_DATABASE": "postgres",
        },
        environment="prod",
    )
    for job in (
        "wolkvox-sales-campaign-3",
        "wolkvox-collections-campaign-3",
        "wolkvox-sales-dimensions",
        "wolkvox-collections-dimensions",
    ):
        meltano("run", job)

    # Each emulator answered every call: none was refused for a wrong or missing token.
    for emulator in (sales, collections):
        assert emulator.calls
        assert {call.status for call in emulator.calls} <= {200, 404}, [
            (c.api, c.status) for c in emulator.calls
        ]
        assert emulator.calls_to("campaigns"), "the dimensions job read the campaigns"

    # Rows: each operation in its own schema, exactly its own.
    assert keys(postgres, "wolkvox_sales") == expected_keys(sales)
    assert keys(postgres, "wolkvox_collections") == expected_keys(collections)
    assert sorted(postgres.sql("select campaign_id from wolkvox_sales.campaigns")) == [("101",)]
    assert sorted(postgres.sql("select campaign_id from wolkvox_collections.campaigns")) == [
        ("303",),
        ("404",),
    ]

    # State: one state id per operation, each with only its own campaigns.
    state_ids = set(meltano("state", "list").stdout.split())
    assert {
        "prod:tap-wolkvox--sales-to-target-postgres",
        "prod:tap-wolkvox--collections-to-target-postgres",
    } <= state_ids
    # campaign_calls: all, so one partition each, covering only that operation's campaigns.
    for state_id, campaigns in [("sales", ["101"]), ("collections", ["303", "404"])]:
        state = json.loads(meltano("state", "get", f"prod:tap-wolkvox--{state_id}-to-target-postgres").stdout)
        (partition,) = state["singer_state"]["bookmarks"]["campaign_3"]["partitions"]
        assert partition["context"] == {"campaign_id": "all"} and partition["covers"] == campaigns
    sales_state = json.loads(meltano("state", "get", "prod:tap-wolkvox--sales-to-target-postgres").stdout)
    assert "campaign_3" in sales_state["singer_state"]["bookmarks"]


PROD_ENV = {
    "WOLKVOX_SALES_TOKEN": SALES_TOKEN,
    "WOLKVOX_SALES_SERVER": "0004",
    "WOLKVOX_SALES_START_DATE": START.isoformat(),
}


def test_a_production_job_without_an_environment_stops_before_any_call_saying_why(tmp_path, two_operations):
    sales, _ = two_operations
    # The operation's own settings are in the environment; its URL, if it ran, is a recording emulator.
    meltano = MeltanoProject(
        tmp_path, {**PROD_ENV, "TAP_WOLKVOX__SALES_API_URL": sales.url}, environment=None
    )
    run = meltano("run", "wolkvox-sales-campaign-3", check=False)
    assert run.returncode != 0
    assert "A Meltano environment must be specified" in run.stderr
    # An extractor invoked alone has no demo setting to fall back on: it refuses, naming what is missing.
    invoke = meltano("invoke", "tap-wolkvox--sales", check=False)
    assert invoke.returncode != 0
    assert "`token` is required" in invoke.stderr and "`start_date` is required" in invoke.stderr
    assert sales.calls == []
    assert "demo:" not in meltano("state", "list").stdout


@pytest.mark.parametrize("environment", [None, "prod"])
def test_the_production_operations_never_get_the_demos_settings(tmp_path, environment):
    meltano = MeltanoProject(tmp_path, PROD_ENV, environment=environment)
    demo = json.loads(
        MeltanoProject(tmp_path, {}, environment="demo")("invoke", "--dump=config", "tap-wolkvox").stdout
    )
    for plugin in ("tap-wolkvox--sales", "tap-wolkvox--sales-dimensions", "tap-wolkvox--collections"):
        config = json.loads(meltano("invoke", "--dump=config", plugin).stdout)
        for name in ("api_url", "token", "campaign_ids", "start_date"):
            assert config.get(name) in (None, "", []) or config.get(name) != demo[name], (plugin, name)
        assert "api_url" not in config or not config["api_url"], plugin
    sales = json.loads(meltano("invoke", "--dump=config", "tap-wolkvox--sales").stdout)
    if environment == "prod":
        assert (sales["token"], sales["server"]) == (SALES_TOKEN, "0004")
    else:
        assert not sales.get("token") and not sales.get("server")
