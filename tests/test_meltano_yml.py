"""meltano.yml declares the tap as the Hub would, its settings exactly as the tap does, and
nothing phones home. It is valid under the JSON schema shipped inside Meltano itself."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from tap_wolkvox.settings import CONFIG_SCHEMA

ROOT = Path(__file__).resolve().parents[1]
PROJECT = yaml.safe_load((ROOT / "meltano.yml").read_text(encoding="utf-8"))
sys.path.insert(0, str(ROOT / "scripts"))
import check_meltano_yml  # noqa: E402
from plugin_definition import about  # noqa: E402  (`tap-wolkvox --about --format=json`)


def extractor(name: str = "tap-wolkvox") -> dict:
    return next(p for p in PROJECT["plugins"]["extractors"] if p["name"] == name)


def test_every_setting_is_declared_with_the_taps_own_description_a_label_and_its_default():
    declared = {s["name"]: s for s in extractor()["settings"]}
    properties = about()["settings"]["properties"]
    # The tap's own settings first, in its order, then the SDK's built-in ones.
    assert list(declared) == list(properties)
    assert list(declared)[: len(CONFIG_SCHEMA["properties"])] == list(CONFIG_SCHEMA["properties"])
    for name, spec in properties.items():
        assert declared[name]["description"] == spec["description"], name
        assert declared[name]["label"], name
        if "default" in spec:
            assert declared[name]["value"] == spec["default"], name
        else:
            assert "value" not in declared[name], name


def test_every_capability_the_tap_reports_is_declared():
    assert sorted(extractor()["capabilities"]) == sorted(about()["capabilities"])


def test_token_start_date_and_one_of_server_or_api_url_are_required_together():
    assert extractor()["settings_group_validation"] == [
        ["token", "server", "start_date"],
        ["token", "api_url", "start_date"],
    ]
    assert sorted(about()["settings"]["required"]) == ["start_date", "token"]


def test_the_token_is_sensitive_without_the_deprecated_password_kind():
    token = next(s for s in extractor()["settings"] if s["name"] == "token")
    assert token["sensitive"] is True
    assert token.get("kind") != "password"
    for kind in ("extractors", "loaders"):
        for plugin in PROJECT["plugins"][kind]:
            assert all(s.get("kind") != "password" for s in plugin.get("settings", [])), plugin["name"]


def test_no_decimal_kind_which_meltano_cannot_pass_from_an_env_var():
    # Meltano 4.4.1 casts a `kind: decimal` env value to Decimal and then cannot write it to JSON.
    for kind in ("extractors", "loaders"):
        for plugin in PROJECT["plugins"][kind]:
            assert all(s.get("kind") != "decimal" for s in plugin.get("settings", [])), plugin["name"]


def test_requires_meltano_and_campaign_3_is_selected():
    assert extractor()["requires_meltano"]
    assert "campaign_3.*" in extractor()["select"]
    assert extractor()["namespace"] == "tap_wolkvox"


def test_nothing_leaves_the_machine():
    assert PROJECT["send_anonymous_usage_stats"] is False
    assert PROJECT["cli"]["disable_version_check"] is True
    for kind in ("extractors", "loaders"):
        for plugin in PROJECT["plugins"][kind]:
            assert "variant" not in plugin, "a Hub variant cannot be resolved here: define plugins inline"
            assert plugin.get("pip_url") or plugin.get("inherit_from"), plugin["name"]


def test_meltano_yml_is_valid_under_meltanos_own_schema():
    schema = json.loads(check_meltano_yml.schema_path().read_text(encoding="utf-8"))
    assert check_meltano_yml.errors(PROJECT, schema) == []
    # The check does catch a mistake.
    broken = json.loads(json.dumps(PROJECT))
    broken["plugins"]["extractors"][0]["capabilities"].append("teleport")
    assert check_meltano_yml.errors(broken, schema)
    # Loaders' capabilities, which Meltano reads but its schema lacks, are checked too.
    broken = json.loads(json.dumps(PROJECT))
    next(p for p in broken["plugins"]["loaders"] if "capabilities" in p)["capabilities"].append("teleport")
    (found,) = check_meltano_yml.errors(broken, schema)
    assert found.startswith("plugins/loaders/") and "teleport" in found


def test_each_settings_kind_is_the_one_meltano_passes_intact_as_derived_from_the_taps_schema():
    # number → string (integer refuses 0.5, decimal crashes from an env var); boolean → boolean, ...
    properties = about()["settings"]["properties"]
    assert check_meltano_yml.kind_problems(extractor()["settings"], properties) == []
    assert check_meltano_yml.meltano_kind(properties["check_quota"]) == "boolean"
    assert check_meltano_yml.meltano_kind(properties["request_timeout"]) == "string"
    assert check_meltano_yml.meltano_kind(properties["campaign_ids"]) == "array"
    assert check_meltano_yml.meltano_kind(properties["campaign_calls"]) == "options"
    assert check_meltano_yml.meltano_kind(properties["start_date"]) == "date_iso8601"
    # The check does catch a wrong kind.
    wrong = [
        {"name": "check_quota", "kind": "string"},
        {"name": "min_call_interval_seconds", "kind": "integer"},
    ]
    assert len(check_meltano_yml.kind_problems(wrong, properties)) == 2


def test_no_default_environment_and_demo_settings_only_in_the_demo_environment():
    # A job run without --environment is refused by `meltano run` (tests/test_meltano_operations.py).
    assert "default_environment" not in PROJECT
    for plugin in PROJECT["plugins"]["extractors"]:
        assert not {"api_url", "token", "campaign_ids"} & set(plugin.get("config", {})), plugin["name"]
    prod = next(e for e in PROJECT["environments"] if e["name"] == "prod")
    configured = {p["name"] for p in prod["config"]["plugins"]["extractors"]}
    assert {"tap-wolkvox--sales", "tap-wolkvox--collections"} <= configured


def test_dotenv_where_meltano_config_set_writes_secrets_is_not_committed():
    ignored = subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=ROOT, check=False)
    assert ignored.returncode == 0
