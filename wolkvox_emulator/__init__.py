"""A local emulator of the Wolkvox API v2.

`reports_manager.php`: `campaign_3`, `campaign_5`, `campaign_7`, `cdr_1`, `cdr_5`, `agent_7`,
`agent_14`, `chat_1`, `skill_2`, `skill_10`, `diagram_1`, `quality_2`: one declaration each in
`reports.REPORTS` (fields and their kinds of value, `kinds.py`; where rows come from, `sources.py`).
`information.php`: `campaigns`, `agents`, `skills`, `activity_codes` (`operation.py`), `token_info`.
The HTTP server, quota, faults and clock: `server.py`.
"""

from wolkvox_emulator.data import Campaign, default_campaigns
from wolkvox_emulator.reports import REPORTS, ActivityCode, Agent, Report, Skill
from wolkvox_emulator.server import Call, Emulator, Fault

__all__ = [
    "REPORTS",
    "ActivityCode",
    "Agent",
    "Call",
    "Campaign",
    "Emulator",
    "Fault",
    "Report",
    "Skill",
    "default_campaigns",
]
