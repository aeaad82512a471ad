"""Where a report's rows come from: the instants of its events, and the bespoke generators.

The default source is about `rows_per_hour` random instants per member and hour. The others make
what analytics over several reports needs consistent (see `reports.py`): agents' login sessions
(`agent_7`), the chain of states inside them (`agent_14`), a call per TALK state (`cdr_1`), chats
that close late (`chat_1`), and preview records with their TOTAL row (`campaign_5`).
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import typing as t
from dataclasses import replace
from functools import lru_cache

from wolkvox_emulator.data import Campaign, rows_for_hour
from wolkvox_emulator.kinds import Event, call_id_at
from wolkvox_emulator.operation import Agent, Context

if t.TYPE_CHECKING:
    from wolkvox_emulator.kinds import Kind
    from wolkvox_emulator.reports import Report

AUX_STATES = ["Descanso", "Almuerzo", "Capacitación", "Baño", "Pausa activa"]
RECORD_FIELDS = ("campaign_id", "customer_name", "customer_last_name", "comments_customer_reg", "customer_id")
"""`campaign_5` fields of the record, the same on each of its rows."""
CALL_FACTS = ("conn_id", "type_interaction", "destinity", "telephone", "campaign_id", "skill_id")
"""What an agent_14 state in a call says of it (empty out of a call); cdr_1 copies them."""
HOUR = dt.timedelta(hours=1)
Row = tuple[dt.datetime, dt.datetime, dict]
"""(instant the API selects the row by, instant the row appears, the row)."""
Source = t.Callable[["Report", Context, t.Any, dt.datetime], t.Iterable[Event]]
"""The events of one report's member in one hour, each becoming a row through the report's kinds."""
Generator = t.Callable[["Report", Context, t.Any, dt.datetime], list[Row]]
"""A bespoke report's rows of one member and hour."""


