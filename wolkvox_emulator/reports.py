"""The `reports_manager.php` reports the emulator serves, one declaration each.

Every report answers `GET reports_manager.php?api=<name>&date_ini=YYYYmmddHHiiss&date_end=YYYYmmddHHiiss`
(plus its partition parameter, when it has one) under the same rules as `campaign_3`: token, daily
quota, 2 calls in flight, 31 days, 404 "Validate dates entered" when empty, the silent cut at
60,000 rows. A report here is:

- `api`: its name, which is also the tap's stream name.
- `partition`: `None`, `campaign_id` or `skill_id`: the parameter that the API requires, and
  whether it accepts `all` (every campaign or skill in one answer, one quota unit).
- `filter_field`: the naive local field the API selects rows by. Usually `date`; `chat_1` selects
  chats by their close date (`date_close`), `agent_14` by `date_ini`, `agent_7` by `login`.
- `generate`: the rows of one partition member in one hour, a pure function of (seed, report,
  member, hour): any window can be generated lazily and asked again with the same answer. Each
  row comes with the instant it is selected by (its `filter_field`, always inside the hour) and
  the instant it appears in the API (a call appears once it has ended, a state once it is over,
  a chat once it is closed).
- `order`: the API's order of rows in one answer: never by date, so the 60,000-row cut does not
  remove the window's last hours but rows from all over it.

Every value is a string. Dates are naive local `YYYY-MM-DD HH:MM:SS` except `agent_7.date`
(`YYYY-MM-DD`, as the help center shows) and durations, whose units follow the doc per report.
The documented oddities are served as documented: `agent_14.destinity`, `chat_1`'s `ASA` and
`"agent_anwers "` (trailing blank), `skill_2`'s `code` as the string `"200"`, `campaign_5`'s
`TOTAL` rows, `chat_1`'s uncoded chats that close about 23 h after they start, `agent_7.logout`
that is the report's moving "now" while the session is open, `cod_act` `TIMEOUTACW`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import typing as t
from dataclasses import dataclass, replace
from functools import lru_cache

from wolkvox_emulator.data import CITIES, FIRST_NAMES, LAST_NAMES, Campaign, rows_for_hour

HOUR = dt.timedelta(hours=1)
DATE_TIME = "%Y-%m-%d %H:%M:%S"
OPERATION = "12462"
"""The operation's number, first part of its call ids (`12462.0277.1782402643.44005`)."""
PBX = "0277"

Row = tuple[dt.datetime, dt.datetime, dict]
"""(instant the API selects the row by, instant the row appears, the row)."""


# -- the operation's dimensions (information.php) ----------------------------------------


@dataclass
class Agent:
    """An agent of the emulated operation (`information.php?api=agents`)."""

    agent_id: str
    """The extension."""
    name: str
    dni: str
    enabled: bool = True
    """A disabled agent is listed but never logs in."""

    def info(self) -> dict:
        """The agent as `information.php?api=agents` lists it."""
        first, last = self.name.split(" ", 1)
        return {
            "agent_id": self.agent_id,
            "agent_name": self.name,
            "agent_dni": self.dni,
            "agent_status": "ready" if self.enabled else "offline",
            "last_use": "2026-02-27 17:42:10" if self.enabled else "2025-10-03 09:15:00",
            "agent_sso": f"{first[0].lower()}{_ascii(last.lower())}@operacion.com.co",
            "enabled": "yes" if self.enabled else "no",
        }


@dataclass
class Skill:
    """A skill (queue) of the emulated operation (`information.php?api=skills`)."""

    skill_id: str
    name: str

    def info(self) -> dict:
        """The skill as `information.php?api=skills` lists it."""
        return {
            "skill_id": self.skill_id,
            "skill_name": self.name,
            "skill_description": f"Cola {self.name}",
            "last_use": "2026-02-28 19:58:31",
        }


@dataclass
class ActivityCode:
    """An activity (disposition) code; `cod_act1` and `cod_act2` are separate code spaces."""

    cod_act: str
    description: str
    type_code: str = "cod_act1"
    channels: tuple[str, ...] = ("voice", "chat", "interactions")
    rpc: bool = False

    def info(self) -> dict:
        """The code as `information.php?api=activity_codes` lists it (`cod_act`, as the API sends it)."""
        return {
            "cod_act": self.cod_act,
            "description_cod_act": self.description,
            "hit": "yes" if self.rpc else "no",
            "rpc": "yes" if self.rpc else "no",
            "chat": "yes" if "chat" in self.channels else "no",
            "studio": "no",
            "voice": "yes" if "voice" in self.channels else "no",
            "interactions": "yes" if "interactions" in self.channels else "no",
            "type_code": self.type_code,
        }


