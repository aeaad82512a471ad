"""A local emulator of the Wolkvox API v2 (`campaign_3`, `campaigns`, `token_info`)."""

from wolkvox_emulator.data import Campaign, default_campaigns
from wolkvox_emulator.server import Call, Emulator, Fault

__all__ = ["Call", "Campaign", "Emulator", "Fault", "default_campaigns"]
