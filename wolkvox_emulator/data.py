"""Deterministic synthetic Wolkvox data.

Every row is a pure function of (seed, campaign, hour), so any window can be
generated lazily and re-asked with the same answer. Rows come with accents in
Spanish names, all twelve opt fields, rows sharing a second, and rows on the
edges of days (00:00:00 and 23:59:59).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

HOUR = dt.timedelta(hours=1)
FIRST_NAMES = [
    "Ana",
    "José",
    "María",
    "Andrés",
    "Sofía",
    "Iván",
    "Lucía",
    "Nicolás",
    "Mónica",
    "Julián",
    "Inés",
    "Óscar",
]
LAST_NAMES = [
    "Muñoz",
    "Gómez",
    "Peña",
    "Rodríguez",
    "Ibáñez",
    "Martínez",
    "Núñez",
    "Álvarez",
    "Pérez",
    "Castaño",
]
CITIES = ["Bogotá", "Medellín", "Cali", "Cúcuta", "Popayán", "Ibagué", "Montería", "Santa Marta"]
RESULTS = ["ANSWER", "NO-ANSWER", "BUSY", "ANSWER-MACHINE", "CONGESTION", "FAILED", "ABANDON"]
ID_TYPES = ["CC", "CE", "NIT", "PA", "TI"]


@dataclass
class Campaign:
    """A campaign of the emulated operation and how much data it has."""

    campaign_id: str
    name: str
    type_campaign: str = "predictive"
    status: str = "Started"
    rows_per_hour: int = 20
    extra_opts: int = 0
    """How many opt fields beyond opt12 its rows carry (1 → opt13)."""
    bad_date_every: int = 0
    """Every Nth row of an hour gets a malformed `date` (0: never)."""
    opt_padding: int = 0
    """Characters added to `opt12` of every row, to make large answers (benchmarks)."""
    fields: dict = field(default_factory=dict)
    """Fields of `info()` to add or override (e.g. `{"campaign_id": "101 "}`)."""
    row_fields: dict = field(default_factory=dict)
    """Fields added to every row, as the API might add them (e.g. `{"OPT1": "x", "": "y"}`)."""
    null_key_every: int = 0
    """Every Nth row of an hour has `conn_id` and `telephone` null (0: never)."""

    def info(self) -> dict:
        """The campaign as `information.php?api=campaigns` lists it."""
        return {
            "campaign_id": self.campaign_id,
            "campaign_name": self.name,
            "campaign_description": f"Campaña {self.name}",
            "type_campaign": self.type_campaign,
            "status": self.status,
            "records": str(self.rows_per_hour * 24 * 30),
            "speed": "1.5",
            "dial_mode": "predictive" if self.type_campaign == "predictive" else "preview",
            "last_use": "2026-01-31 18:00:00",
            "recycled": "0",
            "turbo_dial": "0",
            "skill_id": str(100 + int(self.campaign_id) % 50),
            **self.fields,
        }


def default_campaigns() -> list[Campaign]:
    """Three predictive campaigns of different sizes and one preview campaign."""
    return [
        Campaign("101", "Cobranza Bogotá", rows_per_hour=12),
        Campaign("202", "Renovación Medellín", rows_per_hour=30),
        Campaign("303", "Encuesta Cali", status="Stopped", rows_per_hour=5),
        Campaign("404", "Preview Ventas", type_campaign="preview", rows_per_hour=8),
    ]


def rows_for_hour(seed: int, campaign: Campaign, hour: dt.datetime) -> list[tuple[dt.datetime, dict]]:
    """All rows of one campaign in the hour starting at `hour` (naive local), with their time."""
    rng = random.Random(f"{seed}:{campaign.campaign_id}:{hour:%Y%m%d%H}")
    rate = campaign.rows_per_hour
    count = rng.randint(rate // 2, rate * 3 // 2) if rate > 1 else rate
    count = max(count, 3) if rate >= 3 else count
    offsets = sorted(rng.randrange(3600) for _ in range(count))
    # Rows on the day's first and last second, and two rows sharing a second.
    if hour.hour == 0 and count:
        offsets[0] = 0
    if hour.hour == 23 and count:
        offsets[-1] = 3599
    if count >= 3:
        offsets[1] = offsets[0]
    rows = []
    for index, offset in enumerate(offsets):
        when = hour + dt.timedelta(seconds=offset)
        date = when.strftime("%Y-%m-%d %H:%M:%S")
        if campaign.bad_date_every and index % campaign.bad_date_every == campaign.bad_date_every - 1:
            date = rng.choice(["", "0000-00-00 00:00:00", "2026-13-45 99:99:99"])
        row: dict[str, str | None] = {
            "campaign_id": campaign.campaign_id,
            "customer_name": rng.choice(FIRST_NAMES),
            "customer_last_name": rng.choice(LAST_NAMES),
            "id_type": rng.choice(ID_TYPES),
            "customer_id": str(rng.randrange(10**7, 10**10)),
            "date": date,
            "telephone": f"3{rng.randrange(10**9):09d}",
            "result": rng.choice(RESULTS),
        }
        for n in range(1, 13 + campaign.extra_opts):
            row[f"opt{n}"] = _opt_value(rng, n)
        if campaign.opt_padding:
            row["opt12"] = (str(row["opt12"]) + " relleno ñ" * (campaign.opt_padding // 10 + 1))[
                : campaign.opt_padding
            ]
        row["conn_id"] = f"{when:%Y%m%d%H%M%S}{campaign.campaign_id}{index:04d}"
        row.update(campaign.row_fields)
        if campaign.null_key_every and index % campaign.null_key_every == campaign.null_key_every - 1:
            row["conn_id"] = row["telephone"] = None
        rows.append((when, row))
    return rows


def rows_between(
    seed: int, campaign: Campaign, start: dt.datetime, end: dt.datetime, *, end_exclusive: bool = False
) -> list[dict]:
    """Rows attempted in `start..end` (naive local; `end` included unless `end_exclusive`).

    A row whose `date` was sent malformed is still filtered on when it happened.
    """
    rows: list[dict] = []
    hour = start.replace(minute=0, second=0, microsecond=0)
    while hour <= end:
        rows.extend(
            row
            for when, row in rows_for_hour(seed, campaign, hour)
            if start <= when and (when < end if end_exclusive else when <= end)
        )
        hour += HOUR
    return rows


def _opt_value(rng: random.Random, n: int) -> str:
    if rng.random() < 0.3:
        return ""
    if n == 1:
        return rng.choice(CITIES)
    if n == 2:
        return f"{rng.choice(FIRST_NAMES).lower()}@correo.com.co"
    if n == 3:
        return str(rng.randrange(100_000, 9_999_999))
    return f"dato {n} · {rng.choice(['sí', 'no', 'quizá', 'después'])}"