def default_agents() -> list[Agent]:
    """Eight agents; the last one is disabled (listed, never logged in)."""
    return [
        Agent("1001", "Ana Muñoz", "1020304050"),
        Agent("1002", "José Gómez", "79845123"),
        Agent("1003", "María Peña", "52987456"),
        Agent("1004", "Andrés Rodríguez", "1015478963"),
        Agent("1005", "Sofía Ibáñez", "1032456789"),
        Agent("1006", "Iván Núñez", "80123456"),
        Agent("1007", "Lucía Álvarez", "1144098765"),
        Agent("1008", "Óscar Castaño", "71654321", enabled=False),
    ]


def default_skills() -> list[Skill]:
    """The skills of the default campaigns (101–104) and two inbound ones."""
    return [
        Skill("101", "Cobranza"),
        Skill("102", "Renovaciones"),
        Skill("103", "Encuestas"),
        Skill("104", "Ventas preview"),
        Skill("110", "Servicio al cliente"),
        Skill("111", "Soporte técnico"),
    ]


def default_activity_codes() -> list[ActivityCode]:
    """Codes of both groups."""
    return [
        ActivityCode("01", "Venta efectiva", rpc=True),
        ActivityCode("02", "Promesa de pago", rpc=True),
        ActivityCode("03", "No interesado", rpc=True),
        ActivityCode("04", "Volver a llamar"),
        ActivityCode("05", "Número equivocado"),
        ActivityCode("06", "Información general", rpc=True),
        ActivityCode("21", "Cliente satisfecho", "cod_act2"),
        ActivityCode("22", "Escalado a supervisor", "cod_act2"),
        ActivityCode("23", "Queja registrada", "cod_act2", channels=("voice",)),
    ]


# -- the declaration ---------------------------------------------------------------------


@dataclass
class Context:
    """What a generator may read: the seed, the clock, the operation, and the requested density."""

    seed: int
    now: dt.datetime
    campaigns: list[Campaign]
    agents: list[Agent]
    skills: list[Skill]
    codes: list[ActivityCode]
    rate: int | None = None
    """`Emulator.density[api]` when set; None: the campaign's `rows_per_hour` or `default_rate`."""
    default_rate: int = 4
    """The report's `rows_per_hour`."""
    sessions_per_day: int = 2
    """Login sessions per agent and day (about), shared by `agent_7` and `agent_14`: `density["agent_7"]`."""

    def rng(self, api: str, member: str, hour: dt.datetime) -> random.Random:
        """The random source of one report, member and hour."""
        return random.Random(f"{self.seed}:{api}:{member}:{hour:%Y%m%d%H}")

    def working_agents(self) -> list[Agent]:
        return [a for a in self.agents if a.enabled]


Generator = t.Callable[[Context, t.Any, dt.datetime], list[Row]]


@dataclass(frozen=True)
class Report:
    """One `reports_manager.php` report: how the API selects, orders and partitions its rows."""

    api: str
    title: str
    fields: tuple[str, ...]
    """Every field of a row, as served and in the API's order (campaign rows may add opt13…)."""
    generate: Generator
    order: t.Callable[[dict], tuple]
    filter_field: str = "date"
    partition: str | None = None
    """`campaign_id`, `skill_id` or None (no partition parameter)."""
    accepts_all: bool = True
    """Whether the partition parameter accepts `all`."""
    members: t.Callable[[Context], dict[str, t.Any]] | None = None
    """The partition's members by id (what `all` covers)."""
    rows_per_hour: int = 4
    """Default density: rows per hour per member (about; each hour varies ±50 %)."""
    code: str | None = None
    """`str`: `code` is always the string "200" (as the doc's example); None: the emulator's style."""
    filters: tuple[str, ...] = ()
    """Optional parameters that select rows whose field of the same name equals them (blank: all)."""

    def member_list(self, ctx: Context, partition: str | None) -> list[tuple[str, t.Any]]:
        """The members one call covers: all of them for None or `all`, else the one asked (or none)."""
        if self.members is None:
            return [("", None)]
        members = self.members(ctx)
        if partition in (None, "all"):
            return list(members.items())
        return [(partition, members[partition])] if partition in members else []

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
                for when, visible, row in self.generate(ctx, member, hour):
                    if (
                        start <= when
                        and (when < end if end_exclusive else when <= end)
                        and visible <= ctx.now
                    ):
                        rows.append(row)
                hour += HOUR
        rows.sort(key=self.order)
        return rows


# -- helpers -------------------------------------------------------------------------------


def _ascii(text: str) -> str:
    return text.translate(str.maketrans("áéíóúñÁÉÍÓÚÑü", "aeiounAEIOUNu"))


