"""The kinds of value a report's fields hold, as the API doc describes them.

A report declares each field by its kind: `phone`, `agent_id`, `seconds(8, 900)`,
`one_of("answered", ...)`. A kind is a function of the `Event` a row is made from, which
holds its instant, its random source, its partition member (campaign or skill), what its
source already decided (`facts`: an agent, a call's length) and the fields made before it (a
field may depend on an earlier one: `minutes_of("time_seg")`). Every value is a string.
"""

from __future__ import annotations

import datetime as dt
import random
import typing as t
from dataclasses import dataclass, field
from functools import cached_property

from wolkvox_emulator.data import FIRST_NAMES, LAST_NAMES
from wolkvox_emulator.operation import Agent, Context

DATE_TIME = "%Y-%m-%d %H:%M:%S"
OPERATION = "12462"
"""The operation's number, first part of its call ids (`12462.0277.1782402643.44005`)."""
PBX = "0277"
UNCODED = ("", "TIMEOUTACW")
"""`cod_act` of calls the agent did not code: none, or the coding deadline missed."""


@dataclass
class Event:
    """What one row is made from."""

    ctx: Context
    rng: random.Random
    when: dt.datetime
    """The instant the API selects the row by (its filter field)."""
    member: t.Any = None
    """The campaign or skill of a partitioned report."""
    index: int = 0
    """Its rank in its hour (call ids use it)."""
    facts: dict[str, t.Any] = field(default_factory=dict)
    row: dict[str, str] = field(default_factory=dict)

    @cached_property
    def agent(self) -> Agent:
        """The event's agent: its source's, else one of the working agents."""
        return self.facts.get("agent") or self.rng.choice(self.ctx.working_agents())


Kind = t.Callable[[Event], str]


def text(when: dt.datetime) -> str:
    """A naive local date-time as the API writes it."""
    return when.strftime(DATE_TIME)


def hms(seconds: float, *, pad: bool = True) -> str:
    """A duration as `hh:mm:ss` (`h:mm:ss` without `pad`)."""
    hours, rest = divmod(int(seconds), 3600)
    return (
        f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"
        if pad
        else f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
    )


def call_id_at(when: dt.datetime, sequence: int) -> str:
    """A call id as Wolkvox writes them: operation.pbx.epoch.sequence (the epoch of GMT-5 time)."""
    epoch = int((when - dt.datetime(1970, 1, 1)).total_seconds()) + 5 * 3600
    return f"{OPERATION}.{PBX}.{epoch}.{sequence:05d}"


# -- kinds ---------------------------------------------------------------------------------


def instant(e: Event) -> str:
    """The row's instant, `YYYY-MM-DD HH:MM:SS`."""
    return text(e.when)


def phone(e: Event) -> str:
    """A Colombian mobile number."""
    return f"3{e.rng.randrange(10**9):09d}"


def ani(e: Event) -> str:
    """A caller's number: mobile, or a Bogotá landline."""
    return f"60{e.rng.randrange(10**8):08d}" if e.rng.random() < 0.3 else phone(e)


def customer_id(e: Event) -> str:
    """A national id number."""
    return str(e.rng.randrange(10**7, 10**10))


def first_name(e: Event) -> str:
    return e.rng.choice(FIRST_NAMES)


def last_name(e: Event) -> str:
    return e.rng.choice(LAST_NAMES)


def agent_id(e: Event) -> str:
    return e.agent.agent_id


def agent_name(e: Event) -> str:
    return e.agent.name


def agent_dni(e: Event) -> str:
    return e.agent.dni


def campaign_id(e: Event) -> str:
    """The partition member's campaign id."""
    return str(e.member.campaign_id)


def any_campaign_id(e: Event) -> str:
    """One of the operation's predictive campaigns (reports without a campaign parameter)."""
    return e.rng.choice([c.campaign_id for c in e.ctx.campaigns if c.type_campaign == "predictive"] or [""])


def skill_id(e: Event) -> str:
    """The partition member's skill id."""
    return str(e.member.skill_id)


def skill_name(e: Event) -> str:
    return str(e.member.name)


def any_skill_id(e: Event) -> str:
    return e.rng.choice([s.skill_id for s in e.ctx.skills] or [""])


def call_id(sequence: int = 0) -> Kind:
    """A call id of the row's instant; `sequence` keeps reports' ids apart."""
    return lambda e: call_id_at(e.when, sequence + e.index)


def number(low: int, high: int) -> Kind:
    """A whole number, uniform in `low..high`."""
    return lambda e: str(e.rng.randint(low, high))


def seconds(low: int, high: int) -> Kind:
    """A duration in whole seconds, uniform in `low..high`."""
    return number(low, high)


def either(*kinds: Kind) -> Kind:
    """One of `kinds`, chosen per row (a mixture: some waits short, some long)."""
    return lambda e: e.rng.choice(kinds)(e)


def one_of(*values: str) -> Kind:
    """An enum (or free text) from the doc's list; a value given twice is twice as likely."""
    return lambda e: e.rng.choice(values)


def percent(low: float, high: float) -> Kind:
    """A percentage as the API writes it: `92.31 %`."""
    return lambda e: f"{e.rng.uniform(low, high):,.2f} %"


def optional(kind: Kind, share: float = 0.5) -> Kind:
    """`kind`, or empty in `1 - share` of rows."""
    return lambda e: kind(e) if e.rng.random() < share else ""


def fact(name: str) -> Kind:
    """What the row's source decided (`Event.facts`), as text."""
    return lambda e: e.facts[name] if isinstance(e.facts[name], str) else str(e.facts[name])


def minutes_of(name: str) -> Kind:
    """Field `name`'s seconds, in started minutes."""
    return lambda e: str(-(-int(e.row[name]) // 60))


def code(
    group: str = "cod_act1", channel: str = "voice", *, uncoded: tuple[str, ...] = (), share: float = 0
) -> Kind:
    """An activity code of `activity_codes` (`group`, `channel`), or one of `uncoded` in `share` of rows."""

    def kind(e: Event) -> str:
        if uncoded and e.rng.random() < share:
            return e.rng.choice(uncoded)
        codes = [c for c in e.ctx.codes if c.type_code == group and channel in c.channels]
        return e.rng.choice(codes).cod_act if codes else ""

    return kind


def description_of(name: str) -> Kind:
    """The description of the code in field `name` (a `TIMEOUT…` code is its own description)."""

    def kind(e: Event) -> str:
        value = e.row[name]
        return next((c.description for c in e.ctx.codes if c.cod_act == value), value)

    return kind
