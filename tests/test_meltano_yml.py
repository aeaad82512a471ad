"""meltano.yml declares the tap's settings exactly as the tap does, and nothing phones home."""

from __future__ import annotations

from pathlib import Path

import yaml

from tap_wolkvox.settings import CONFIG_SCHEMA

PROJECT = yaml.safe_load((Path(__file__).resolve().parents[1] / "meltano.yml").read_text(encoding="utf-8"))


def extractor() -> dict:
    return next(p for p in PROJECT["plugins"]["extractors"] if p["name"] == "tap-wolkvox")


def test_every_setting_is_declared_with_the_taps_own_description_and_a_label():
    declared = {s["name"]: s for s in extractor()["settings"]}
    assert list(declared) == list(CONFIG_SCHEMA["properties"])
    for name, spec in CONFIG_SCHEMA["properties"].items():
        assert declared[name]["description"] == spec["description"]
        assert declared[name]["label"]


def test_the_token_is_sensitive_and_campaign_3_is_selected():
    token = next(s for s in extractor()["settings"] if s["name"] == "token")
    assert token["sensitive"] is True
    assert "campaign_3.*" in extractor()["select"]
    assert extractor()["namespace"] == "tap_wolkvox"


def test_nothing_leaves_the_machine():
    assert PROJECT["send_anonymous_usage_stats"] is False
    assert PROJECT["cli"]["disable_version_check"] is True
    for kind in ("extractors", "loaders"):
        for plugin in PROJECT["plugins"][kind]:
            assert "variant" not in plugin, "a Hub variant cannot be resolved here: define plugins inline"
            assert plugin["pip_url"]
