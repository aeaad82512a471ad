"""Dimension lists follow the reports' key rule: a null, missing or empty key field is emitted as `(none)`."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pytest
from conftest import base_config, run_tap

from tap_wolkvox.records import NO_KEY


@dataclass
class Listed:
    """A member of an emulated list that answers with exactly `row`."""

    row: dict

    def info(self) -> dict:
        return dict(self.row)


LISTS = {
    # stream: (the emulator's attribute, key fields, a full row)
    "agents": ("agents", ("agent_id",), {"agent_id": "1001", "agent_name": "Ana Muñoz"}),
    "skills": ("skills", ("skill_id",), {"skill_id": "110", "skill_name": "Servicio"}),
    "activity_codes": (
        "activity_codes",
        ("cod_act", "type_code"),
        {"cod_act": "01", "description_cod_act": "Venta", "type_code": "cod_act1"},
    ),
    "campaigns": (
        "campaigns",
        ("campaign_id",),
        {"campaign_id": "101", "campaign_name": "Cobranza", "type_campaign": "predictive"},
    ),
}


@pytest.mark.parametrize("stream", LISTS)
def test_null_missing_or_empty_keys_become_none_and_are_counted(emulator, caplog, stream):
    caplog.set_level(logging.WARNING)
    attribute, keys, full = LISTS[stream]
    null = {**full, **dict.fromkeys(keys)}
    missing = {name: value for name, value in full.items() if name not in keys}
    empty = {**full, **dict.fromkeys(keys, "")}
    setattr(emulator, attribute, [Listed(full), Listed(null), Listed(missing), Listed(empty)])
    run = run_tap(base_config(emulator), select=(stream,))
    records = run.records_of(stream)
    assert [tuple(r[name] for name in keys) for r in records] == [
        tuple(full[name] for name in keys),
        *[(NO_KEY,) * len(keys)] * 3,
    ]
    assert f"{stream}: 2 row(s) have a null or missing key field" in caplog.text
    schema = next(m for m in run.messages if m["type"] == "SCHEMA" and m["stream"] == stream)
    assert schema["key_properties"] == list(keys)
