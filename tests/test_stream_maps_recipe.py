"""The docs' stream-maps recipe for typing measures that arrive as text, run through the tap.

RECIPE is the `stream_maps` value the production notes give, read from docs/operations.md: it casts
`skill_2.abandon_time` (seconds, as text) to an integer in place and adds
`agent_14.time_seconds` from `time` (HH:MM:SS), keeping every other property.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from conftest import base_config, run_tap


def docs_recipe() -> dict:
    """The `stream_maps` of the yaml block under "Measures arrive as text" in docs/operations.md."""
    docs = (Path(__file__).resolve().parents[1] / "docs" / "operations.md").read_text(encoding="utf-8")
    section = docs[docs.index("### Measures arrive as text") :]
    block = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)
    return yaml.safe_load(block)["plugins"]["extractors"][0]["config"]["stream_maps"]


RECIPE = docs_recipe()
STREAMS = ["skill_2", "agent_14"]


def schemas(run) -> dict[str, dict]:
    return {m["stream"]: m["schema"]["properties"] for m in run.messages if m["type"] == "SCHEMA"}


def test_the_recipe_types_the_measures_and_keeps_every_other_property(emulator):
    config = base_config(emulator, campaign_calls="all", start_date="2026-02-20T00:00:00")
    plain = run_tap(config, select=STREAMS)
    typed = run_tap({**config, "stream_maps": RECIPE}, select=STREAMS)

    assert schemas(typed)["skill_2"]["abandon_time"]["type"] == ["integer", "null"]
    assert schemas(typed)["agent_14"]["time_seconds"]["type"] == ["integer", "null"]
    assert set(schemas(typed)["skill_2"]) == set(schemas(plain)["skill_2"])
    assert set(schemas(typed)["agent_14"]) == set(schemas(plain)["agent_14"]) | {"time_seconds"}

    for stream in STREAMS:
        assert len(typed.records_of(stream)) == len(plain.records_of(stream)) > 0, stream
    for before, after in zip(plain.records_of("skill_2"), typed.records_of("skill_2"), strict=True):
        assert after == {**before, "abandon_time": int(before["abandon_time"])}
    for before, after in zip(plain.records_of("agent_14"), typed.records_of("agent_14"), strict=True):
        hours, minutes, seconds = (int(part) for part in before["time"].split(":"))
        assert after == {**before, "time_seconds": hours * 3600 + minutes * 60 + seconds}
