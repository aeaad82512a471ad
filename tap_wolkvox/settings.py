"""Settings: the JSON schema users see, and the checks JSON schema cannot express.

Each setting, its default and its bounds are declared once, in `CONFIG_SCHEMA`.
`parse_settings` checks a config against it and across settings (what JSON schema
cannot say), and returns a typed `Settings` or raises one `ConfigValidationError`
listing every problem, each naming the setting and how to fix it, before any call.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import ipaddress
import json
import typing as t
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jsonschema import Draft7Validator
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
        "Create one in wolkvox Manager → Configuration → Integrations → Tokens. "
        "Blanks and line breaks around it (as `echo … > file` leaves) are removed.",
    ),
    th.Property(
        "server",
        th.StringType(pattern=SERVER_PATTERN),
        description="The operation's server as in `wv{server}.wolkvox.com`, e.g. `0004`. "
        "Letters, digits and `-` only. One of `server` / `api_url` is required; "
        "when both are set, `api_url` is used and `server` must still be valid.",
    ),
    th.Property(
        "api_url",
        th.StringType,
        description="Base URL that replaces `https://wv{server}.wolkvox.com`, for the local "
        "emulator or a proxy, e.g. `http://127.0.0.1:8080`. `https`, or `http` only to this "
        "machine (127.0.0.1, localhost, ::1): plain http elsewhere would send the token unencrypted.",
    ),
    th.Property(
        "campaign_ids",
        th.ArrayType(th.StringType(pattern=CAMPAIGN_ID_PATTERN)),
        description="Ids (digits) of the campaigns to extract. Without it, every campaign: "
        "under `campaign_calls: all` every row the API returns; under `each` every predictive "
        "campaign of `information.php?api=campaigns` (one more call a run).",
    ),
    th.Property(
        "campaign_calls",
        th.StringType(allowed_values=["all", "each"]),
        default="all",
        description="How campaign reports are read. `all`: one call per window with "
        "`campaign_id=all`, whatever the number of campaigns (rows of campaigns not in "
        "`campaign_ids` are skipped). `each`: one call per campaign per window, each "
        "campaign with its own bookmark. Switching between them loses nothing.",
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
        th.IntegerType(minimum=1, maximum=MAX_WINDOW_DAYS),
        default=MAX_WINDOW_DAYS,
        description="Largest date window one call asks for, 1 to 31 days (the API's limit).",
    ),
    th.Property(
        "lookback_minutes",
        th.IntegerType(minimum=0),
        default=15,
        description="How far before the bookmark each incremental run starts, to catch rows "
        "written late. Re-read rows carry the same primary key, so an upserting target "
        "keeps one copy.",
    ),
    th.Property(
        "request_timeout",
        th.NumberType(exclusive_minimum=0),
        default=90,
        description="Seconds one call may take in all, from connecting to the last byte of "
        "the answer; the API's own limit is 60. A call over it counts as a timeout.",
    ),
    th.Property(
        "max_retries",
        th.IntegerType(minimum=0),
        default=5,
        description="Retries of a call after a 5xx, invalid JSON, reset, refused connection "
        "or timeout, with exponential backoff and jitter.",
    ),
    th.Property(
        "retry_wait_seconds",
        th.NumberType(minimum=0),
        default=2,
        description="First wait before such a retry; each next wait doubles (jittered).",
    ),
    th.Property(
        "busy_retries",
        th.IntegerType(minimum=0),
        default=6,
        description="Retries after a 403 for too many calls in flight or maintenance.",
    ),
    th.Property(
        "busy_wait_seconds",
        th.NumberType(minimum=0),
        default=30,
        description="First wait before a busy/maintenance retry; each next wait doubles.",
    ),
    th.Property(
        "max_calls_per_run",
        th.IntegerType(minimum=1),
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
        th.NumberType(minimum=0),
        default=0,
        description="Least time between the end of one call (its last byte read) and the "
        "start of the next, across all streams, to leave room for other integrations "
        "sharing the token.",
    ),
    th.Property(
        # The SDK emits these for FULL_TABLE streams (the `activate-version` capability every
        # SDK tap declares) but declares this setting for no tap: declared here, it is documented.
        "emit_activate_version_messages",
        th.BooleanType,
        default=False,
        description="Emit an `ACTIVATE_VERSION` message at the start of each full read of the dimension "
        "lists (`campaigns`, `agents`, `skills`, `activity_codes`), so a target that processes "
        "them (target-postgres `activate_version`) deletes (or marks deleted) rows a later "
        "read no longer has. The reports are incremental and get none.",
    ),
).to_dict()


LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def default(name: str) -> t.Any:
    """A setting's default, as declared once in `CONFIG_SCHEMA`."""
    return CONFIG_SCHEMA["properties"][name].get("default")


