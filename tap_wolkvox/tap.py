"""TapWolkvox: settings and the stream list."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import functools
import json
import logging
import os
import sys
import typing as t
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

import click
import dotenv
from singer_sdk import Tap
from singer_sdk.exceptions import ConfigValidationError, StreamMapConfigError
from typing_extensions import override

from tap_wolkvox.client import WolkvoxStream
from tap_wolkvox.errors import WolkvoxAPIError
from tap_wolkvox.output import StateFlushingWriter
from tap_wolkvox.partitioned import parse_bookmark
from tap_wolkvox.partitions import ALL
from tap_wolkvox.progress import RunProgress
from tap_wolkvox.report import WolkvoxReportStream
from tap_wolkvox.settings import (
    CONFIG_SCHEMA,
    Settings,
    normalize_config,
    parse_settings,
    settings_from_env,
    unknown_settings,
)
from tap_wolkvox.streams import (
    ActivityCodesStream,
    Agent7Stream,
    Agent14Stream,
    AgentsStream,
    Campaign3Stream,
    Campaign5Stream,
    Campaign7Stream,
    CampaignsStream,
    Cdr1Stream,
    Cdr5Stream,
    Chat1Stream,
    Diagram1Stream,
    InformationStream,
    Quality2Stream,
    Skill2Stream,
    Skill10Stream,
    SkillsStream,
)
from tap_wolkvox.usage import ApiUsage, CallBudgetReached, near_limit

STREAM_TYPES: tuple[type[WolkvoxStream], ...] = (
    CampaignsStream,
    AgentsStream,
    SkillsStream,
    ActivityCodesStream,
    Campaign3Stream,
    Cdr1Stream,
    Agent14Stream,
    Chat1Stream,
    Skill10Stream,
    Skill2Stream,
    Diagram1Stream,
    Campaign5Stream,
    Campaign7Stream,
    Agent7Stream,
    Quality2Stream,
    Cdr5Stream,
)
CHECK_TIMEOUT = 15.0
"""Seconds `--check` waits for its one call."""
MAX_STATE_CHARS = 64 << 20
"""Characters of a state file read at most."""
STATE_REFUSED = "The state file is not one tap-wolkvox wrote; fix it or run without it"
FUTURE_BOOKMARK_TOLERANCE = dt.timedelta(minutes=5)
"""Clock skew between machines that a bookmark in the future may show before it is refused."""


class TapWolkvox(Tap):
    """Singer tap for Wolkvox contact-center reports."""

    name = "tap-wolkvox"
    config_jsonschema = copy.deepcopy(CONFIG_SCHEMA)  # the SDK appends its own settings to it
    message_writer_class = StateFlushingWriter

    def __init__(
        self,
        *args: t.Any,
        config: dict | str | Path | list[str | Path] | None = None,
        parse_env_config: bool = False,
        validate_config: bool = True,
        **kwargs: t.Any,
    ) -> None:
        # Env vars are read here, not by the SDK, so numbers given as text work (`normalize_config`).
        schema = self.settings_schema()
        config_dict = normalize_config(load_config(config, parse_env=parse_env_config), schema)
        if validate_config:
            for warning in unknown_settings(config_dict, schema["properties"]):
                self.logger.warning("%s", warning)
        # Our messages first, before the SDK's own check; the result is the tap's `settings`.
        settings = parse_settings(config_dict) if validate_config else None
        # The SDK, told not to parse env vars (done above), would say it skipped them.
        with dropped_log_line(self.logger, SDK_SKIPPED_ENV_LINE):
            super().__init__(*args, config=config_dict, validate_config=validate_config, **kwargs)
        if settings is not None:
            self.settings = settings

    @classmethod
    def settings_schema(cls) -> dict:
        """Every setting: the tap's own and the SDK's built-in ones of its capabilities."""
        cls.append_builtin_config(cls.config_jsonschema)
        return cls.config_jsonschema

    @override
    def load_state(self, state: dict[str, t.Any]) -> None:
        """Refuse a state this tap did not write before reading it (SDK hook)."""
        check_state(state)
        super().load_state(state)

    @override
    def discover_streams(self) -> list[WolkvoxStream]:
        """Every stream; under `campaign_calls: each`, campaign reports read per campaign."""
        each = self.config.get("campaign_calls") == "each"
        return [(per_campaign(kind) if each else kind)(tap=self) for kind in STREAM_TYPES]

    @cached_property
    def settings(self) -> Settings:
        """The validated settings, shared by every stream."""
        return parse_settings(dict(self.config))

    @cached_property
    def member_lists(self) -> dict[str, type[InformationStream]]:
        """Partition parameter (`campaign_id`, `skill_id`) → the list whose rows are its values."""
        return {
            kind.members_of: kind
            for kind in STREAM_TYPES
            if issubclass(kind, InformationStream) and kind.members_of is not None
        }

    @cached_property
    def progress(self) -> RunProgress:
        """What each window's progress line says of the run: which selected stream, the zone once."""
        selected = tuple(name for name, stream in self.streams.items() if stream.selected)
        return RunProgress(streams=selected, zone=self.settings.tz.key)

    @cached_property
    def usage(self) -> ApiUsage:
        """Calls and rows of this run, with the `max_calls_per_run` budget."""
        return ApiUsage(max_calls=self.settings.max_calls_per_run)

    def sync_and_report(self) -> None:
        """`sync_all`, then the run's quota line however it ends (a bug or a closed pipe too).

        `Tap.sync_all` is final, so the CLI (`invoke`) runs this instead.
        """
        try:
            if self.settings.check_quota:
                self.warn_if_quota_is_nearly_used()
            self.sync_all()
        finally:
            if isinstance(self.message_writer, StateFlushingWriter):
                with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing to save
                    self.message_writer.write_pending()  # records after the last STATE, if it failed
            # Its own logger, so a quiet logging config can keep this line and drop the SDK's.
            logging.getLogger(f"{self.name}.usage").info("%s", self.usage.summary())

    def warn_if_quota_is_nearly_used(self) -> None:
        """`check_quota`: one `token_info` call; a warning when today's use is near the limit."""
        stream = self.streams[CampaignsStream.name]
        assert isinstance(stream, WolkvoxStream)
        try:
            rows = stream.fetch_information("token_info")
        except (WolkvoxAPIError, CallBudgetReached) as exc:
            self.logger.warning("Could not read token_info: %s", exc)
            return
        info = rows[0] if rows else {}
        if warning := near_limit(info):
            self.logger.warning("%s", warning)
        else:
            self.logger.info(
                "Daily call quota: %s of %s used today", info.get("all_token_today"), info.get("token_limit")
            )

    def check_token(self) -> list[str]:
        """`--check`: verify the token with one cheap call (the campaign list), not a sync.

        One attempt, with a short timeout. Also says which configured campaigns the
        operation does not have, and each one's type with the reports that read that type
        (each campaign report reads one, `campaign_type`): a report selected alone has no
        rows for campaigns of another type. The SDK's `--test` instead syncs, which costs a
        window's call. Returns the answer, one line each, for the CLI to print.
        """
        stream = self.streams[CampaignsStream.name]
        assert isinstance(stream, CampaignsStream)
        timeout = min(CHECK_TIMEOUT, self.settings.request_timeout)
        rows = stream.fetch_information(stream.info_api, retry=False, timeout=timeout)
        campaigns = {str(row.get(stream.members_of, "")).strip(): row for row in rows}
        answer = [f"Token accepted by {self.settings.base_url}: the operation has {len(campaigns)} campaigns"]
        configured = self.settings.campaign_ids
        if missing := [c for c in configured if c not in campaigns]:
            answer.append(f"Campaigns not found in the operation: {missing}")
        readers: dict[str, list[str]] = {}  # campaign type → the campaign reports that read it
        for report in self.streams.values():
            if kind := getattr(report, "campaign_type", None):
                readers.setdefault(kind, []).append(report.name)
        by_type: dict[str, list[str]] = {}
        for campaign in (c for c in configured if c in campaigns):
            kind = str(campaigns[campaign].get(stream.type_field) or "").strip().lower() or "no type"
            by_type.setdefault(kind, []).append(campaign)
        if by_type:
            answer.append(
                "Campaigns by type: "
                + "; ".join(
                    f"{kind} {', '.join(ids)} (read by {', '.join(readers.get(kind, [])) or 'no report'})"
                    for kind, ids in sorted(by_type.items())
                )
            )
        return answer

    @classmethod
    @override
    def invoke(  # type: ignore[override]
        cls,
        *,
        about: bool = False,
        about_format: str | None = None,
        config: t.Any = None,
        state: t.IO[str] | None = None,
        catalog: t.IO[str] | None = None,
    ) -> None:
        """The SDK's run, as `Tap.invoke` does it, with two additions.

        Errors the user can fix are one paragraph with no traceback (`user_errors`),
        and the quota line is logged however the sync ends (`sync_and_report`).
        """
        if about:
            cls.print_about(about_format)
            sys.exit(0)
        cls.print_version(print_fn=cls.logger.info)
        with user_errors(cls.logger):
            tap = cls(
                config=config.config if config else None,
                state=None if state is None else read_state(state),
                catalog=None if catalog is None else json.load(catalog),
                parse_env_config=config.parse_env if config else False,
            )
            tap.sync_and_report()

    @classmethod
    def cb_check(cls, ctx: click.Context, param: click.Option, value: bool) -> None:
        """CLI callback for `--check` (give `--config` first)."""
        if not value:
            return
        config = ctx.params.get("config")
        with user_errors(cls.logger):
            tap = cls(
                config=config.config if config else None,
                parse_env_config=config.parse_env if config else False,
            )
            answer = tap.check_token()
        # On stdout, not in the log: a quiet logging config (the demo's) must not hide the answer.
        for line in answer:
            click.echo(line)
        ctx.exit()

    @classmethod
    @override
    def get_singer_command(cls) -> click.Command:
        """The SDK's command, plus `--check`."""
        command = super().get_singer_command()
        command.params.append(
            click.Option(
                ["--check"],
                is_flag=True,
                help="Verify the token and campaign ids with one cheap call, then exit.",
                callback=cls.cb_check,
                expose_value=False,
            )
        )
        return command


