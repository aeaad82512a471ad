"""How much of the operation's daily call quota a run uses, and an optional budget.

The quota (licences × 1000 calls a day) is shared by every integration of the
operation, so each run says what it spent, and `max_calls_per_run` can cap it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

NEAR_LIMIT = 0.9
"""`token_info` use at or above this share of the limit draws a warning."""


class CallBudgetReached(Exception):  # noqa: N818
    """`max_calls_per_run` is spent: the run stops cleanly, and the next continues from STATE."""


@dataclass
class ApiUsage:
    """Calls made and rows emitted by one run, shared by all of its streams, and its pacing clock."""

    max_calls: int | None = None
    calls: int = 0
    rows: int = 0
    budget_reached: bool = False
    last_call_ended: float | None = None
    """`time.monotonic()` when the last call's body was read; one clock for every stream."""

    def pace(self, min_interval: float) -> None:
        """Sleep until `min_interval` seconds have passed since the last call ended."""
        if self.last_call_ended is not None:
            wait = self.last_call_ended + min_interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)

    def call_ended(self) -> None:
        """A call's answer has been read (or it failed): the pacing clock starts now."""
        self.last_call_ended = time.monotonic()

    def spend_one(self) -> None:
        """Count a call about to be made, or raise if the budget is spent."""
        if self.max_calls is not None and self.calls >= self.max_calls:
            self.budget_reached = True
            raise CallBudgetReached
        self.calls += 1

    def summary(self) -> str:
        """The run's one line about its quota use."""
        per_thousand = f"{1000 * self.calls / self.rows:.2f}" if self.rows else "n/a"
        line = (
            f"Wolkvox API usage: {self.calls} calls, {self.rows} rows emitted, "
            f"{per_thousand} calls per 1,000 rows"
        )
        if self.budget_reached:
            line += f"; stopped at max_calls_per_run={self.max_calls}, the next run continues from STATE"
        return line


def near_limit(token_info: dict) -> str | None:
    """A warning when `token_info` shows today's use near the limit, else None."""
    try:
        limit = int(token_info["token_limit"])
        used = int(token_info.get("all_token_today") or token_info["token_use_today"])
    except (KeyError, TypeError, ValueError):
        return f"token_info did not show the limit and today's use: {str(token_info)[:200]}"
    if limit and used >= NEAR_LIMIT * limit:
        return f"Daily call quota nearly used: {used} of {limit} calls today (shared by the operation)"
    return None