@dataclass(frozen=True)
class Settings:
    """Validated settings; see `CONFIG_SCHEMA` for each one's meaning."""

    token: str = field(repr=False)  # a secret: never in a repr, a log or an error
    base_url: str
    campaign_ids: tuple[str, ...]
    """Empty: every campaign (`all`), or the discovered predictive campaigns (`each`)."""
    campaign_calls: str
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


TRUE_TEXTS = frozenset({"1", "true", "yes", "on", "y", "t"})
FALSE_TEXTS = frozenset({"0", "false", "no", "off", "n", "f"})


def normalize_config(config: dict, schema: dict = CONFIG_SCHEMA) -> dict:
    """The config as the checks expect it: the token stripped, values given as text made what they mean.

    Environment variables (`--config ENV`, Meltano) and some secret stores give every
    value as text; `"30"` for `request_timeout` means 30, `"true"` for `check_quota` means
    true. Meltano gives an array's items that look like numbers as numbers: campaign id
    `101` means `"101"`. Anything else is left as given, for the schema check to name.
    """
    config = {name: value for name, value in config.items() if value is not None}  # null: unset
    if isinstance(config.get("token"), str):
        config["token"] = config["token"].strip()
    for name, spec in schema["properties"].items():
        if name in config:
            config[name] = _from_text(config[name], spec.get("type", []))
    if isinstance(config.get("campaign_ids"), list):
        config["campaign_ids"] = [_id_as_text(item) for item in config["campaign_ids"]]
    return config


def _from_text(value: t.Any, kinds: str | list[str]) -> t.Any:
    """A number or boolean given as text, as that number or boolean; anything else as given."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if "boolean" in kinds and text.lower() in TRUE_TEXTS | FALSE_TEXTS:
        return text.lower() in TRUE_TEXTS
    if "integer" in kinds or "number" in kinds:
        with contextlib.suppress(ValueError, ArithmeticError):
            number = Decimal(text)
            if number.is_finite():
                return int(number) if number == int(number) else float(number)
    return value


def _id_as_text(item: t.Any) -> t.Any:
    """A whole number, as the digits it was written with; anything else as given."""
    if isinstance(item, int) and not isinstance(item, bool) and item >= 0:
        return str(item)
    return item


def settings_from_env(environ: t.Mapping[str, str], prefix: str, schema: dict) -> dict:
    """Settings given as `{prefix}{NAME}` variables, as text; `normalize_config` makes numbers of them.

    An array or object is JSON (an array may also be comma-separated); anything else
    stays text (`normalize_config` reads true/false, yes/no, on/off, 1/0), so a bad
    value reaches the schema check, which names it, instead of failing here.
    """
    config: dict = {}
    for name, spec in schema["properties"].items():
        raw = environ.get(prefix + name.upper())
        if raw is None:
            continue
        kinds = spec.get("type", [])
        value: t.Any = raw
        if "array" in kinds or "object" in kinds:
            try:
                value = json.loads(raw)
            except json.JSONDecodeError:
                value = [part.strip() for part in raw.split(",") if part.strip()] if "array" in kinds else raw
        config[name] = value
    return config


def unknown_settings(config: dict, known: t.Iterable[str]) -> list[str]:
    """A warning for each setting name the tap does not know, with the closest known one."""
    known = list(known)
    warnings = []
    for name in sorted(set(config) - set(known)):
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"; did you mean `{close[0]}`?" if close else ""
        warnings.append(f"Unknown setting `{name}` is ignored{hint}")
    return warnings


def schema_problems(config: dict, schema: dict = CONFIG_SCHEMA) -> list[str]:
    """What `schema` finds wrong, one line per setting, naming it; a secret's value is never shown."""
    problems = []
    validator = Draft7Validator(schema)
    for error in sorted(validator.iter_errors(config), key=lambda e: list(e.absolute_path)):
        path = [str(p) for p in error.absolute_path]
        if error.validator == "required":
            name = str(error.message).split("'")[1]
            problems.append(f"`{name}` is required: {schema['properties'][name]['description']}")
            continue
        name = path[0] if path else "?"
        spec = schema["properties"].get(name, {})
        what = _expected(error.validator, error.validator_value)
        if spec.get("secret"):
            problems.append(f"`{name}` {what} (its value is not shown: it is a secret).")
        else:
            where = f"`{'.'.join(path)}`"
            given = json.dumps(error.instance, default=str)
            problems.append(f"{where} {what}, not {given}. {spec.get('description', '')}")
    return problems


