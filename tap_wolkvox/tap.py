"""TapWolkvox: settings and the stream list."""

from __future__ import annotations

import typing as t

from singer_sdk import Tap
from singer_sdk.contrib.msgspec import MsgSpecWriter
from singer_sdk.exceptions import ConfigValidationError

from tap_wolkvox.client import parse_bookmark
from tap_wolkvox.settings import CONFIG_SCHEMA, parse_settings
from tap_wolkvox.streams import Campaign3Stream

STREAM_TYPES = (Campaign3Stream,)


class TapWolkvox(Tap):
    """Singer tap for Wolkvox contact-center reports."""

    name = "tap-wolkvox"
    config_jsonschema = CONFIG_SCHEMA
    message_writer_class = MsgSpecWriter

    def __init__(self, *args: t.Any, validate_config: bool = True, **kwargs: t.Any) -> None:
        super().__init__(*args, validate_config=validate_config, **kwargs)
        if validate_config:
            # Semantic checks and the input state, before any call is made.
            parse_settings(dict(self.config))
            check_state(dict(self.state))

    def discover_streams(self) -> list[Campaign3Stream]:
        return [stream_type(tap=self) for stream_type in STREAM_TYPES]


def check_state(state: dict) -> None:
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
        for partition in stream_state.get("partitions", []):
            context = partition.get("context") if isinstance(partition, dict) else None
            campaign = (context or {}).get("campaign_id") if isinstance(context, dict) else None
            if not isinstance(campaign, str) or not campaign.isdigit():
                problems.append(
                    f"bookmarks.{stream_name}: partition {str(partition)[:80]} has no digit campaign_id"
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