def offsets(rng: random.Random, rate: int, hour: dt.datetime, *, within: int = 3600) -> list[int]:
    """Seconds into the hour, sorted: about `rate` of them, on the day's edges, two sharing a second."""
    count = rng.randint(rate // 2, rate * 3 // 2) if rate > 1 else rate
    chosen = sorted(rng.randrange(within) for _ in range(count))
    if hour.hour == 0 and count:
        chosen[0] = 0
    if hour.hour == 23 and count and within == 3600:
        chosen[-1] = 3599
    if count >= 3:
        chosen[1] = chosen[0]
    return chosen


def at(hour: dt.datetime, second: int) -> dt.datetime:
    """`hour` plus `second`, kept inside the hour (a row is selected by an instant of its hour)."""
    return hour + dt.timedelta(seconds=min(max(second, 0), 3599))


def random_instants(report: Report, ctx: Context, member: t.Any, hour: dt.datetime) -> t.Iterator[Event]:
    """The default source: about `rows_per_hour` rows per member at random instants of the hour."""
    rng = ctx.rng(report.api, getattr(member, report.partition or "", ""), hour)
    for index, second in enumerate(offsets(rng, ctx.rows_per_hour(), hour)):
        yield Event(ctx, rng, at(hour, second), member, index)


# -- agent_7 and agent_14: sessions, and the chain of states inside them --------------------


@lru_cache(maxsize=4096)
def _sessions(
    seed: int, agent_id: str, day: dt.date, per_day: int
) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
    """The agent's login sessions of one day: a shift from 06:00–09:59 of 7–9 h, split by breaks."""
    rng = random.Random(f"{seed}:sessions:{agent_id}:{day:%Y%m%d}")
    if day.weekday() == 6 and rng.random() < 0.7:
        return ()  # most agents rest on Sundays
    login = dt.datetime.combine(day, dt.time(rng.randint(6, 9), rng.randrange(60), rng.randrange(60)))
    shift_end = login + dt.timedelta(seconds=rng.randint(7 * 3600, 9 * 3600))
    count = max(1, rng.randint(per_day - 1, per_day + 1) if per_day > 1 else per_day)
    span = (shift_end - login).total_seconds()
    cuts = sorted(rng.uniform(0.2, 0.8) * span for _ in range(count - 1))
    sessions = []
    begin = login
    for cut in cuts:
        logout = login + dt.timedelta(seconds=int(cut))
        if logout > begin + dt.timedelta(minutes=10):
            sessions.append((begin, logout))
            begin = logout + dt.timedelta(seconds=rng.randint(300, 3600))
    if begin < shift_end:
        sessions.append((begin, shift_end))
    return tuple(sessions)


def sessions_of(ctx: Context, agent: Agent, day: dt.date) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
    """An agent's (login, logout) sessions of one day."""
    return _sessions(ctx.seed, agent.agent_id, day, max(1, ctx.sessions_per_day))


def logins(report: Report, ctx: Context, _: None, hour: dt.datetime) -> t.Iterator[Event]:
    """`agent_7`: a session per row; while it is open, `logout` is the report's "now"."""
    for agent in ctx.working_agents():
        for login, logout in sessions_of(ctx, agent, hour.date()):
            if hour <= login < hour + HOUR:
                shown = min(logout, ctx.now)
                yield Event(ctx, ctx.rng("agent_7", "", hour), login, facts={"agent": agent, "logout": shown})


def _chain_start(ctx: Context, agent: Agent, hour: dt.datetime) -> dt.datetime:
    """Where the agent's chain of states of `hour` begins (the previous hour's last state ends there)."""
    rng = random.Random(f"{ctx.seed}:chain:{agent.agent_id}:{hour:%Y%m%d%H}")
    return hour + dt.timedelta(seconds=rng.randrange(240))


def states(report: Report, ctx: Context, _: None, hour: dt.datetime) -> t.Iterator[Event]:
    """`agent_14`: each agent's states starting in `hour`, chained from login to logout."""
    predictive = [c for c in ctx.campaigns if c.type_campaign == "predictive"]
    agents = ctx.working_agents()
    for rank, agent in enumerate(agents):
        rng = ctx.rng("agent_14", agent.agent_id, hour)
        for login, logout in sessions_of(ctx, agent, hour.date()):
            begin = login if hour <= login < hour + HOUR else _chain_start(ctx, agent, hour)
            finish = min(logout, _chain_start(ctx, agent, hour + HOUR))
            if not (login <= begin < finish and begin < hour + HOUR):
                continue
            room = int((min(finish, hour + HOUR) - begin).total_seconds())
            count = min(max(1, rng.randint(ctx.states_per_hour // 2, ctx.states_per_hour * 3 // 2)), room)
            starts = sorted({0, *rng.sample(range(1, room), count - 1)}) if room > 1 else [0]
            edges = [begin + dt.timedelta(seconds=s) for s in starts] + [finish]
            status = "READY" if begin == login else rng.choice(["READY", "TALK", "ACW"])
            call: dict[str, str] = {}
            for index, (start, end) in enumerate(itertools.pairwise(edges)):
                if status == "RING" or (status == "TALK" and not call):
                    call = _call(rng, ctx, predictive, agents, call_id_at(start, rank * 1000 + index))
                in_call = status in {"RING", "TALK", "ACW"}
                facts = {**dict.fromkeys(CALL_FACTS, ""), **(call if in_call else {})}
                yield Event(
                    ctx,
                    rng,
                    start,
                    index=index,
                    facts={**facts, "agent": agent, "end": end, "status": status},
                )
                status, call = _next_state(rng, status, call)


def _call(
    rng: random.Random, ctx: Context, campaigns: list[Campaign], agents: list[Agent], conn_id: str
) -> dict:
    """The call an agent's RING (or TALK) state begins."""
    kind = rng.choice(["inbound", "inbound", "out_pre", "out_pre", "outbound_ma", "internal call"])
    campaign = rng.choice(campaigns) if kind == "out_pre" and campaigns else None
    skill = rng.choice(ctx.skills) if kind == "inbound" and ctx.skills else None
    phone = rng.choice(agents).agent_id if kind == "internal call" else f"3{rng.randrange(10**9):09d}"
    return {
        "conn_id": conn_id,
        "type_interaction": kind,
        "destinity": skill.name if skill else phone,
        "telephone": phone,
        "campaign_id": campaign.campaign_id if campaign else "",
        "skill_id": skill.skill_id if skill else campaign.info()["skill_id"] if campaign else "-",
    }


def _next_state(rng: random.Random, status: str, call: dict) -> tuple[str, dict]:
    if status == "RING":
        return ("TALK", call) if rng.random() < 0.9 else ("READY", {})
    if status == "TALK":
        return "ACW", call
    if status == "READY":
        return ("RING", {}) if rng.random() < 0.8 else (rng.choice(AUX_STATES), {})
    return "READY", {}  # after ACW or an auxiliary state


def talks(report: Report, ctx: Context, member: None, hour: dt.datetime) -> t.Iterator[Event]:
    """`cdr_1`: a call per TALK state of `agent_14`, with its start, length and call."""
    for state in states(report, ctx, member, hour):
        if state.facts["status"] == "TALK":
            state.rng = ctx.rng("cdr_1", state.facts["conn_id"], hour)
            state.facts["seconds"] = int((state.facts["end"] - state.when).total_seconds())
            yield state


# -- chat_1: chats, selected by their close date --------------------------------------------


def closing_chats(report: Report, ctx: Context, _: None, hour: dt.datetime) -> t.Iterator[Event]:
    """Chats that close in `hour`. Coded chats last 2–40 min; uncoded ones close by timeout ~23 h late."""
    rng = ctx.rng("chat_1", "", hour)
    for index, second in enumerate(offsets(rng, ctx.rows_per_hour(), hour)):
        closed = at(hour, second)
        coded = rng.random() < 0.8
        talk = rng.randint(120, 2400)
        started = closed - dt.timedelta(seconds=talk if coded else 23 * 3600 + rng.randint(0, 1800))
        yield Event(ctx, rng, closed, index=index, facts={"started": started, "talk": talk, "coded": coded})


# -- campaign_5 and campaign_3: bespoke generators --------------------------------


def preview_records(report: Report, ctx: Context, campaign: Campaign, hour: dt.datetime) -> list[Row]:
    """Per record of a preview campaign: a `preview` row, maybe a manual `call`, and its `TOTAL` row."""
    rng = ctx.rng("campaign_5", campaign.campaign_id, hour)
    rows: list[Row] = []
    for index, second in enumerate(
        offsets(rng, ctx.rows_per_hour(campaign.rows_per_hour), hour, within=3000)
    ):
        record = Event(ctx, rng, at(hour, second), campaign, index)
        record.row = {name: t.cast("Kind", report.fields[name])(record) for name in RECORD_FIELDS}
        calls: list[Row] = []
        moment = second
        for kind in ["preview"] + (["call"] if rng.random() < 0.35 else []):
            call = Event(ctx, rng, at(hour, moment), campaign, index % 50 + 50 * (kind == "call"))
            call.facts["agent"] = record.agent
            for name, field_kind in report.fields.items():
                call.row[name] = (
                    record.row[name] if name in record.row else field_kind(call) if field_kind else ""
                )
            call.row["type_of_row"] = kind
            calls.append((call.when, call.when, call.row))
            moment += int(call.row["time"]) + rng.randint(30, 200)
        last = calls[-1][2]
        total = {
            **last,
            **dict.fromkeys(
                ("conn_id", "telephone", "hang_up", "type_interaction", "call_result", "comments"), ""
            ),
        }
        total.update(type_of_row="TOTAL", time=str(sum(int(row["time"]) for _, _, row in calls)))
        for _, _, row in calls:
            row["last_code_act"] = last["cod_act"]
        rows.extend((when, when, row) for when, _, row in [*calls, (calls[-1][0], calls[-1][1], total)])
    return rows


def predictive_results(report: Report, ctx: Context, campaign: Campaign, hour: dt.datetime) -> list[Row]:
    """`campaign_3`: `data.py`'s rows."""
    if ctx.rate is not None:
        campaign = replace(campaign, rows_per_hour=ctx.rate)
    return [(when, when, row) for when, row in rows_for_hour(ctx.seed, campaign, hour)]
