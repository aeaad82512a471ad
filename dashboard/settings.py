"""The dashboard's settings: the alert thresholds and the day it shows, checked before anything is built."""

from __future__ import annotations

import datetime
from dataclasses import dataclass


class SettingsError(ValueError):
    """A setting the user must fix; the message says which and how."""


@dataclass(frozen=True)
class Thresholds:
    """Alert thresholds, as fractions (0.5 = 50 %). Each is printed on the page where it is used."""

    ready_max: float = 0.50  # ready time above this share of logged time
    aux_max: float = 0.30  # aux (pauses) above this share of logged time
    uncoded_max: float = 0.30  # calls without an activity code above this share of calls
    effectiveness_min: float = 0.10  # voice or digital effectiveness below this

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if not isinstance(value, float | int) or isinstance(value, bool) or not 0 <= value <= 1:
                raise SettingsError(
                    f"Dashboard threshold {name} is {value!r}: give a fraction between 0 and 1 "
                    "(for example 0.5 for 50 %)."
                )


@dataclass(frozen=True)
class Settings:
    """What one build shows: the thresholds, and the day (None: the latest day the marts have)."""

    thresholds: Thresholds = Thresholds()
    day: datetime.date | None = None


def parse_day(text: str) -> datetime.date:
    """A `--date` value, YYYY-MM-DD."""
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise SettingsError(f"Dashboard date {text!r} is not a date: give it as YYYY-MM-DD.") from None


def percent(fraction: float) -> str:
    """How the page writes a fraction: 0.853 -> '85.3 %' (the tests read it back the same way)."""
    return f"{fraction * 100:.1f} %"