@functools.cache
def per_campaign(kind: type[WolkvoxStream]) -> type[WolkvoxStream]:
    """`kind` read once per campaign, as the child of the campaign list (`campaign_calls: each`)."""
    if not issubclass(kind, WolkvoxReportStream) or kind.partition_param != "campaign_id":
        return kind
    return type(
        kind.__name__, (kind,), {"parent_stream_type": CampaignsStream, "__module__": kind.__module__}
    )


def load_config(config: dict | str | Path | list[str | Path] | None, *, parse_env: bool) -> dict:
    """The config as one dict: files (later ones win), then `TAP_WOLKVOX_*` env vars if asked."""
    if isinstance(config, dict):
        merged = dict(config)
    else:
        merged = {}
        for path in [config] if isinstance(config, (str, Path)) else config or []:
            merged.update(json.loads(Path(path).read_text("utf-8")))
    if parse_env:
        dotenv.load_dotenv(dotenv.find_dotenv(usecwd=True))  # as the SDK does; set variables win
        from_env = settings_from_env(os.environ, "TAP_WOLKVOX_", TapWolkvox.settings_schema())
        TapWolkvox.logger.info(
            "Settings from environment variables: %s",
            ", ".join(f"TAP_WOLKVOX_{name.upper()}" for name in from_env) or "none",
        )
        merged.update(from_env)
    return merged


