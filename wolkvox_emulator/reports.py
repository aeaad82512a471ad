"""The `reports_manager.php` reports the emulator serves, one declaration each (`REPORTS`).

Every report answers `GET reports_manager.php?api=<name>&date_ini=YYYYmmddHHiiss&date_end=YYYYmmddHHiiss`
(plus its partition parameter, when it has one) under the same rules as `campaign_3`: token, daily
quota, 2 calls in flight, 31 days, 404 "Validate dates entered" when empty, the silent cut at
60,000 rows. A declaration says, as the API doc does:

- its fields, in the API's order, each with its kind of value (`kinds.py`: `phone`, `agent_id`,
  `seconds(8, 900)`, `one_of(...)`);
- `filter_field`: the naive local field the API selects rows by (`date`; `chat_1` selects chats by
  `date_close`, `agent_14` by `date_ini`, `agent_7` by `login`);
- `appears`: how late a row appears: the field giving seconds after its instant (a call appears
  once it has ended) or the date-time it appears at (a state once it is over); none: at once;
- `partition`: `None`, `campaign_id` or `skill_id` (the parameter the API requires, with `all`);
- `order`: the fields the API orders an answer by: never the date, so the 60,000-row cut does not
  remove the window's last hours but rows from all over it.

Rows are made lazily per report, member and hour, from a random source seeded by (seed, report,
member, hour): any window can be asked again with the same answer. A report's `source` gives the
instants of its rows (by default about `rows_per_hour` random instants per hour); three reports keep
their own generator because the tap's behaviour depends on it: `campaign_3` (`data.py`),
`campaign_5` (its `TOTAL` rows) and, through their sources, `agent_7` (the provisional logout) and
`chat_1` (uncoded chats close about 23 h late).

The data is consistent, as analytics over several reports needs (tests/test_emulator_reports.py):

- every `agent_14` state lies inside one `agent_7` session of its agent, and an agent's states
  chain from login to logout with no gap;
- every `cdr_1` call is one TALK state of `agent_14`: same agent, `conn_id`, `date` = `date_ini`,
  `time_seg` = the state's seconds, `telephone` and `campaign_id`; every TALK state is one call. So
  the density of both is the agent's states per hour (`density["agent_14"]`, or `density["cdr_1"]`);
- `skill_10.answer_time` is within 20 s for about two answered calls in three, and `skill_2`'s
  abandons wait 1–400 s: a service level well inside 0–100 %;
- the `cod_act` of `cdr_1`, `chat_1` and `quality_2` are codes of `activity_codes` (`cod_act1`, of
  the row's channel), with every combination of flags (hit and rpc, rpc only, neither), or uncoded
  work: empty or `TIMEOUTACW` (calls), empty or `TIMEOUTCHAT` (chats).

The documented oddities are served as documented: `agent_14.destinity`, `chat_1`'s `ASA` and
`"agent_anwers "` (trailing blank), `skill_2`'s `code` as the string `"200"`, `agent_7.date` as
`YYYY-MM-DD`, `agent_7.login_time` as unpadded `h:mm:ss`.
"""

from __future__ import annotations

import datetime as dt
import typing as t
from dataclasses import dataclass

from wolkvox_emulator.data import CITIES
from wolkvox_emulator.kinds import (
    UNCODED,
    Event,
    Kind,
    agent_dni,
    agent_id,
    agent_name,
    ani,
    any_campaign_id,
    any_skill_id,
    call_id,
    call_id_at,
    campaign_id,
    code,
    customer_id,
    description_of,
    either,
    fact,
    first_name,
    hms,
    instant,
    last_name,
    minutes_of,
    number,
    one_of,
    optional,
    percent,
    phone,
    seconds,
    skill_id,
    skill_name,
    text,
)
from wolkvox_emulator.operation import (
    ActivityCode,
    Agent,
    Context,
    Skill,
    ascii_text,
    default_activity_codes,
    default_agents,
    default_skills,
)
from wolkvox_emulator.sources import (
    HOUR,
    Generator,
    Row,
    Source,
    closing_chats,
    logins,
    predictive_results,
    preview_records,
    random_instants,
    states,
    talks,
)