_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "an object",
}


def _expected(validator: str, value: t.Any) -> str:
    if validator == "type":
        kinds = [value] if isinstance(value, str) else [v for v in value if v != "null"]
        return "must be " + " or ".join(_TYPE_NAMES.get(kind, kind) for kind in kinds)
    return {
        "minimum": f"must be ≥ {value}",
        "maximum": f"must be ≤ {value}",
        "exclusiveMinimum": f"must be > {value}",
        "pattern": f"must match {value}",
        "format": f"must be a {value}",
        "enum": f"must be one of {value}",
    }.get(validator, f"fails `{validator}: {value}`")


def parse_settings(config: dict) -> Settings:
    """Check `config` against `CONFIG_SCHEMA`, then across settings; raise one error naming every problem."""
    config = normalize_config(config)
    errors = schema_problems(config)
    if errors:
        raise ConfigValidationError("Invalid tap-wolkvox settings", errors=errors)

    token = config["token"]
    if not token:
        errors.append("`token` is empty: set it to a wolkvox API token.")
    elif not all(33 <= ord(char) <= 126 for char in token):
        errors.append(
            "`token` has spaces, line breaks or non-ASCII characters inside it (not shown): "
            "copy it again from wolkvox Manager → Configuration → Integrations → Tokens."
        )

    base_url = _base_url(config, errors)

    tz = ZoneInfo("UTC")
    try:
        tz = ZoneInfo(str(config.get("timezone") or default("timezone")))
    except (ZoneInfoNotFoundError, ValueError):
        errors.append(
            f"`timezone` {config.get('timezone')!r} is not an IANA zone name; use e.g. `America/Bogota`."
        )
    start_date = _check_datetime(config, "start_date", tz, errors)
    end_date = _check_datetime(config, "end_date", tz, errors) if config.get("end_date") else None
    if start_date and end_date and start_date > end_date:
        errors.append("`start_date` is after `end_date`: swap them or move one.")

    if errors:
        raise ConfigValidationError("Invalid tap-wolkvox settings", errors=errors)
    assert start_date is not None

    def get(name: str) -> t.Any:
        value = config.get(name)
        return default(name) if value is None else value

    return Settings(
        token=token,
        base_url=base_url,
        campaign_ids=tuple(str(c) for c in config.get("campaign_ids") or ()),
        campaign_calls=str(get("campaign_calls")),
        include_stopped_campaigns=bool(get("include_stopped_campaigns")),
        max_calls_per_run=config.get("max_calls_per_run"),
        check_quota=bool(get("check_quota")),
        start_date=start_date,
        end_date=end_date,
        tz=tz,
        window_days=int(get("window_days")),
        lookback=dt.timedelta(minutes=int(get("lookback_minutes"))),
        request_timeout=float(get("request_timeout")),
        max_retries=int(get("max_retries")),
        retry_wait_seconds=float(get("retry_wait_seconds")),
        busy_retries=int(get("busy_retries")),
        busy_wait_seconds=float(get("busy_wait_seconds")),
        min_call_interval_seconds=float(get("min_call_interval_seconds")),
    )


def _base_url(config: dict, errors: list[str]) -> str:
    """`api_url` when set (checked), else `https://wv{server}.wolkvox.com` (the schema checks `server`)."""
    server, api_url = config.get("server"), config.get("api_url")
    if api_url:
        return _check_api_url(api_url, errors)
    if server:
        return f"https://wv{server}.wolkvox.com"
    errors.append("Set `server` (e.g. `0004`) or `api_url`.")
    return ""


def _check_api_url(api_url: str, errors: list[str]) -> str:
    parts = urlsplit(str(api_url))
    try:
        host = parts.hostname
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError:
        host = None
    if parts.scheme not in {"http", "https"} or not host:
        errors.append("`api_url` must be an http(s) URL such as `http://127.0.0.1:8080`.")
    elif parts.query or parts.fragment or parts.username or parts.password:
        errors.append("`api_url` must not carry a query, a fragment or credentials.")
    elif parts.scheme == "http" and not _is_loopback(host):
        errors.append(
            f"`api_url` uses plain http to {host}, which is not this machine: the token would "
            "travel unencrypted. Use https, or http only to 127.0.0.1, localhost or ::1."
        )
    return str(api_url).rstrip("/")


def _is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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