SDK_SKIPPED_ENV_LINE = "Skipping parse of env var settings..."
"""What `PluginBase.__init__` logs when it does not parse env vars (singer-sdk 0.54)."""


@contextmanager
def dropped_log_line(logger: logging.Logger, message: str) -> t.Iterator[None]:
    """`logger` without the one line whose message is `message`, for the duration."""

    def keep(record: logging.LogRecord) -> bool:
        return record.getMessage() != message

    logger.addFilter(keep)
    try:
        yield
    finally:
        logger.removeFilter(keep)


@contextmanager
def user_errors(logger: logging.Logger) -> t.Iterator[None]:
    """Errors the user can fix (settings, state, what the API answered) as messages, exit 1.

    The traceback is logged at DEBUG only. Anything else is a bug and keeps its traceback.
    """
    try:
        yield
    except ConfigValidationError as exc:
        for error in exc.errors:
            logger.error("%s", error)
        where = (
            "the state file (with Meltano: `meltano state set` or `meltano state clear`)"
            if str(exc) == STATE_REFUSED
            else "the config file, TAP_WOLKVOX_* variables or Meltano"
        )
        logger.error("%s: fix the above in %s.", exc, where)
        logger.debug("Traceback", exc_info=True)
        raise SystemExit(1) from None
    except StreamMapConfigError as exc:
        logger.error("`stream_maps` cannot be applied: %s", exc)
        logger.debug("Traceback", exc_info=True)
        raise SystemExit(1) from None
    except WolkvoxAPIError as exc:
        logger.error("%s", exc)
        logger.debug("Traceback", exc_info=True)
        raise SystemExit(1) from None
    except BrokenPipeError:
        logger.error("The output was closed before the run ended: did the target stop? See its log.")
        raise SystemExit(1) from None


