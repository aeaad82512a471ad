"""The emulated operation: its agents, skills and activity codes (`information.php`), and `Context`,
what a report's rows are made from."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from wolkvox_emulator.data import Campaign


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
            "agent_sso": f"{first[0].lower()}{ascii_text(last.lower())}@operacion.com.co",
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
    """An activity (disposition) code; `cod_act1` and `cod_act2` are separate code spaces.

    `rpc`: the agent reached the right person (a contact); `hit`: the contact was effective.
    An operation sets `hit` only on `rpc` codes, so effective calls are a share of contacts.
    """

    cod_act: str
    description: str
    type_code: str = "cod_act1"
    channels: tuple[str, ...] = ("voice", "chat", "interactions")
    hit: bool = False
    rpc: bool = False

    def info(self) -> dict:
        """The code as `information.php?api=activity_codes` lists it (`cod_act`, as the API sends it)."""
        return {
            "cod_act": self.cod_act,
            "description_cod_act": self.description,
            "hit": "yes" if self.hit else "no",
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
    """Codes of both groups; `cod_act1` has every combination of flags: hit and rpc, rpc only, neither."""
    return [
        ActivityCode("01", "Venta efectiva", hit=True, rpc=True),
        ActivityCode("02", "Promesa de pago", hit=True, rpc=True),
        ActivityCode("03", "No interesado", rpc=True),
        ActivityCode("04", "Volver a llamar"),
        ActivityCode("05", "Número equivocado"),
        ActivityCode("06", "Información general", rpc=True),
        ActivityCode("07", "Caso resuelto por chat", channels=("chat", "interactions"), hit=True, rpc=True),
        ActivityCode("21", "Cliente satisfecho", "cod_act2"),
        ActivityCode("22", "Escalado a supervisor", "cod_act2"),
        ActivityCode("23", "Queja registrada", "cod_act2", channels=("voice",)),
    ]


@dataclass
class Context:
    """What rows are made from: the seed, the clock, the operation, and the requested density."""

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
    states_per_hour: int = 4
    """An agent's states per hour (about), shared by `agent_14` and `cdr_1` (a call is a TALK state)."""

    def rng(self, api: str, member: str, hour: dt.datetime) -> random.Random:
        """The random source of one report, member and hour."""
        return random.Random(f"{self.seed}:{api}:{member}:{hour:%Y%m%d%H}")

    def rows_per_hour(self, member_rate: int | None = None) -> int:
        """Rows per hour: `density[api]`, else the member's own (a campaign's), else the report's default."""
        if self.rate is not None:
            return self.rate
        return self.default_rate if member_rate is None else member_rate

    def working_agents(self) -> list[Agent]:
        """The agents who log in."""
        return [a for a in self.agents if a.enabled]


def ascii_text(text: str) -> str:
    """`text` without Spanish accents (for e-mail addresses)."""
    return text.translate(str.maketrans("áéíóúñÁÉÍÓÚÑü", "aeiounAEIOUNu"))
