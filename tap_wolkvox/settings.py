"""Settings: the JSON schema users see, and the checks JSON schema cannot express.

`parse_settings` turns a config dict into a typed `Settings` or raises one
`ConfigValidationError` listing every problem, each naming the setting and how to
fix it, before the tap makes any call.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from singer_sdk import typing as th
from singer_sdk.exceptions import ConfigValidationError

from tap_wolkvox.windows import parse_setting_datetime

SERVER_PATTERN = r"^[A-Za-z0-9-]+$"
CAMPAIGN_ID_PATTERN = r"^[0-9]+$"
MAX_WINDOW_DAYS = 31

CONFIG_SCHEMA = th.PropertiesList(
    th.Property(
        "token",
        th.StringType,
        required=True,
        secret=True,
        description="Wolkvox API token, sent as the `wolkvox-token` header. "
        "Create one in wolkvox Manager → Configuration → Integrations → Tokens.",
    ),
    th.Property(
        "server",
        th.StringType,
        description="The operation's server as in `wv{server}.wolkvox.com`, e.g. `0004`. "
        "Letters, digits and `-` only. One of `server` / `api_url` is required.",
    ),
    th.Property(
        "api_url",
        th.StringType,
        description="Base URL that replaces `https://wv{server}.wolkvox.com`, for the local "
        "emulator or a proxy, e.g. `http://127.0.0.1:8080`. `http` or `https` only.",
    ),
    th.Property(
        "campaign_ids",
        th.ArrayType(th.StringType),
        description="Ids (digits) of the predictive campaigns to extract. Without it, every "
        "predictive campaign of `information.php?api=campaigns` is extracted (one more call a run).",
    ),
    th.Property(
        "include_stopped_campaigns",
        th.BooleanType,
        default=True,
        description="Without `campaign_ids`: also extract campaigns whose status is Stopped. "
        "Yes by default, because stopped campaigns still have history to backfill.",
    ),
    th.Property(
        "start_date",
        th.DateTimeType,
        required=True,
        description="Earliest attempt date to extract on a first run. Without an offset it is "
        "read in `timezone`, e.g. `2026-01-01` or `2026-01-01T00:00:00-05:00`.",
    ),
    th.Property(
        "end_date",
        th.DateTimeType,
        description="Latest attempt date to extract (inclusive); default now. Without an "
        "offset it is read in `timezone`.",
    ),
    th.Property(
        "timezone",
        th.StringType,
        default="America/Bogota",
        description="IANA zone of the operation's naive `date` values and of the API's "
        "`date_ini`/`date_end`. Wolkvox documents GMT-5.",
    ),
    th.Property(
        "window_days",
        th.IntegerType,
        default=MAX_WINDOW_DAYS,
        description="Largest date window one call asks for, 1 to 31 days (the API's limit).",
    ),
    th.Property(
        "lookback_minutes",
        th.IntegerType,
        default=15,
        description="How far before the bookmark each incremental run starts, to catch rows "
        "written late. Re-read rows carry the same primary key, so an upserting target "
        "keeps one copy.",
    ),
    th.Property(
        "request_timeout",
        th.NumberType,
        default=90,
        description="Seconds to wait for one call; the API's own limit is 60.",
    ),
    th.Property(
        "max_retries",
        th.IntegerType,
        default=5,
        description="Retries of a call after a 5xx, invalid JSON, reset, refused connection "
        "or timeout, with exponential backoff and jitter.",
    ),
    th.Property(
        "retry_wait_seconds",
        th.NumberType,
        default=2,
        description="First wait before such a retry; each next wait doubles (jittered).",
    ),
    th.Property(
        "busy_retries",
        th.IntegerType,
        default=6,
        description="Retries after a 403 for too many calls in flight or maintenance.",
    ),
    th.Property(
        "busy_wait_seconds",
        th.NumberType,
        default=30,
        description="First wait before a busy/maintenance retry; each next wait doubles.",
    ),
    th.Property(
        "max_calls_per_run",
        th.IntegerType,
        description="Stop cleanly, with STATE, after this many API calls; the next run "
        "continues. Unset: no limit.",
    ),
    th.Property(
        "check_quota",
        th.BooleanType,
        default=False,
        description="Read `information.php?api=token_info` at the start (one call) and warn "
        "when today's use of the daily call quota is near its limit.",
    ),
    th.Property(
        "min_call_interval_seconds",
        th.NumberType,
        default=0,
        description="Least time between the end of one call and the start of the next, "
        "to leave room for other integrations sharing the token.",
    ),
).to_dict()


@dataclass(frozen=True)
class Settings:
    """Validated settings; see `CONFIG_SCHEMA` for each one's meaning."""

    base_url: str
    campaign_ids: tuple[str, ...]
    """Empty: discover the predictive campaigns."""
    include_stopped_campaigns: bool
    max_calls_per_run: int | None
    check_quota: bool
    start_date: dt.datetime
    end_date: dt.datetime | None
    tz: ZoneInfo
    window_days: int
    lookback: dt.timedelta
    request_timeout: float
    max_retries: int
    retry_wait_seconds: float
    busy_retries: int
    busy_wait_seconds: float
    min_call_interval_seconds: float