@dataclass(frozen=True)
class Report:
    """One `reports_manager.php` report, declared as its doc describes it."""

    api: str
    title: str
    fields: dict[str, Kind | None]
    """Every field, in the API's order, with its kind (None: made by `generate`)."""
    filter_field: str = "date"
    appears: str | None = None
    """The field saying when a row appears: seconds after its instant, or a date-time; None: at once."""
    source: Source = random_instants
    generate: Generator | None = None
    """A bespoke generator of one member's rows of one hour, instead of `source` and the kinds."""
    order: tuple[str, ...] = ()
    """The fields an answer is sorted by; empty: every field but the filter field, in order."""
    partition: str | None = None
    """`campaign_id`, `skill_id` or None (no partition parameter)."""
    campaign_type: str = "predictive"
    """The campaigns a `campaign_id` report covers."""
    accepts_all: bool = True
    """Whether the partition parameter accepts `all`."""
    rows_per_hour: int = 4
    """Default density: rows per hour per member (about; each hour varies ±50 %)."""
    code: str | None = None
    """`str`: `code` is always the string "200" (as the doc's example); None: the emulator's style."""
    filters: tuple[str, ...] = ()
    """Optional parameters that select rows whose field of the same name equals them (blank: all)."""

    def members(self, ctx: Context) -> dict[str, t.Any]:
        """The partition's members by id (what `all` covers)."""
        if self.partition == "skill_id":
            return {s.skill_id: s for s in ctx.skills}
        return {c.campaign_id: c for c in ctx.campaigns if c.type_campaign == self.campaign_type}

    def member_list(self, ctx: Context, partition: str | None) -> list[tuple[str, t.Any]]:
        """The members one call covers: all of them for None or `all`, else the one asked (or none)."""
        if self.partition is None:
            return [("", None)]
        members = self.members(ctx)
        if partition in (None, "all"):
            return list(members.items())
        return [(partition, members[partition])] if partition in members else []

    def hour_rows(self, ctx: Context, member: t.Any, hour: dt.datetime) -> list[Row]:
        """One member's rows of one hour: (instant, when it appears, row)."""
        if not ctx.working_agents() and {agent_id, agent_name, agent_dni} & set(self.fields.values()):
            return []  # no agent logs in: no row that names one
        if self.generate is not None:
            return self.generate(self, ctx, member, hour)
        rows = []
        for event in self.source(self, ctx, member, hour):
            for name, kind in self.fields.items():
                event.row[name] = kind(event) if kind else ""
            rows.append((event.when, self.appears_at(event.when, event.row), event.row))
        return rows

    def appears_at(self, when: dt.datetime, row: dict) -> dt.datetime:
        value = row.get(self.appears or "", "")
        if value.isdigit():
            return when + dt.timedelta(seconds=int(value))
        return dt.datetime.strptime(value, "%Y-%m-%d %H:%M:%S") if value else when

    def sort_key(self, row: dict) -> tuple:
        """The API's order of rows in one answer."""
        names = self.order or tuple(name for name in self.fields if name != self.filter_field)
        return tuple(row.get(name) or "" for name in names)

    def rows(
        self,
        ctx: Context,
        start: dt.datetime,
        end: dt.datetime,
        partition: str | None = None,
        *,
        end_exclusive: bool = False,
    ) -> list[dict]:
        """Every row selected by `start..end` that exists at `ctx.now`, uncut, in the API's order."""
        rows: list[dict] = []
        first = start.replace(minute=0, second=0, microsecond=0)
        for _, member in self.member_list(ctx, partition):
            hour = first
            while hour <= end:
                for when, visible, row in self.hour_rows(ctx, member, hour):
                    inside = start <= when and (when < end if end_exclusive else when <= end)
                    if inside and visible <= ctx.now:
                        rows.append(row)
                hour += HOUR
        rows.sort(key=self.sort_key)
        return rows


def _destiny(e: Event) -> str:
    return "Interna" if e.facts["type_interaction"] == "internal call" else e.rng.choice(DESTINATIONS)


def _cost(e: Event) -> str:
    """Outbound calls cost by started minute."""
    free = e.facts["type_interaction"] in {"inbound", "internal call"}
    return "0" if free else f"{-(-e.facts['seconds'] // 60) * 0.025:.4f}"


