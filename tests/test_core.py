"""The Singer SDK's standard tap tests, against a local emulator."""

from __future__ import annotations

import datetime as dt

from singer_sdk.testing import SuiteConfig, get_tap_test_class

from tap_wolkvox.tap import TapWolkvox
from wolkvox_emulator import Emulator

# Started at import: the SDK builds its test class from a config dict.
EMULATOR = Emulator(now=dt.datetime(2026, 3, 1, 12), tokens=("core-suite-token",))
EMULATOR.start()

SAMPLE_CONFIG = {
    "token": "core-suite-token",
    "api_url": EMULATOR.url,
    "start_date": "2026-02-01T00:00:00",
    "end_date": "2026-02-28T23:59:59",
}

TestTapWolkvox = get_tap_test_class(
    tap_class=TapWolkvox,
    config=SAMPLE_CONFIG,
    parse_env_config=False,
    suite_config=SuiteConfig(max_records_limit=500),
)