def parse_settings(config: dict) -> Settings:  # noqa: PLR0912
    """Check `config` beyond its JSON schema; raise one error naming every problem."""
    errors: list[str] = []

    if not config.get("token"):
        errors.append("`token` is missing: set it to a wolkvox API token.")

    server, api_url = config.get("server"), config.get("api_url")
    base_url = ""
    if api_url:
        base_url = _check_api_url(api_url, errors)
    elif server:
        if re.fullmatch(SERVER_PATTERN, str(server)):
            base_url = f"https://wv{server}.wolkvox.com"
        else:
            errors.append(
                "`server` must be letters, digits and '-' only, as in wv{server}.wolkvox.com "
                "(e.g. `0004`); use `api_url` for anything else."
            )
    else:
        errors.append("Set `server` (e.g. `0004`) or `api_url`.")

    campaign_ids = tuple(str(c) for c in config.get("campaign_ids") or ())
    bad_ids = [c for c in campaign_ids if not re.fullmatch(CAMPAIGN_ID_PATTERN, c)]
    if bad_ids:
        errors.append(f"`campaign_ids` must be digits only; fix {bad_ids!r}.")

    tz = ZoneInfo("UTC")
    try:
        tz = ZoneInfo(str(config.get("timezone") or "America/Bogota"))
    except (ZoneInfoNotFoundError, ValueError):
        errors.append(
            f"`timezone` {config.get('timezone')!r} is not an IANA zone name; use e.g. `America/Bogota`."
        )

    start_date = _check_datetime(config, "start_date", tz, errors)
    end_date = _check_datetime(config, "end_date", tz, errors) if config.get("end_date") else None
    if start_date and end_date and start_date > end_date:
        errors.append("`start_date` is after `end_date`: swap them or move one.")

    window_days = config.get("window_days", MAX_WINDOW_DAYS)
    if not _non_negative(window_days, integer=True) or not 1 <= window_days <= MAX_WINDOW_DAYS:
        errors.append(f"`window_days` must be a whole number from 1 to {MAX_WINDOW_DAYS}.")

    for name in ("lookback_minutes", "max_retries", "busy_retries"):
        if not _non_negative(config.get(name, 0), integer=True):
            errors.append(f"`{name}` must be a whole number ≥ 0.")
    for name in ("retry_wait_seconds", "busy_wait_seconds", "min_call_interval_seconds"):
        if not _non_negative(config.get(name, 0), integer=False):
            errors.append(f"`{name}` must be a number ≥ 0.")
    if not _non_negative(config.get("request_timeout", 90), integer=False) or not config.get(
        "request_timeout", 90
    ):
        errors.append("`request_timeout` must be a number of seconds > 0.")

    max_calls = config.get("max_calls_per_run")
    if max_calls is not None and (not _non_negative(max_calls, integer=True) or max_calls < 1):
        errors.append("`max_calls_per_run` must be a whole number ≥ 1, or unset for no limit.")

    if errors:
        raise ConfigValidationError("Invalid tap-wolkvox settings", errors=errors)
    assert start_date is not None
    return Settings(
        base_url=base_url,
        campaign_ids=campaign_ids,
        include_stopped_campaigns=bool(config.get("include_stopped_campaigns", True)),
        max_calls_per_run=int(max_calls) if max_calls is not None else None,
        check_quota=bool(config.get("check_quota", False)),
        start_date=start_date,
        end_date=end_date,
        tz=tz,
        window_days=int(window_days),
        lookback=dt.timedelta(minutes=int(config.get("lookback_minutes", 15))),
        request_timeout=float(config.get("request_timeout", 90)),
        max_retries=int(config.get("max_retries", 5)),
        retry_wait_seconds=float(config.get("retry_wait_seconds", 2)),
        busy_retries=int(config.get("busy_retries", 6)),
        busy_wait_seconds=float(config.get("busy_wait_seconds", 30)),
        min_call_interval_seconds=float(config.get("min_call_interval_seconds", 0)),
    )


def _check_api_url(api_url: str, errors: list[str]) -> str:
    parts = urlsplit(str(api_url))
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        errors.append("`api_url` must be an http(s) URL such as `http://127.0.0.1:8080`.")
    elif parts.query or parts.fragment or parts.username or parts.password:
        errors.append("`api_url` must not carry a query, a fragment or credentials.")
    return str(api_url).rstrip("/")


def _check_datetime(config: dict, name: str, tz: ZoneInfo, errors: list[str]) -> dt.datetime | None:
    value = config.get(name)
    if not value:
        errors.append(f"`{name}` is required, e.g. `2026-01-01`.")
        return None
    try:
        return parse_setting_datetime(str(value), tz)
    except ValueError:
        errors.append(f"`{name}` {value!r} is not an ISO 8601 date-time, e.g. `2026-01-01T00:00:00`.")
        return None


def _non_negative(value: object, *, integer: bool) -> bool:
    # Config files are read with Decimal for non-integers, so accept any real number.
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return False
    return value >= 0 and (not integer or value == int(value))
