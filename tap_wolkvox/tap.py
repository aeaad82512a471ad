"""TapWolkvox: settings and the stream list."""

from __future__ import annotations

import copy
import json
import typing as t
from functools import cached_property
from pathlib import Path

import click
from singer_sdk import Tap
from singer_sdk.exceptions import ConfigValidationError

from tap_wolkvox.output import StateFlushingWriter
from tap_wolkvox.report import parse_bookmark
from tap_wolkvox.settings import CONFIG_SCHEMA, Settings, parse_settings
from tap_wolkvox.streams import Campaign3Stream, CampaignsStream
from tap_wolkvox.usage import ApiUsage

STREAM_TYPES = (CampaignsStream, Campaign3Stream)


class TapWolkvox(Tap):
    """Singer tap for Wolkvox contact-center reports."""

    name = "tap-wolkvox"
    config_jsonschema = copy.deepcopy(CONFIG_SCHEMA)  # the SDK appends its own settings to it
    message_writer_class = StateFlushingWriter

    def __init__(
        self,
        *args: t.Any,
        state: dict | str | Path | None = None,
        validate_config: bool = True,
        **kwargs: t.Any,
    ) -> None:
        if validate_config and state is not None:
            # Before the SDK reads it: a malformed state would fail there without a hint.
            check_state(state if isinstance(state, dict) else json.loads(Path(state).read_text("utf-8")))
        super().__init__(*args, state=state, validate_config=validate_config, **kwargs)
        if validate_config:
            _ = self.settings  # checks JSON schema cannot express, before any call

    def discover_streams(self) -> list[CampaignsStream | Campaign3Stream]:
        return [stream_type(tap=self) for stream_type in STREAM_TYPES]

    @cached_property
    def settings(self) -> Settings:
        """The validated settings, shared by every stream."""
        return parse_settings(dict(self.config))

    @cached_property
    def usage(self) -> ApiUsage:
        """Calls and rows of this run, with the `max_calls_per_run` budget."""
        return ApiUsage(max_calls=self.settings.max_calls_per_run)

    def check_token(self) -> None:
        """`--check`: verify the token with one cheap call (the campaign list), not a sync.

        Also says which configured campaigns the operation does not have, or that are
        not predictive (campaign_3 reports only predictive campaigns). The SDK's
        `--test` instead syncs one record, which costs a full window's call.
        """
        stream = self.streams[CampaignsStream.name]
        assert isinstance(stream, CampaignsStream)
        campaigns = {row.get("campaign_id"): row for row in stream.fetch_information("campaigns")}
        self.logger.info("Token accepted: the operation has %d campaigns", len(campaigns))
        configured = stream.settings.campaign_ids
        if missing := [c for c in configured if c not in campaigns]:
            self.logger.warning("Campaigns not found in the operation: %s", missing)
        if other := [
            c for c in configured if c in campaigns and campaigns[c].get("type_campaign") != "predictive"
        ]:
            self.logger.warning(
                "Campaigns that are not predictive (campaign_3 has no rows for them): %s", other
            )

    @classmethod
    def cb_check(cls, ctx: click.Context, param: click.Option, value: bool) -> None:
        """CLI callback for `--check` (give `--config` first)."""
        if not value:
            return
        config = ctx.params.get("config")
        tap = cls(
            config=config.config if config else None,
            parse_env_config=config.parse_env if config else False,
        )
        tap.check_token()
        ctx.exit()

    @classmethod
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


def check_state(state: object) -> None:
    """Refuse a state that is not what this tap writes, saying what is wrong."""
    problems: list[str] = []
    bookmarks = state.get("bookmarks", {}) if isinstance(state, dict) else None
    if not isinstance(bookmarks, dict):
        problems.append("`bookmarks` must be an object of streams")
        bookmarks = {}
    known = {stream_type.name for stream_type in STREAM_TYPES}
    for stream_name, stream_state in bookmarks.items():
        if stream_name not in known:
            continue  # another tap's or a removed stream's state is not ours to judge
        if not isinstance(stream_state, dict):
            problems.append(f"bookmarks.{stream_name} must be an object")
            continue
        partitions = stream_state.get("partitions", [])
        if not isinstance(partitions, list):
            problems.append(f"bookmarks.{stream_name}.partitions must be a list")
            partitions = []
        for partition in partitions:
            context = partition.get("context") if isinstance(partition, dict) else None
            campaign = (context or {}).get("campaign_id") if isinstance(context, dict) else None
            if not isinstance(campaign, str) or not campaign.isdigit():
                problems.append(
                    f"bookmarks.{stream_name}: a partition has no digit campaign_id in its context"
                )
                continue
            value = partition.get("replication_key_value")
            if value is not None:
                try:
                    parse_bookmark(value, where=f"{stream_name} campaign {campaign}")
                except ValueError as exc:
                    problems.append(str(exc))
    if problems:
        raise ConfigValidationError(
            "The state file is not one tap-wolkvox wrote; fix it or run without it", errors=problems
        )


if __name__ == "__main__":
    TapWolkvox.cli()