def read_state(file: t.IO[str]) -> dict:
    """The state file's JSON object, or the one-paragraph refusal `check_state` gives.

    Read capped at `MAX_STATE_CHARS`: a state this tap writes is a few kilobytes.
    """
    try:
        text = file.read(MAX_STATE_CHARS + 1)
    except UnicodeDecodeError:
        problem = "it is not UTF-8 text (binary or corrupted data)"
    else:
        problem = _state_text_problem(text)
        if not problem:
            with contextlib.suppress(ValueError, RecursionError):
                state = json.loads(text.removeprefix("\ufeff"))
                if isinstance(state, dict):
                    return state
                problem = f"it holds a JSON {type(state).__name__}, not an object with `bookmarks`"
            problem = problem or "it is not valid JSON (not quoted)"
    raise ConfigValidationError(STATE_REFUSED, errors=[f"The state file: {problem}"])


def _state_text_problem(text: str) -> str:
    if len(text) > MAX_STATE_CHARS:
        return f"it is over {MAX_STATE_CHARS:,} characters; a state this tap writes is a few kB"
    if not text.strip():
        return "it is empty; give `{}` for no state, or run without `--state`"
    return ""


def check_state(state: object) -> None:
    """Refuse a state that is not what this tap writes, saying what is wrong."""
    problems: list[str] = []
    bookmarks = state.get("bookmarks", {}) if isinstance(state, dict) else None
    if not isinstance(bookmarks, dict):
        problems.append("`bookmarks` must be an object of streams")
        bookmarks = {}
    known = {str(stream_type.name) for stream_type in STREAM_TYPES}  # type: ignore[misc]
    for stream_name, stream_state in bookmarks.items():
        if not isinstance(stream_state, dict):  # the SDK reads every stream's, ours or not
            problems.append(f"bookmarks.{stream_name} must be an object")
            continue
        if stream_name not in known:
            continue  # another tap's or a removed stream's state is not ours to judge
        problems += _progress_problems(stream_state, where=f"bookmarks.{stream_name}")
        # A report without a partition parameter keeps its bookmark on the stream itself.
        problems += bookmark_problems(stream_state.get("replication_key_value"), where=stream_name)
        partitions = stream_state.get("partitions", [])
        if not isinstance(partitions, list):
            problems.append(f"bookmarks.{stream_name}.partitions must be a list")
            partitions = []
        seen: set[tuple] = set()
        for partition in partitions:
            context = partition.get("context") if isinstance(partition, dict) else None
            items = list(context.items()) if isinstance(context, dict) else []
            if (
                len(items) != 1
                or not isinstance(items[0][1], str)
                or not (items[0][1].isdigit() or items[0][1] == ALL)
            ):
                problems.append(
                    f"bookmarks.{stream_name}: a partition's context is not one id (digits) or `all`"
                )
                continue
            problems += _progress_problems(partition, where=f"bookmarks.{stream_name}.partitions")
            ((name, value),) = items
            where = f"{stream_name} {name.removesuffix('_id')} {value}"
            if (name, value) in seen:  # the SDK would stop on it with a traceback quoting both
                problems.append(f"bookmarks.{stream_name}: the partition {where} is listed twice")
            seen.add((name, value))
            problems += bookmark_problems(partition.get("replication_key_value"), where=where)
    if problems:
        raise ConfigValidationError(STATE_REFUSED, errors=problems)


def _progress_problems(state: dict, *, where: str) -> list[str]:
    """An interrupted run's `progress_markers`, which the SDK reads back, must be an object."""
    markers = state.get("progress_markers")
    return (
        []
        if markers is None or isinstance(markers, dict)
        else [f"{where}: `progress_markers` must be an object"]
    )


def bookmark_problems(value: object, *, where: str) -> list[str]:
    """What is wrong with one bookmark of an input state: not one the tap wrote, or in the future."""
    if value is None:
        return []
    try:
        bookmark = parse_bookmark(value, where=where)
    except ValueError as exc:
        return [str(exc)]
    if bookmark > dt.datetime.now(dt.timezone.utc) + FUTURE_BOOKMARK_TOLERANCE:
        return [
            f"State for {where}: the bookmark {bookmark.isoformat()} is in the future. It was "
            "written with a wrong clock or a future end_date, and a run from it would skip "
            "every row until then. Set it to a past time (`meltano state set`) or remove it."
        ]
    return []


if __name__ == "__main__":
    TapWolkvox.cli()
