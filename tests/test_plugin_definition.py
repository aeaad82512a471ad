"""tap-wolkvox.yml, the definition `meltano add --from-ref` reads, is what scripts/plugin_definition.py
makes from the tap's own `--about` now, and carries what Meltano Hub lists."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import plugin_definition  # noqa: E402

DEFINITION = yaml.safe_load((ROOT / "tap-wolkvox.yml").read_text(encoding="utf-8"))


def test_the_committed_definition_is_the_generated_one():
    check = subprocess.run(
        [sys.executable, str(ROOT / "scripts/plugin_definition.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stderr


def test_every_setting_of_the_tap_is_declared_with_a_kind_a_label_and_its_description():
    about = plugin_definition.about()
    properties = about["settings"]["properties"]
    assert [s["name"] for s in DEFINITION["settings"]] == list(properties)
    kinds = {"string", "integer", "boolean", "date_iso8601", "options", "array", "object"}
    for declared in DEFINITION["settings"]:
        spec = properties[declared["name"]]
        assert declared["kind"] in kinds
        assert declared["label"] and declared["description"] == spec["description"]
        assert declared.get("value") == spec.get("default")
        assert declared.get("sensitive", False) == bool(spec.get("secret"))
    assert next(s for s in DEFINITION["settings"] if s["name"] == "start_date")["kind"] == "date_iso8601"
    assert sorted(DEFINITION["capabilities"]) == sorted(about["capabilities"])
    for group in DEFINITION["settings_group_validation"]:
        assert set(group) <= set(properties)
        assert set(about["settings"]["required"]) <= set(group)


def test_it_installs_the_released_package_and_has_the_hubs_metadata():
    assert DEFINITION["pip_url"] == "tap-wolkvox"
    assert DEFINITION["namespace"] == "tap_wolkvox" and DEFINITION["executable"] == "tap-wolkvox"
    for key in ("label", "description", "docs", "repo", "keywords", "variant", "maintenance_status"):
        assert DEFINITION[key], key
    header = (ROOT / "tap-wolkvox.yml").read_text(encoding="utf-8").split("\nname:")[0]
    assert "pip_url: git+https://github.com/tap-wolkvox/tap-wolkvox.git@v" in header