def _second_code(e: Event) -> str:
    """`cod_act_2`: the same `TIMEOUTACW` as `cod_act`, else a `cod_act2` code on 60 % of calls."""
    if e.row["cod_act"] == "TIMEOUTACW":
        return "TIMEOUTACW"
    return optional(code("cod_act2"), 0.6)(e)


def _evaluated_call(e: Event) -> str:
    """`quality_2.conn_id`: a call 1 h to 3 days before its evaluation."""
    return call_id_at(e.when - dt.timedelta(seconds=e.rng.randint(3600, 3 * 86400)), 70000 + e.index)


def _chat_id(e: Event) -> str:
    return f"{int((e.facts['started'] - dt.datetime(1970, 1, 1)).total_seconds())}{e.index:03d}"


def _chat_code(e: Event) -> str:
    return code("cod_act1", "chat")(e) if e.facts["coded"] else e.rng.choice(["", "TIMEOUTCHAT"])


def _email(e: Event) -> str:
    first, last = ascii_text(e.row["customer_name"].lower()).split(" ", 1)
    return f"{first}.{last}@correo.com.co"


COMMENTS = ("", "", "Cliente pide que lo llamen en la tarde", "Solicita información de su saldo",
            "Acepta la oferta, envía documentos por correo", "Número de un familiar; deja razón",
            "Molesto por cobro duplicado ñ")  # fmt: skip
HANG_UP = ("agent", "customer", "customer", "system")
DESTINATIONS = ("Colombia Móvil", "Colombia Fijo Bogotá", "Colombia Fijo Medellín")
CHANNEL_TYPES = ("inbound", "inbound", "inbound", "chat-whatsapp", "chat-web", "omni-email", "chat-facebook")
ROUTING_POINTS = {"3001": "IVR Principal", "3002": "IVR Cobranza", "3003": "IVR Soporte técnico"}
SURVEYS = ("Matriz Voz 2026", "Matriz Chat 2026", "Matriz Cobranza")
FEELINGS = ("very negative", "negative", "neutral", "neutral", "positive", "very positive")
SHARE = 0.1
"""Calls the agent did not code (`UNCODED`)."""


# fmt: off
PREVIEW_CALL: dict[str, Kind | None] = {
    "type_of_row": None, "campaign_id": campaign_id, "customer_name": first_name,
    "customer_last_name": last_name,
    "result": one_of("rpc", "clean", "BUZON"), "last_code_act": None,
    "comments_customer_reg": one_of("", "", "Cliente VIP", "Cambió de dirección en Cúcuta"),
    "customer_id": customer_id, "agent_id": agent_id,
    "conn_id": lambda e: call_id_at(e.when, 50000 + int(e.member.campaign_id) % 100 * 100 + e.index),
    "telephone": phone, "hang_up": one_of(*HANG_UP), "type_interaction": one_of("outbound_ma"),
    "call_result": one_of("answer", "answer", "no-answer", "busy"), "date": instant, "time": seconds(10, 420),
    "cod_act": code("cod_act1", "voice"), "comments": one_of(*COMMENTS),
}