def _offsets(rng: random.Random, rate: int, hour: dt.datetime, *, within: int = 3600) -> list[int]:
    """Seconds into the hour, sorted: about `rate` of them, on the day's edges, two sharing a second."""
    count = rng.randint(rate // 2, rate * 3 // 2) if rate > 1 else rate
    offsets = sorted(rng.randrange(within) for _ in range(count))
    if hour.hour == 0 and count:
        offsets[0] = 0
    if hour.hour == 23 and count and within == 3600:
        offsets[-1] = 3599
    if count >= 3:
        offsets[1] = offsets[0]
    return offsets


def _at(hour: dt.datetime, seconds: int) -> dt.datetime:
    """`hour` plus `seconds`, kept inside the hour (a row is selected by an instant of its hour)."""
    return hour + dt.timedelta(seconds=min(max(seconds, 0), 3599))


def _text(when: dt.datetime) -> str:
    return when.strftime(DATE_TIME)


def _hms(seconds: int, *, pad: bool = True) -> str:
    hours, rest = divmod(int(seconds), 3600)
    return (
        f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"
        if pad
        else f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
    )


def _call_id(when: dt.datetime, sequence: int) -> str:
    """A call id as Wolkvox writes them: operation.pbx.epoch.sequence (the epoch of GMT-5 time)."""
    epoch = int((when - dt.datetime(1970, 1, 1)).total_seconds()) + 5 * 3600
    return f"{OPERATION}.{PBX}.{epoch}.{sequence:05d}"


def _phone(rng: random.Random) -> str:
    return f"3{rng.randrange(10**9):09d}"


def _customer_id(rng: random.Random) -> str:
    return str(rng.randrange(10**7, 10**10))


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def _percent(value: float) -> str:
    return f"{value:,.2f} %"


def _codes(ctx: Context, group: str) -> list[ActivityCode]:
    return [c for c in ctx.codes if c.type_code == group] or [ActivityCode("00", "Sin código", group)]


def _rate(ctx: Context, member_rate: int | None = None) -> int:
    """Rows per hour: `density[api]`, else the campaign's own, else the report's default."""
    if ctx.rate is not None:
        return ctx.rate
    return ctx.default_rate if member_rate is None else member_rate


def _campaigns_of(kind: str) -> t.Callable[[Context], dict[str, t.Any]]:
    def members(ctx: Context) -> dict[str, t.Any]:
        return {c.campaign_id: c for c in ctx.campaigns if c.type_campaign == kind}

    return members


def _skills(ctx: Context) -> dict[str, t.Any]:
    return {s.skill_id: s for s in ctx.skills}


def _fields(order: tuple[str, ...]) -> t.Callable[[dict], tuple]:
    def key(row: dict) -> tuple:
        return tuple(row.get(name) or "" for name in order)

    return key


COMMENTS = [
    "",
    "",
    "Cliente pide que lo llamen en la tarde",
    "Solicita información de su saldo",
    "Acepta la oferta, envía documentos por correo",
    "Número de un familiar; deja razón",
    "Molesto por cobro duplicado ñ",
]
HANG_UP = ["agent", "customer", "customer", "system"]
DESTINATIONS = ["Colombia Móvil", "Colombia Fijo Bogotá", "Colombia Fijo Medellín", "Interna"]
CHANNEL_TYPES = ["inbound", "inbound", "inbound", "chat-whatsapp", "chat-web", "omni-email", "chat-facebook"]
AUX_STATES = ["Descanso", "Almuerzo", "Capacitación", "Baño", "Pausa activa"]
ROUTING_POINTS = [("3001", "IVR Principal"), ("3002", "IVR Cobranza"), ("3003", "IVR Soporte técnico")]
SURVEYS = ["Matriz Voz 2026", "Matriz Chat 2026", "Matriz Cobranza"]
FEELINGS = ["very negative", "negative", "neutral", "neutral", "positive", "very positive"]


# -- campaign_3: predictive results (data.py, unchanged) --------------------------------------


def _campaign_3(ctx: Context, campaign: Campaign, hour: dt.datetime) -> list[Row]:
    if ctx.rate is not None:
        campaign = replace(campaign, rows_per_hour=ctx.rate)
    return [(when, when, row) for when, row in rows_for_hour(ctx.seed, campaign, hour)]


CAMPAIGN_3_FIELDS = (
    "campaign_id",
    "customer_name",
    "customer_last_name",
    "id_type",
    "customer_id",
    "date",
    "telephone",
    "result",
    *tuple(f"opt{n}" for n in range(1, 13)),
    "conn_id",
)


# -- cdr_1: call detail --------------------------------------------------------------------


def _cdr_1(ctx: Context, _: None, hour: dt.datetime) -> list[Row]:
    rng = ctx.rng("cdr_1", "", hour)
    agents = ctx.working_agents()
    if not agents:
        return []
    predictive = [c for c in ctx.campaigns if c.type_campaign == "predictive"]
    skills = {s.skill_id: s for s in ctx.skills}
    rows: list[Row] = []
    for index, offset in enumerate(_offsets(rng, _rate(ctx), hour)):
        when = _at(hour, offset)
        kind = rng.choice(["inbound", "inbound", "out_pre", "out_pre", "outbound_ma", "internal call"])
        agent = rng.choice(agents)
        seconds = rng.randint(8, 900)
        campaign_id, skill_id = "", "-"
        if kind == "out_pre" and predictive:
            campaign = rng.choice(predictive)
            campaign_id, skill_id = campaign.campaign_id, campaign.info()["skill_id"]
        elif kind == "inbound" and ctx.skills:
            skill_id = rng.choice(ctx.skills).skill_id
        code1 = rng.choice(_codes(ctx, "cod_act1"))
        code2 = rng.choice(_codes(ctx, "cod_act2"))
        timeout = rng.random() < 0.05
        conn_id = _call_id(when, index)
        row = {
            "agent_name": agent.name,
            "date": _text(when),
            "destiny": "Interna" if kind == "internal call" else rng.choice(DESTINATIONS[:3]),
            "telephone": agent.agent_id if kind == "internal call" else _phone(rng),
            "cost": "0" if kind in {"inbound", "internal call"} else f"{-(-seconds // 60) * 0.025:.4f}",
            "time_seg": str(seconds),
            "time_min": str(-(-seconds // 60)),
            "cod_act": "TIMEOUTACW" if timeout else code1.cod_act,
            "description_cod_act": "TIMEOUTACW" if timeout else code1.description,
            "cod_act_2": "TIMEOUTACW" if timeout else (code2.cod_act if rng.random() < 0.6 else ""),
            "description_cod_act_2": "",
            "type_interaction": kind,
            "customer_id": "" if kind == "internal call" else _customer_id(rng),
            "hang_up": rng.choice(HANG_UP),
            "campaign_id": campaign_id,
            "conn_id": conn_id,
            "skill_id": skill_id,
            "skill_name": skills[skill_id].name if skill_id in skills else "",
            "agent_id": agent.agent_id,
            "comment": rng.choice(COMMENTS),
        }
        if row["cod_act_2"] == code2.cod_act:
            row["description_cod_act_2"] = code2.description
        elif timeout:
            row["description_cod_act_2"] = "TIMEOUTACW"
        rows.append((when, when + dt.timedelta(seconds=seconds), row))
        if kind == "inbound" and len(agents) > 1 and rng.random() < 0.15:
            # A transfer: a second leg of the same call, with another agent, as its own row.
            other = rng.choice([a for a in agents if a is not agent])
            leg_start = _at(hour, offset + seconds // 2)
            leg_seconds = rng.randint(20, 600)
            leg = {
                **row,
                "agent_name": other.name,
                "agent_id": other.agent_id,
                "date": _text(leg_start),
                "time_seg": str(leg_seconds),
                "time_min": str(-(-leg_seconds // 60)),
                "type_interaction": "transfer",
                "hang_up": rng.choice(HANG_UP),
                "comment": "Transferida desde la extensión " + agent.agent_id,
            }
            rows.append((leg_start, leg_start + dt.timedelta(seconds=leg_seconds), leg))
    return rows


# -- agent_7 and agent_14: sessions and states -------------------------------------------------


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


def _agent_sessions(ctx: Context, agent: Agent, day: dt.date) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
    return _sessions(ctx.seed, agent.agent_id, day, max(1, ctx.sessions_per_day))


def _agent_7(ctx: Context, _: None, hour: dt.datetime) -> list[Row]:
    rows: list[Row] = []
    for agent in ctx.working_agents():
        for login, logout in _agent_sessions(ctx, agent, hour.date()):
            if not hour <= login < hour + HOUR:
                continue
            shown = min(logout, ctx.now)  # while the session is open, `logout` is the report's "now"
            row = {
                "agent_name": agent.name,
                "agent_id": agent.agent_id,
                "agent_dni": agent.dni,
                "date": login.strftime("%Y-%m-%d"),
                "login": _text(login),
                "logout": _text(shown),
                "login_time": _hms(int((shown - login).total_seconds()), pad=False),
            }
            rows.append((login, login, row))
    return rows


def _chain_start(ctx: Context, agent: Agent, hour: dt.datetime) -> dt.datetime:
    """Where the agent's chain of states of `hour` begins (the previous hour's last state ends there)."""
    return hour + dt.timedelta(
        seconds=random.Random(f"{ctx.seed}:chain:{agent.agent_id}:{hour:%Y%m%d%H}").randrange(240)
    )


def _agent_14(ctx: Context, _: None, hour: dt.datetime) -> list[Row]:
    rows: list[Row] = []
    predictive = [c.campaign_id for c in ctx.campaigns if c.type_campaign == "predictive"]
    for number, agent in enumerate(ctx.working_agents()):
        rng = ctx.rng("agent_14", agent.agent_id, hour)
        for login, logout in _agent_sessions(ctx, agent, hour.date()):
            begin = login if hour <= login < hour + HOUR else _chain_start(ctx, agent, hour)
            next_begin = _chain_start(ctx, agent, hour + HOUR)
            finish = logout if logout < next_begin else next_begin
            if not (login <= begin < finish and begin < hour + HOUR):
                continue
            starts_until = min(
                int((finish - begin).total_seconds()), int((hour + HOUR - begin).total_seconds())
            )
            rate = _rate(ctx)
            count = min(max(1, rng.randint(rate // 2, rate * 3 // 2)), starts_until)
            starts = sorted({0, *rng.sample(range(1, starts_until), count - 1)}) if starts_until > 1 else [0]
            edges = [begin + dt.timedelta(seconds=s) for s in starts] + [finish]
            status = "READY" if begin == login else rng.choice(["READY", "TALK", "ACW"])
            call: dict[str, str] = {}
            for index, (state_start, state_end) in enumerate(itertools.pairwise(edges)):
                if status == "RING" or (status == "TALK" and not call):
                    kind = rng.choice(["inbound", "out_pre", "outbound_ma"])
                    campaign = rng.choice(predictive) if kind == "out_pre" and predictive else ""
                    skill = rng.choice(ctx.skills).name if kind == "inbound" and ctx.skills else ""
                    phone = _phone(rng)
                    call = {
                        "conn_id": _call_id(state_start, number * 1000 + index),
                        "type_interaction": kind,
                        "destinity": skill if kind == "inbound" else phone,
                        "telephone": phone,
                        "campaign_id": campaign,
                    }
                in_call = status in {"RING", "TALK", "ACW"} and bool(call)
                row = {
                    "agent_id": agent.agent_id,
                    "agent_status": status,
                    "time": _hms(int((state_end - state_start).total_seconds())),
                    "date_ini": _text(state_start),
                    "date_end": _text(state_end),
                    "conn_id": call["conn_id"] if in_call else "",
                    "type_interaction": call["type_interaction"] if in_call else "",
                    "destinity": call["destinity"] if in_call else "",
                    "telephone": call["telephone"] if in_call else "",
                    "campaign_id": call["campaign_id"] if in_call else "",
                    "agent_dni": agent.dni,
                    "agent_name": agent.name,
                }
                rows.append((state_start, state_end, row))  # a state appears once it is over
                status, call = _next_state(rng, status, call)
    return rows


def _next_state(rng: random.Random, status: str, call: dict) -> tuple[str, dict]:
    if status == "RING":
        return ("TALK", call) if rng.random() < 0.9 else ("READY", {})
    if status == "TALK":
        return "ACW", call
    if status == "READY":
        return ("RING", {}) if rng.random() < 0.8 else (rng.choice(AUX_STATES), {})
    return "READY", {}  # after ACW or an auxiliary state


# -- chat_1: chats, selected by their close date ------------------------------------------------


def _chat_1(ctx: Context, _: None, hour: dt.datetime) -> list[Row]:
    """Chats that close in `hour`. Coded chats last 2–40 min; uncoded ones close by timeout ~23 h late."""
    rng = ctx.rng("chat_1", "", hour)
    agents = ctx.working_agents()
    if not agents:
        return []
    rows: list[Row] = []
    for index, offset in enumerate(_offsets(rng, _rate(ctx), hour)):
        closed = _at(hour, offset)
        coded = rng.random() < 0.8
        talk = rng.randint(120, 2400)
        started = closed - dt.timedelta(seconds=talk if coded else 23 * 3600 + rng.randint(0, 1800))
        agent = rng.choice(agents)
        code = rng.choice(_codes(ctx, "cod_act1"))
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        phone = _phone(rng)
        agent_messages = rng.randint(1, 30)
        row = {
            "conn_id": f"{int((started - dt.datetime(1970, 1, 1)).total_seconds())}{index:03d}",
            "channel": rng.choice(["whatsapp", "whatsapp", "web", "facebook", "instagram"]),
            "date": _text(started),
            "customer_name": f"{first} {last}",
            "customer_email": f"{_ascii(first.lower())}.{_ascii(last.lower())}@correo.com.co",
            "customer_phone": phone,
            "customer_chars": str(rng.randint(20, 3000)),
            "agent_id": agent.agent_id,
            "agent_name": agent.name,
            "agent_chars": str(rng.randint(40, 4000)),
            "time_on_agent": str(min(talk, rng.randint(60, talk))),
            "chat_duration": str(int((closed - started).total_seconds())),
            "cod_act": code.cod_act if coded else "",
            "description_cod_act": code.description if coded else "",
            "comments": rng.choice(COMMENTS) if coded else "",
            "customer_id": _customer_id(rng),
            "skill_id": rng.choice(ctx.skills).skill_id if ctx.skills else "",
            "ASA": str(rng.randint(3, 240)),
            "last_participant_who_spoke": rng.choice(["agent", "chat-bot", "customer"]),
            "extra_field": rng.choice(["", "", rng.choice(CITIES)]),
            "comment": "",
            "user_id": phone,
            "feeling": rng.choice(FEELINGS),
            "agent_anwers ": str(agent_messages),
            # Not in the doc; the real API sends them [OBS]:
            "date_close": _text(closed),
            "agent_average_response_time": str(rng.randint(5, 180)),
            "transfer": "yes" if rng.random() < 0.1 else "no",
        }
        rows.append((closed, closed, row))
    return rows


# -- skill_10 and skill_2: inbound detail per skill -------------------------------------------


def _skill_10(ctx: Context, skill: Skill, hour: dt.datetime) -> list[Row]:
    rng = ctx.rng("skill_10", skill.skill_id, hour)
    agents = ctx.working_agents()
    if not agents:
        return []
    rows: list[Row] = []
    for index, offset in enumerate(_offsets(rng, _rate(ctx), hour)):
        when = _at(hour, offset)
        wait = rng.choice([rng.randint(0, 20), rng.randint(0, 20), rng.randint(21, 300)])
        row = {
            "conn_id": _call_id(when, int(skill.skill_id) * 100 + index),
            "skill_id": skill.skill_id,
            "skill_name": skill.name,
            "date": _text(when),
            "result": "answered",
            "ani": f"60{rng.randrange(10**8):08d}" if rng.random() < 0.3 else _phone(rng),
            "answer_time": str(wait),
            "agent_id": rng.choice(agents).agent_id,
            "type_interaction": rng.choice(CHANNEL_TYPES),
        }
        rows.append((when, when + dt.timedelta(seconds=wait), row))
    return rows


def _skill_2(ctx: Context, skill: Skill, hour: dt.datetime) -> list[Row]:
    rng = ctx.rng("skill_2", skill.skill_id, hour)
    rows: list[Row] = []
    for index, offset in enumerate(_offsets(rng, _rate(ctx), hour)):
        when = _at(hour, offset)
        waited = rng.randint(1, 400)
        row = {
            "skill_name": skill.name,
            "skill_id": skill.skill_id,
            "conn_id": _call_id(when, int(skill.skill_id) * 100 + 50 + index),
            "date": _text(when),
            "result": "abandoned",
            "ani": _phone(rng),
            "abandon_time": str(waited),
            "type_interaction": rng.choice(CHANNEL_TYPES),
            "customer_id": rng.choice(["", _customer_id(rng)]),
        }
        rows.append((when, when + dt.timedelta(seconds=waited), row))
    return rows


# -- diagram_1: IVR navigation, one row per option --------------------------------------------


def _diagram_1(ctx: Context, _: None, hour: dt.datetime) -> list[Row]:
    rng = ctx.rng("diagram_1", "", hour)
    rows: list[Row] = []
    for index, offset in enumerate(_offsets(rng, _rate(ctx), hour, within=3300)):
        rp_id, rp_name = rng.choice(ROUTING_POINTS)
        call_start = _at(hour, offset)
        conn_id, ani = _call_id(call_start, 90000 + index), _phone(rng)
        customer = rng.choice(["", _customer_id(rng)])
        elapsed = 0
        steps = rng.randint(1, 3)
        for step in range(steps):
            elapsed += rng.randint(4, 60)
            last = step == steps - 1
            pressed = rng.choice(["1", "2", "3", "9", "PULSE"]) if step else rng.choice(["1", "2", "3"])
            transferred = last and rng.random() < 0.7
            target = rng.choice(ctx.skills).skill_id if transferred and ctx.skills else "-"
            when = _at(hour, offset + elapsed)
            row = {
                "rp_id": rp_id,
                "rp_name": rp_name,
                "cod_opc_menu": pressed,
                "dn_transfer": target if last else f"menu-{step + 2}",
                "date": _text(when),
                "result": "ok" if not last or transferred else "hung up",
                "ani": ani,
                "time": str(elapsed),
                "customer_id": customer,
                "conn_id": conn_id,
            }
            rows.append((when, when, row))
    return rows


# -- campaign_5 and campaign_7: preview detail and answering-machine detection -----------------


def _campaign_5(ctx: Context, campaign: Campaign, hour: dt.datetime) -> list[Row]:
    """Per record of a preview campaign: a `preview` row, maybe a manual `call`, and its `TOTAL` row."""
    rng = ctx.rng("campaign_5", campaign.campaign_id, hour)
    agents = ctx.working_agents()
    if not agents:
        return []
    rows: list[Row] = []
    for index, offset in enumerate(_offsets(rng, _rate(ctx, campaign.rows_per_hour), hour, within=3000)):
        agent = rng.choice(agents)
        record = {
            "campaign_id": campaign.campaign_id,
            "customer_name": rng.choice(FIRST_NAMES),
            "customer_last_name": rng.choice(LAST_NAMES),
            "customer_id": _customer_id(rng),
            "comments_customer_reg": rng.choice(["", "", "Cliente VIP", "Cambió de dirección en Cúcuta"]),
        }
        calls = []
        at = offset
        for kind in ["preview"] + (["call"] if rng.random() < 0.35 else []):
            seconds = rng.randint(10, 420)
            answered = rng.random() < 0.6
            code = rng.choice(_codes(ctx, "cod_act1"))
            when = _at(hour, at)
            calls.append(
                (
                    when,
                    {
                        "type_of_row": kind,
                        **record,
                        "result": rng.choice(["rpc", "clean"])
                        if answered
                        else rng.choice(["BUZON", "clean"]),
                        "last_code_act": "",
                        "agent_id": agent.agent_id,
                        "conn_id": _call_id(
                            when,
                            50000
                            + int(campaign.campaign_id) % 100 * 100
                            + index % 50
                            + 50 * (kind == "call"),
                        ),
                        "telephone": _phone(rng),
                        "hang_up": rng.choice(HANG_UP),
                        "type_interaction": "outbound_ma",
                        "call_result": "answer" if answered else rng.choice(["no-answer", "busy"]),
                        "date": _text(when),
                        "time": str(seconds),
                        "cod_act": code.cod_act,
                        "comments": rng.choice(COMMENTS),
                    },
                )
            )
            at += seconds + rng.randint(30, 200)
        last_when, last = calls[-1]
        for _, row in calls:
            row["last_code_act"] = last["cod_act"]
        total = {
            **last,
            "type_of_row": "TOTAL",
            "conn_id": "",
            "telephone": "",
            "hang_up": "",
            "type_interaction": "",
            "call_result": "",
            "time": str(sum(int(row["time"]) for _, row in calls)),
            "comments": "",
        }
        for when, row in [*calls, (last_when, total)]:
            rows.append((when, when, {name: row[name] for name in REPORTS["campaign_5"].fields}))
    return rows


def _campaign_5_order(row: dict) -> tuple:
    rank = {"preview": 0, "call": 1, "TOTAL": 2}.get(row.get("type_of_row") or "", 3)
    return (row.get("campaign_id") or "", row.get("customer_id") or "", rank, row.get("date") or "")


def _campaign_7(ctx: Context, campaign: Campaign, hour: dt.datetime) -> list[Row]:
    rng = ctx.rng("campaign_7", campaign.campaign_id, hour)
    rows: list[Row] = []
    for offset in _offsets(rng, _rate(ctx), hour):
        when = _at(hour, offset)
        row = {
            "customer_id": _customer_id(rng),
            "campaign_id": campaign.campaign_id,
            "file_name": f"amd_{campaign.campaign_id}_{rng.randint(1, 3):02d}.wav",
            "telephone": _phone(rng),
            "result": "machine" if rng.random() < 0.35 else "human",
            "date": _text(when),
        }
        rows.append((when, when, row))
    return rows


# -- quality_2: evaluations --------------------------------------------------------------------


def _quality_2(ctx: Context, _: None, hour: dt.datetime) -> list[Row]:
    rng = ctx.rng("quality_2", "", hour)
    agents = ctx.working_agents()
    if not agents:
        return []
    rows: list[Row] = []
    for index, offset in enumerate(_offsets(rng, _rate(ctx), hour)):
        when = _at(hour, offset)
        agent = rng.choice(agents)
        evaluated = when - dt.timedelta(seconds=rng.randint(3600, 3 * 86400))
        channel = rng.choice(["voice", "voice", "chat-whatsapp", "chat-web"])
        critical = rng.random() < 0.15
        row = {
            "conn_id": _call_id(evaluated, 70000 + index),
            "agent_id": agent.agent_id,
            "agent_name": agent.name,
            "comments": rng.choice(["", "Buen manejo de objeciones", "No validó identidad del titular"]),
            "precision_unit_critical_error": _percent(0.0 if critical else 100.0),
            "precision_opportunity_error": _percent(rng.uniform(60, 100)),
            "accuracy": _percent(rng.uniform(55, 100)),
            "date": _text(when),
            "survey": SURVEYS[1] if channel.startswith("chat") else rng.choice([SURVEYS[0], SURVEYS[2]]),
            "cod_act": rng.choice(_codes(ctx, "cod_act1")).cod_act,
            "channel": channel,
            "feedback": rng.choice(["", "Reforzar saludo corporativo", "Excelente cierre de venta"]),
            "skill_id": rng.choice(ctx.skills).skill_id if ctx.skills else "",
        }
        rows.append((when, when, row))
    return rows


# -- the table -----------------------------------------------------------------------------------

REPORTS: dict[str, Report] = {
    report.api: report
    for report in [
        Report(
            "campaign_3",
            "Phone-to-phone result of predictive campaigns",
            CAMPAIGN_3_FIELDS,
            _campaign_3,
            _fields(("telephone", "conn_id")),
            partition="campaign_id",
            members=_campaigns_of("predictive"),
            rows_per_hour=20,
        ),
        Report(
            "cdr_1",
            "Call detail (a transferred call has a row per leg: same conn_id, another agent)",
            (
                "agent_name",
                "date",
                "destiny",
                "telephone",
                "cost",
                "time_seg",
                "time_min",
                "cod_act",
                "description_cod_act",
                "cod_act_2",
                "description_cod_act_2",
                "type_interaction",
                "customer_id",
                "hang_up",
                "campaign_id",
                "conn_id",
                "skill_id",
                "skill_name",
                "agent_id",
                "comment",
            ),
            _cdr_1,
            _fields(("agent_name", "telephone", "conn_id")),
            rows_per_hour=6,
        ),
        Report(
            "agent_14",
            "Event per agent, all agents: state intervals (a state appears once it is over)",
            (
                "agent_id",
                "agent_status",
                "time",
                "date_ini",
                "date_end",
                "conn_id",
                "type_interaction",
                "destinity",
                "telephone",
                "campaign_id",
                "agent_dni",
                "agent_name",
            ),
            _agent_14,
            _fields(("agent_id",)),
            filter_field="date_ini",
            rows_per_hour=4,
        ),
        Report(
            "chat_1",
            "Chats, selected by close date (uncoded chats close about 23 h late)",
            (
                "conn_id",
                "channel",
                "date",
                "customer_name",
                "customer_email",
                "customer_phone",
                "customer_chars",
                "agent_id",
                "agent_name",
                "agent_chars",
                "time_on_agent",
                "chat_duration",
                "cod_act",
                "description_cod_act",
                "comments",
                "customer_id",
                "skill_id",
                "ASA",
                "last_participant_who_spoke",
                "extra_field",
                "comment",
                "user_id",
                "feeling",
                "agent_anwers ",
                "date_close",
                "agent_average_response_time",
                "transfer",
            ),
            _chat_1,
            _fields(("customer_phone", "conn_id")),
            filter_field="date_close",
            rows_per_hour=4,
        ),
        Report(
            "skill_10",
            "Answered inbound calls detail",
            (
                "conn_id",
                "skill_id",
                "skill_name",
                "date",
                "result",
                "ani",
                "answer_time",
                "agent_id",
                "type_interaction",
            ),
            _skill_10,
            _fields(("skill_name", "ani", "conn_id")),
            partition="skill_id",
            members=_skills,
            rows_per_hour=4,
        ),
        Report(
            "skill_2",
            "Abandoned inbound calls detail",
            (
                "skill_name",
                "skill_id",
                "conn_id",
                "date",
                "result",
                "ani",
                "abandon_time",
                "type_interaction",
                "customer_id",
            ),
            _skill_2,
            _fields(("skill_name", "ani", "conn_id")),
            partition="skill_id",
            members=_skills,
            rows_per_hour=2,
            code="str",
        ),
        Report(
            "diagram_1",
            "IVR call detail: one row per menu option of a call",
            (
                "rp_id",
                "rp_name",
                "cod_opc_menu",
                "dn_transfer",
                "date",
                "result",
                "ani",
                "time",
                "customer_id",
                "conn_id",
            ),
            _diagram_1,
            _fields(("rp_id", "ani", "conn_id", "time")),
            rows_per_hour=5,
            filters=("customer_id",),
        ),
        Report(
            "campaign_5",
            "Preview call detail: `preview`, `call` and `TOTAL` rows",
            (
                "type_of_row",
                "campaign_id",
                "customer_name",
                "customer_last_name",
                "result",
                "last_code_act",
                "comments_customer_reg",
                "customer_id",
                "agent_id",
                "conn_id",
                "telephone",
                "hang_up",
                "type_interaction",
                "call_result",
                "date",
                "time",
                "cod_act",
                "comments",
            ),
            _campaign_5,
            _campaign_5_order,
            partition="campaign_id",
            members=_campaigns_of("preview"),
            rows_per_hour=8,
        ),
        Report(
            "campaign_7",
            "Answering-machine detection detail (predictive campaigns)",
            ("customer_id", "campaign_id", "file_name", "telephone", "result", "date"),
            _campaign_7,
            _fields(("telephone",)),
            partition="campaign_id",
            members=_campaigns_of("predictive"),
            rows_per_hour=4,
        ),
        Report(
            "agent_7",
            "Login and logout per agent session (`logout` is the moving now while it is open)",
            ("agent_name", "agent_id", "agent_dni", "date", "login", "logout", "login_time"),
            _agent_7,
            _fields(("agent_name",)),
            filter_field="login",
            rows_per_hour=2,
            filters=("agent_dni",),
        ),
        Report(
            "quality_2",
            "Quality evaluation results, one row per evaluation",
            (
                "conn_id",
                "agent_id",
                "agent_name",
                "comments",
                "precision_unit_critical_error",
                "precision_opportunity_error",
                "accuracy",
                "date",
                "survey",
                "cod_act",
                "channel",
                "feedback",
                "skill_id",
            ),
            _quality_2,
            _fields(("agent_name", "conn_id")),
            rows_per_hour=2,
        ),
    ]
}
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
