"""The emulator's report table: every declared report served over HTTP under campaign_3's rules."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import urllib.error
import urllib.request
from collections import Counter

import pytest
from conftest import EMULATOR_NOW, TOKEN

from wolkvox_emulator import REPORTS, Campaign, Emulator
from wolkvox_emulator.reports import Report

DAY = dt.datetime(2026, 2, 20)
DAY_END = DAY + dt.timedelta(days=1) - dt.timedelta(seconds=1)
API_FORMAT = "%Y%m%d%H%M%S"
EVENT_REPORTS = sorted(REPORTS)
PARTITIONED = sorted(api for api, report in REPORTS.items() if report.partition)


def get(emu: Emulator, path: str, token: str | None = TOKEN, **params: str) -> tuple[int, dict]:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    request = urllib.request.Request(f"{emu.url}/api/v2/{path}?{query}")
    if token is not None:
        request.add_header("wolkvox-token", token)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def report(
    emu: Emulator, api: str, start: dt.datetime = DAY, end: dt.datetime = DAY_END, **params: str
) -> tuple[int, dict]:
    declared = REPORTS.get(api)
    if declared is not None and declared.partition and declared.partition not in params:
        params[declared.partition] = "all"
    return get(
        emu,
        "reports_manager.php",
        api=api,
        date_ini=f"{start:{API_FORMAT}}",
        date_end=f"{end:{API_FORMAT}}",
        **params,
    )


def parse(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S")


def key_of(row: dict) -> str:
    return json.dumps(row, sort_keys=True, ensure_ascii=False)


@pytest.fixture
def emu():
    emulator = Emulator(now=EMULATOR_NOW, tokens=(TOKEN,))
    emulator.start()
    yield emulator
    emulator.stop()


def test_the_table_declares_the_reports_of_issues_11_and_12():
    assert set(REPORTS) == {
        "campaign_3", "cdr_1", "agent_14", "chat_1", "skill_10", "skill_2", "diagram_1", "campaign_5",
        "campaign_7", "agent_7", "quality_2", "cdr_5",
    }  # fmt: skip
    assert {api: REPORTS[api].partition for api in PARTITIONED} == {
        "campaign_3": "campaign_id",
        "campaign_5": "campaign_id",
        "campaign_7": "campaign_id",
        "skill_10": "skill_id",
        "skill_2": "skill_id",
    }
    assert REPORTS["chat_1"].filter_field == "date_close"


@pytest.mark.parametrize("api", EVENT_REPORTS)
def test_each_report_is_a_declaration_of_its_fields(api):
    declared = REPORTS[api]
    named = {declared.filter_field, *declared.order, *([declared.appears] if declared.appears else [])}
    assert named <= set(declared.fields), "the filter field, order and lateness name declared fields"
    if declared.generate is None:  # only campaign_3 and campaign_5 have their own generator
        assert all(callable(kind) for kind in declared.fields.values()), "every field has a kind"
    assert [name for name, entry in REPORTS.items() if entry.generate] == ["campaign_3", "campaign_5"]


@pytest.mark.parametrize("api", EVENT_REPORTS)
def test_each_report_is_served_with_the_token_as_report_rows_says(emu, api):
    status, body = report(emu, api)
    assert status == 200, body
    assert body["error"] is None and body["msg"] == f"{len(body['data'])} records were found"
    assert body["data"] == emu.report_rows(api, DAY, DAY_END)
    assert len(body["data"]) >= 10
    declared: Report = REPORTS[api]
    for row in body["data"]:
        assert tuple(row) == tuple(declared.fields)
        assert all(isinstance(value, str) for value in row.values())
    assert emu.calls_to(api)[-1].rows == len(body["data"])


@pytest.mark.parametrize("api", EVENT_REPORTS)
def test_each_report_selects_rows_by_its_filter_field(emu, api):
    start, end = DAY + dt.timedelta(hours=9, minutes=30), DAY + dt.timedelta(hours=14, seconds=-1)
    rows = emu.report_rows(api, start, end)
    field = REPORTS[api].filter_field
    assert rows and all(start <= parse(row[field]) <= end for row in rows)
    day = emu.report_rows(api, DAY, DAY_END)
    assert Counter(map(key_of, rows)) == Counter(
        key_of(row) for row in day if start <= parse(row[field]) <= end
    ), "the window's rows are the day's rows whose filter field is in the window"


@pytest.mark.parametrize("api", EVENT_REPORTS)
def test_each_report_is_deterministic(api):
    first = Emulator(now=EMULATOR_NOW).report_rows(api, DAY, DAY_END)
    again = Emulator(now=EMULATOR_NOW).report_rows(api, DAY, DAY_END)
    other = Emulator(seed=8, now=EMULATOR_NOW).report_rows(api, DAY, DAY_END)
    assert first == again
    assert first != other


@pytest.mark.parametrize("api", EVENT_REPORTS)
def test_an_empty_window_is_404_validate_dates_entered(emu, api):
    later = EMULATOR_NOW + dt.timedelta(hours=1)
    status, body = report(emu, api, later, later + dt.timedelta(hours=2))
    assert (status, body["code"], body["msg"]) == (404, 404, "Validate dates entered")
    assert emu.report_rows(api, later, later + dt.timedelta(hours=2)) == []


@pytest.mark.parametrize("api", EVENT_REPORTS)
def test_each_report_is_cut_silently_at_max_rows_over_the_whole_answer(emu, api):
    emu.max_rows = 10
    whole = emu.report_rows(api, DAY, DAY_END)
    status, body = report(emu, api)
    assert status == 200 and len(whole) > 10
    assert body["data"] == whole[:10] and body["msg"] == "10 records were found"
    field = REPORTS[api].filter_field
    earliest = sorted(row[field] for row in whole)[:10]
    assert sorted(row[field] for row in body["data"]) != earliest, "the cut is not the window's first rows"


@pytest.mark.parametrize("api", EVENT_REPORTS)
def test_each_report_allows_31_days_not_more(emu, api):
    start = dt.datetime(2026, 1, 1)
    status, body = report(emu, api, start, start + dt.timedelta(days=31, seconds=1))
    assert (status, body["msg"]) == (400, "THE MAXIMUM RANGE OF DATES IS 31 DAYS")
    status, _ = report(emu, api, start, start + dt.timedelta(days=31))
    assert status == 200


@pytest.mark.parametrize("api", EVENT_REPORTS)
def test_missing_parameters_are_400(emu, api):
    status, body = get(emu, "reports_manager.php", api=api, date_ini=f"{DAY:{API_FORMAT}}")
    assert (status, body["msg"]) == (400, "SOME PARAMETERS ARE REQUIRED")
    partition = REPORTS[api].partition
    if partition:
        dates = {"date_ini": f"{DAY:{API_FORMAT}}", "date_end": f"{DAY_END:{API_FORMAT}}"}
        status, body = get(emu, "reports_manager.php", api=api, **dates)
        assert (status, body["msg"]) == (400, "SOME PARAMETERS ARE REQUIRED")


def test_unknown_api_token_and_quota_rules_apply_to_every_report(emu):
    status, body = report(emu, "cdr_99")
    assert (status, body["msg"]) == (400, "THE API YOU WANT TO CONSULT DOES NOT EXIST")
    status, body = report(emu, "cdr_1")
    status, body = get(emu, "reports_manager.php", token=None, api="cdr_1")
    assert (status, body["msg"]) == (401, "PLEASE ENTER THE WOLKVOX-TOKEN")
    status, body = get(emu, "reports_manager.php", token="nope", api="cdr_1")
    assert (status, body["msg"]) == (403, "PLEASE VALIDATE TOKEN")
    emu.quota = 2  # the two calls with a valid token so far
    status, body = report(emu, "agent_14")
    assert (status, body["msg"]) == (403, "TOKEN LIMIT EXCEEDED")


@pytest.mark.parametrize("api", PARTITIONED)
def test_all_is_every_member_in_one_answer(emu, api):
    declared = REPORTS[api]
    assert declared.partition is not None
    members = [member for member, _ in declared.member_list(emu.context(api), "all")]
    assert len(members) >= 1
    each: Counter[str] = Counter()
    for member in members:
        status, body = report(emu, api, **{declared.partition: member})
        assert status == 200
        assert {row[declared.partition] for row in body["data"]} == {member}
        each.update(map(key_of, body["data"]))
    status, body = report(emu, api, **{declared.partition: "all"})
    assert status == 200 and Counter(map(key_of, body["data"])) == each
    assert body["data"] == sorted(body["data"], key=declared.sort_key), "the API's order, whole answer"
    assert emu.report_rows(api, DAY, DAY_END, "all") == emu.report_rows(api, DAY, DAY_END) == body["data"]
    status, body = report(emu, api, **{declared.partition: "999"})
    assert status == 404


def test_campaign_reports_cover_their_campaign_type_only(emu):
    emu.campaigns.append(Campaign("505", "Preview Cobros", type_campaign="preview", rows_per_hour=3))
    campaigns = {api: {row["campaign_id"] for row in emu.report_rows(api, DAY, DAY_END, "all")} for api in
                 ("campaign_3", "campaign_5", "campaign_7")}  # fmt: skip
    assert campaigns == {"campaign_3": {"101", "202", "303"}, "campaign_5": {"404", "505"},
                         "campaign_7": {"101", "202", "303"}}  # fmt: skip
    assert emu.rows("404", DAY, DAY_END) == [], "a preview campaign has no campaign_3 rows"


def test_campaign_3_all_is_cut_at_max_rows_over_the_combined_answer(emu):
    emu.campaigns = [Campaign("101", "Uno", rows_per_hour=20), Campaign("202", "Dos", rows_per_hour=20)]
    emu.max_rows = 300
    each = [emu.rows(c, DAY, DAY_END) for c in ("101", "202")]
    assert all(len(rows) < 600 for rows in each) and sum(map(len, each)) > 600
    _status, body = report(emu, "campaign_3", campaign_id="all")
    combined = sorted(each[0] + each[1], key=lambda row: (row["telephone"], row["conn_id"]))
    assert body["data"] == combined[:300]
    assert {row["campaign_id"] for row in body["data"]} == {"101", "202"}


def test_campaign_3_rows_keep_their_campaign_options(emu):
    emu.campaigns = [Campaign("101", "Uno", rows_per_hour=6, extra_opts=1, row_fields={"nuevo": "x"})]
    status, body = report(emu, "campaign_3", campaign_id="all")
    assert status == 200 and all(row["opt13"] is not None and row["nuevo"] == "x" for row in body["data"])


def test_density_makes_one_report_dense(emu):
    sparse = len(emu.report_rows("cdr_1", DAY, DAY_END))
    emu.density["cdr_1"] = 600  # an agent's states per hour: a call is a TALK state
    dense = emu.report_rows("cdr_1", DAY, DAY_END)
    assert len(dense) > 20 * sparse and len(dense) > 5000
    talks = [s for s in emu.report_rows("agent_14", DAY, DAY_END) if s["agent_status"] == "TALK"]
    assert len(talks) > 5000, "agent_14 follows: each call is one of its TALK states"
    assert len(emu.report_rows("quality_2", DAY, DAY_END)) < 100, "other reports keep their density"
    emu.density["campaign_3"] = 1
    assert len(emu.report_rows("campaign_3", DAY, DAY_END, "101")) < 40


def test_report_rows_honours_end_exclusive_and_the_clock(emu):
    rows = emu.report_rows("cdr_1", DAY, DAY_END)
    at = parse(rows[len(rows) // 2]["date"])
    inclusive = emu.report_rows("cdr_1", DAY, at)
    emu.end_exclusive = True
    exclusive = emu.report_rows("cdr_1", DAY, at)
    assert len(inclusive) > len(exclusive) and all(parse(row["date"]) < at for row in exclusive)
    emu.end_exclusive = False
    today = EMULATOR_NOW.replace(hour=0)
    before = emu.report_rows("cdr_1", today, today + dt.timedelta(days=1))
    assert before and all(parse(row["date"]) <= EMULATOR_NOW for row in before)
    emu.advance(dt.timedelta(hours=3))
    assert len(emu.report_rows("cdr_1", today, today + dt.timedelta(days=1))) > len(before)


def test_a_call_appears_once_it_has_ended(emu):
    emu.now = noon = DAY + dt.timedelta(hours=12)  # a Friday: every agent works (EMULATOR_NOW is a Sunday)
    rows = emu.report_rows("cdr_1", DAY, noon)
    assert all(parse(r["date"]) + dt.timedelta(seconds=int(r["time_seg"])) <= noon for r in rows)
    emu.advance(dt.timedelta(minutes=20))
    later = emu.report_rows("cdr_1", DAY, noon)  # the same window, read 20 min later
    assert len(later) > len(rows), "calls that started before the first read and ended after it"


def test_chat_1_selects_by_close_date_and_uncoded_chats_close_about_23_hours_late(emu):
    rows = emu.report_rows("chat_1", DAY, DAY_END)
    late = [row for row in rows if parse(row["date"]) < DAY - dt.timedelta(hours=12)]
    assert late and all(row["cod_act"] in {"", "TIMEOUTCHAT"} for row in late)
    for row in late:
        open_for = parse(row["date_close"]) - parse(row["date"])
        assert dt.timedelta(hours=23) <= open_for <= dt.timedelta(hours=23, minutes=30)
        assert row["chat_duration"] == str(int(open_for.total_seconds()))
    _status, body = report(emu, "chat_1")
    assert Counter(map(key_of, body["data"])) == Counter(map(key_of, rows))
    by_start = emu.report_rows("chat_1", DAY - dt.timedelta(days=1), DAY - dt.timedelta(seconds=1))
    assert not {r["conn_id"] for r in late} & {r["conn_id"] for r in by_start}, "not in the day they started"
    assert all(" " not in k.strip() for k in rows[0]) and "agent_anwers " in rows[0] and "ASA" in rows[0]


def test_agent_7_logout_is_provisional_while_the_session_is_open(emu):
    today = EMULATOR_NOW.replace(hour=0)
    rows = emu.report_rows("agent_7", today, EMULATOR_NOW)
    open_now = [row for row in rows if row["logout"] == f"{EMULATOR_NOW:%Y-%m-%d %H:%M:%S}"]
    assert open_now, "someone is logged in at noon"
    emu.advance(dt.timedelta(hours=1))
    later = {row["login"] + row["agent_id"]: row for row in emu.report_rows("agent_7", today, EMULATOR_NOW)}
    for row in open_now:
        moved = later[row["login"] + row["agent_id"]]
        assert parse(moved["logout"]) > parse(row["logout"])
        hours, minutes, seconds = map(int, moved["login_time"].split(":"))
        assert parse(moved["logout"]) - parse(moved["login"]) == dt.timedelta(
            hours=hours, minutes=minutes, seconds=seconds
        )
    assert all(len(row["date"]) == 10 for row in rows)


def test_agent_14_states_chain_through_each_agent_7_session(emu):
    sessions = emu.report_rows("agent_7", DAY, DAY_END)
    states = emu.report_rows("agent_14", DAY, DAY_END + dt.timedelta(hours=1))
    assert "destinity" in states[0] and "destiny" not in states[0]
    for session in sessions:
        chain = sorted(
            (s for s in states if s["agent_id"] == session["agent_id"] and session["login"] <= s["date_ini"]
             and s["date_end"] <= session["logout"]),
            key=lambda s: s["date_ini"],
        )  # fmt: skip
        assert chain[0]["date_ini"] == session["login"] and chain[-1]["date_end"] == session["logout"]
        assert all(a["date_end"] == b["date_ini"] for a, b in itertools.pairwise(chain))
        calls = [s for s in chain if s["agent_status"] in {"RING", "TALK"}]
        assert all(s["conn_id"] for s in calls)


def test_campaign_5_has_preview_call_and_total_rows(emu):
    rows = emu.report_rows("campaign_5", DAY, DAY_END)
    assert {row["type_of_row"] for row in rows} == {"preview", "call", "TOTAL"}
    totals = [row for row in rows if row["type_of_row"] == "TOTAL"]
    for total in totals[:50]:
        calls = [r for r in rows if r["customer_id"] == total["customer_id"] and r["type_of_row"] != "TOTAL"]
        assert total["conn_id"] == "" and total["time"] == str(sum(int(r["time"]) for r in calls))


def test_skill_2_code_is_always_the_string_200_others_alternate(emu):
    codes = {api: {report(emu, api)[1]["code"] for _ in range(2)} for api in ("skill_2", "skill_10")}
    assert codes == {"skill_2": {"200"}, "skill_10": {200, "200"}}


def test_diagram_1_optional_customer_id(emu):
    rows = [row for row in emu.report_rows("diagram_1", DAY, DAY_END) if row["customer_id"]]
    status, body = report(emu, "diagram_1", customer_id=rows[0]["customer_id"])
    assert status == 200 and {row["customer_id"] for row in body["data"]} == {rows[0]["customer_id"]}


def test_cached_bodies_serve_any_report(emu):
    emu.cache_bodies = True
    first = report(emu, "skill_10", skill_id="110")
    again = report(emu, "skill_10", skill_id="110")
    other = report(emu, "skill_10", skill_id="111")
    assert first[1]["data"] == again[1]["data"] != other[1]["data"]
    assert len(emu._bodies) == 2


@pytest.mark.parametrize(
    ("api", "fields", "code"),
    [
        (
            "agents",
            ["agent_id", "agent_name", "agent_dni", "agent_status", "last_use", "agent_sso", "enabled"],
            "",
        ),
        ("skills", ["skill_id", "skill_name", "skill_description", "last_use"], "200"),
        (
            "activity_codes",
            [
                "cod_act",
                "description_cod_act",
                "hit",
                "rpc",
                "chat",
                "studio",
                "voice",
                "interactions",
                "type_code",
            ],
            "0",
        ),
    ],
)
def test_information_dimension_lists(emu, api, fields, code):
    status, body = get(emu, "information.php", api=api)
    assert status == 200 and body["code"] == code and body["data"]
    assert all(list(row) == fields for row in body["data"])
    first = body["data"][0][fields[0]]
    parameter = {"agents": "agent", "skills": "skill", "activity_codes": "cod_act"}[api]
    status, body = get(emu, "information.php", api=api, **{parameter: first})
    assert [row[fields[0]] for row in body["data"]] == [first]


def test_information_campaigns_and_token_info_unchanged(emu):
    status, body = get(emu, "information.php", api="campaigns")
    assert status == 200 and [c["campaign_id"] for c in body["data"]] == ["101", "202", "303", "404"]
    status, body = get(emu, "information.php", api="token_info")
    assert status == 200 and body["data"][0]["token_use_today"] == "2"
    status, body = get(emu, "information.php", api="nothing")
    assert status == 400


# -- the consistency analytics over several reports relies on (reports.py's docstring) -----------


def seconds_between(start: str, end: str) -> int:
    return int((parse(end) - parse(start)).total_seconds())


def test_every_agent_14_state_lies_inside_an_agent_7_session_of_its_agent(emu):
    sessions = emu.report_rows("agent_7", DAY, DAY_END)
    states = emu.report_rows("agent_14", DAY, DAY_END)
    assert len(states) > 10 * len(sessions) > 0
    for state in states:
        inside = [s for s in sessions if s["agent_id"] == state["agent_id"]
                  and s["login"] <= state["date_ini"] < state["date_end"] <= s["logout"]]  # fmt: skip
        assert len(inside) == 1, state
        assert state["time"] == hms(seconds_between(state["date_ini"], state["date_end"]))


def hms(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def test_every_cdr_1_call_is_one_agent_14_talk_state_of_its_agent(emu):
    def talk(state: dict) -> tuple:
        length = str(seconds_between(state["date_ini"], state["date_end"]))
        return state["date_ini"], length, state["telephone"], state["campaign_id"], state["type_interaction"]

    talks = {(s["agent_id"], s["conn_id"]): talk(s)
             for s in emu.report_rows("agent_14", DAY, DAY_END) if s["agent_status"] == "TALK"}  # fmt: skip
    calls = {(c["agent_id"], c["conn_id"]): (c["date"], c["time_seg"], c["telephone"], c["campaign_id"],
                                             c["type_interaction"])
             for c in emu.report_rows("cdr_1", DAY, DAY_END)}  # fmt: skip
    assert calls == talks and len(calls) > 50
    per_agent = Counter(agent for agent, _ in calls)
    assert all(8 <= n <= 40 for n in per_agent.values()), f"calls per agent and day: {per_agent}"
    talk_seconds = sum(int(c[1]) for c in calls.values())
    assert 60 * len(calls) < talk_seconds < 900 * len(calls), "a plausible average handle time"


def test_agents_are_neither_idle_nor_saturated(emu):
    seconds: Counter[str] = Counter()
    for state in emu.report_rows("agent_14", DAY, DAY_END):
        status = state["agent_status"] if state["agent_status"] in {"READY", "TALK", "ACW", "RING"} else "AUX"
        seconds[status] += seconds_between(state["date_ini"], state["date_end"])
    occupancy = (seconds["TALK"] + seconds["ACW"]) / (seconds["TALK"] + seconds["ACW"] + seconds["READY"])
    assert 0.3 < occupancy < 0.9 and seconds["AUX"] > 0


def test_inbound_service_level_and_abandonment_are_neither_0_nor_100_percent(emu):
    answered = emu.report_rows("skill_10", DAY, DAY_END)
    abandoned = emu.report_rows("skill_2", DAY, DAY_END)
    waits = [int(row["answer_time"]) for row in answered]
    abandons = [int(row["abandon_time"]) for row in abandoned]
    assert all(0 <= w <= 300 for w in waits) and all(1 <= a <= 400 for a in abandons)
    offered = len(answered) + len(abandoned)
    service_level = sum(w <= 20 for w in waits) / offered
    assert 0.3 < service_level < 0.8 and 0.1 < len(abandoned) / offered < 0.5
    assert any(w > 20 for w in waits) and any(a <= 20 for a in abandons) and any(a > 20 for a in abandons)


def test_codes_in_cdr_1_and_chat_1_are_activity_codes_with_every_combination_of_flags(emu):
    _, body = get(emu, "information.php", api="activity_codes")
    flags = {c["cod_act"]: (c["hit"], c["rpc"]) for c in body["data"] if c["type_code"] == "cod_act1"}
    assert set(flags.values()) == {("yes", "yes"), ("no", "yes"), ("no", "no")}, "hit only on contacts"
    voice = {c["cod_act"] for c in body["data"] if c["type_code"] == "cod_act1" and c["voice"] == "yes"}
    chat = {c["cod_act"] for c in body["data"] if c["type_code"] == "cod_act1" and c["chat"] == "yes"}
    second = {c["cod_act"] for c in body["data"] if c["type_code"] == "cod_act2"}
    for api, channel, timeout in (("cdr_1", voice, "TIMEOUTACW"), ("chat_1", chat, "TIMEOUTCHAT")):
        rows = emu.report_rows(api, DAY - dt.timedelta(days=6), DAY_END)
        used = Counter(row["cod_act"] for row in rows)
        assert set(used) == channel | {"", timeout}, f"{api}: every code of its channel, and uncoded work"
        contacts = sum(n for code, n in used.items() if flags.get(code, ("no", "no"))[1] == "yes")
        effective = sum(n for code, n in used.items() if flags.get(code, ("no", "no"))[0] == "yes")
        assert 0.3 < effective / contacts < 0.9, f"{api}: effectiveness over contacts"
        assert 0.02 < (used[""] + used[timeout]) / len(rows) < 0.3, f"{api}: uncoded work"
        described = {(row["cod_act"], row["description_cod_act"]) for row in rows if row["cod_act"]}
        assert all(description for _, description in described)
    calls = emu.report_rows("cdr_1", DAY, DAY_END)
    assert {row["cod_act_2"] for row in calls} <= second | {"", "TIMEOUTACW"}


def test_cdr_5_failed_dials_have_a_documented_reason_and_appear_once_they_stop_ringing(emu):
    rows = emu.report_rows("cdr_5", DAY, DAY_END)
    reasons = {"Cancel", "Chanunavail", "Congestion", "Busy", "No answer", "Tcpa", "Do not call"}
    assert {row["result"] for row in rows} == reasons and all(0 <= int(r["ring_time"]) <= 60 for r in rows)
    ringing = next(row for row in rows if int(row["ring_time"]) > 1)
    emu.now = parse(ringing["date"]) + dt.timedelta(seconds=int(ringing["ring_time"]) - 1)
    assert ringing not in emu.report_rows("cdr_5", DAY, DAY_END), "still ringing"
    emu.advance(dt.timedelta(seconds=1))
    assert ringing in emu.report_rows("cdr_5", DAY, DAY_END)