REPORTS: dict[str, Report] = {report.api: report for report in [
    Report("campaign_3", "Phone-to-phone result of predictive campaigns", dict.fromkeys((
        "campaign_id", "customer_name", "customer_last_name", "id_type", "customer_id", "date", "telephone",
        "result", *(f"opt{n}" for n in range(1, 13)), "conn_id")),
        generate=predictive_results, order=("telephone", "conn_id"), partition="campaign_id",
        rows_per_hour=20),
    Report("cdr_1", "Call detail: one row per TALK state of agent_14 (same conn_id, start and length)", {
        "agent_name": agent_name,
        "date": instant,
        "destiny": _destiny,
        "telephone": fact("telephone"),
        "cost": _cost,
        "time_seg": fact("seconds"),
        "time_min": minutes_of("time_seg"),
        "cod_act": code("cod_act1", "voice", uncoded=UNCODED, share=SHARE),
        "description_cod_act": description_of("cod_act"),
        "cod_act_2": _second_code,
        "description_cod_act_2": description_of("cod_act_2"),
        "type_interaction": fact("type_interaction"),
        "customer_id": lambda e: "" if e.facts["type_interaction"] == "internal call" else customer_id(e),
        "hang_up": one_of(*HANG_UP),
        "campaign_id": fact("campaign_id"),
        "conn_id": fact("conn_id"),
        "skill_id": fact("skill_id"),
        "skill_name": lambda e: next((s.name for s in e.ctx.skills if s.skill_id == e.facts["skill_id"]), ""),
        "agent_id": agent_id,
        "comment": one_of(*COMMENTS),
    }, source=talks, appears="time_seg", order=("agent_name", "telephone", "conn_id")),
    Report("agent_14", "Event per agent, all agents: state intervals (a state appears once it is over)", {
        "agent_id": agent_id,
        "agent_status": fact("status"),
        "time": lambda e: hms((e.facts["end"] - e.when).total_seconds()),
        "date_ini": instant,
        "date_end": lambda e: text(e.facts["end"]),
        "conn_id": fact("conn_id"),
        "type_interaction": fact("type_interaction"),
        "destinity": fact("destinity"),
        "telephone": fact("telephone"),
        "campaign_id": fact("campaign_id"),
        "agent_dni": agent_dni,
        "agent_name": agent_name,
    }, filter_field="date_ini", source=states, appears="date_end", order=("agent_id",), rows_per_hour=8),
    Report("chat_1", "Chats, selected by close date (uncoded chats close about 23 h late)", {
        "conn_id": _chat_id,
        "channel": one_of("whatsapp", "whatsapp", "web", "facebook", "instagram"),
        "date": lambda e: text(e.facts["started"]),
        "customer_name": lambda e: f"{first_name(e)} {last_name(e)}",
        "customer_email": _email,
        "customer_phone": phone,
        "customer_chars": number(20, 3000),
        "agent_id": agent_id,
        "agent_name": agent_name,
        "agent_chars": number(40, 4000),
        "time_on_agent": lambda e: str(e.rng.randint(min(60, e.facts["talk"]), e.facts["talk"])),
        "chat_duration": lambda e: str(int((e.when - e.facts["started"]).total_seconds())),
        "cod_act": _chat_code,
        "description_cod_act": description_of("cod_act"),
        "comments": lambda e: one_of(*COMMENTS)(e) if e.facts["coded"] else "",
        "customer_id": customer_id,
        "skill_id": any_skill_id,
        "ASA": seconds(3, 240),
        "last_participant_who_spoke": one_of("agent", "chat-bot", "customer"),
        "extra_field": one_of("", "", *CITIES),
        "comment": one_of(""),
        "user_id": lambda e: e.row["customer_phone"],
        "feeling": one_of(*FEELINGS),
        "agent_anwers ": number(1, 30),
        # Not in the doc; the real API sends them [OBS]:
        "date_close": instant,
        "agent_average_response_time": seconds(5, 180),
        "transfer": one_of("no", "no", "no", "no", "no", "no", "no", "no", "no", "yes"),
    }, filter_field="date_close", source=closing_chats, order=("customer_phone", "conn_id")),
    Report("skill_10", "Answered inbound calls detail", {
        "conn_id": lambda e: call_id_at(e.when, int(e.member.skill_id) * 100 + e.index),
        "skill_id": skill_id,
        "skill_name": skill_name,
        "date": instant,
        "result": one_of("answered"),
        "ani": ani,
        "answer_time": either(seconds(0, 20), seconds(0, 20), seconds(21, 300)),
        "agent_id": agent_id,
        "type_interaction": one_of(*CHANNEL_TYPES),
    }, appears="answer_time", order=("skill_name", "ani", "conn_id"), partition="skill_id"),
    Report("skill_2", "Abandoned inbound calls detail", {
        "skill_name": skill_name,
        "skill_id": skill_id,
        "conn_id": lambda e: call_id_at(e.when, int(e.member.skill_id) * 100 + 50 + e.index),
        "date": instant,
        "result": one_of("abandoned"),
        "ani": phone,
        "abandon_time": either(seconds(1, 20), seconds(21, 400)),
        "type_interaction": one_of(*CHANNEL_TYPES),
        "customer_id": optional(customer_id),
    }, appears="abandon_time", order=("skill_name", "ani", "conn_id"), partition="skill_id", rows_per_hour=2,
       code="str"),
    Report("diagram_1", "IVR call detail: one row per menu option of a call", {
        "rp_id": one_of(*ROUTING_POINTS),
        "rp_name": lambda e: ROUTING_POINTS[e.row["rp_id"]],
        "cod_opc_menu": one_of("1", "2", "3", "9", "PULSE"),
        "dn_transfer": lambda e: e.rng.choice([*(s.skill_id for s in e.ctx.skills), "-", "menu-2", "menu-3"]),
        "date": instant,
        "result": lambda e: "hung up" if e.row["dn_transfer"] == "-" else "ok",
        "ani": ani,
        "time": seconds(4, 180),
        "customer_id": optional(customer_id),
        "conn_id": call_id(90000),
    }, order=("rp_id", "ani", "conn_id", "time"), rows_per_hour=5, filters=("customer_id",)),
    Report("campaign_5", "Preview call detail: `preview`, `call` and `TOTAL` rows", PREVIEW_CALL,
           generate=preview_records, order=("campaign_id", "customer_id", "type_of_row", "date"),
           partition="campaign_id", campaign_type="preview", rows_per_hour=8),
    Report("campaign_7", "Answering-machine detection detail (predictive campaigns)", {
        "customer_id": customer_id,
        "campaign_id": campaign_id,
        "file_name": lambda e: f"amd_{e.member.campaign_id}_{e.rng.randint(1, 3):02d}.wav",
        "telephone": phone,
        "result": one_of("machine", "human", "human"),
        "date": instant,
    }, order=("telephone",), partition="campaign_id"),
    Report("agent_7", "Login and logout per agent session (`logout` is the moving now while it is open)", {
        "agent_name": agent_name,
        "agent_id": agent_id,
        "agent_dni": agent_dni,
        "date": lambda e: f"{e.when:%Y-%m-%d}",
        "login": instant,
        "logout": lambda e: text(e.facts["logout"]),
        "login_time": lambda e: hms((e.facts["logout"] - e.when).total_seconds(), pad=False),
    }, filter_field="login", source=logins, order=("agent_name",), rows_per_hour=2, filters=("agent_dni",)),
    Report("quality_2", "Quality evaluation results, one row per evaluation", {
        "conn_id": _evaluated_call,
        "agent_id": agent_id,
        "agent_name": agent_name,
        "comments": one_of("", "Buen manejo de objeciones", "No validó identidad del titular"),
        "precision_unit_critical_error": one_of("100.00 %", "100.00 %", "100.00 %", "100.00 %", "0.00 %"),
        "precision_opportunity_error": percent(60, 100),
        "accuracy": percent(55, 100),
        "date": instant,
        "survey": one_of(*SURVEYS),
        "cod_act": code("cod_act1", "voice"),
        "channel": one_of("voice", "voice", "chat-whatsapp", "chat-web"),
        "feedback": one_of("", "Reforzar saludo corporativo", "Excelente cierre de venta"),
        "skill_id": any_skill_id,
    }, order=("agent_name", "conn_id"), rows_per_hour=2),
    Report("cdr_5", "Unconnected calls detail: outbound dials that did not connect, with the reason", {
        "agent_name": agent_name,
        "date": instant,
        "destiny": one_of(*DESTINATIONS),
        "telephone": phone,
        "ring_time": seconds(0, 60),
        "result": one_of("No answer", "Busy", "Congestion", "Chanunavail", "Cancel", "Tcpa", "Do not call"),
        "type_interaction": one_of("out_pre", "out_pre", "outbound_ma"),
        "customer_id": customer_id,
        "campaign_id": any_campaign_id,
        "agent_id": agent_id,
        "conn_id": call_id(80000),
    }, appears="ring_time", rows_per_hour=6),
]}
# fmt: on
"""Every report the emulator serves, by `api`."""


__all__ = [
    "REPORTS",
    "ActivityCode",
    "Agent",
    "Context",
    "Report",
    "Skill",
    "default_activity_codes",
    "default_agents",
    "default_skills",
]
