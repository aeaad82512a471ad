"""The streams: small declarations on top of `WolkvoxStream` / `WolkvoxReportStream`."""

from __future__ import annotations

import logging
import typing as t

from singer_sdk import typing as th

from tap_wolkvox.client import INFORMATION_PATH, WolkvoxStream
from tap_wolkvox.errors import WolkvoxAPIError
from tap_wolkvox.report import WolkvoxReportStream
from tap_wolkvox.usage import CallBudgetReached, near_limit

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context, Record

OPT_FIELDS = [f"opt{n}" for n in range(1, 13)]


def _text(name: str, description: str) -> th.Property:
    return th.Property(name, th.StringType, description=description)


class CampaignsStream(WolkvoxStream):
    """`information.php?api=campaigns`: the operation's campaigns, read whole every run.

    It is also the parent of `campaign_3`: each campaign to extract becomes one
    `campaign_3` partition (context `{"campaign_id": ...}`) with its own bookmark.
    """

    name = "campaigns"
    path = INFORMATION_PATH
    primary_keys = ("campaign_id",)
    schema = th.PropertiesList(
        _text("campaign_id", "Campaign identification number."),
        _text("campaign_name", "Campaign name."),
        _text("campaign_description", "Campaign description."),
        _text("type_campaign", "`predictive` or `preview`; campaign_3 reports predictive campaigns."),
        _text("status", "`Started` or `Stopped`."),
        _text("records", "Records (phone numbers) in the campaign's database."),
        _text("speed", "Dialling speed."),
        _text("dial_mode", "Dial mode."),
        _text("last_use", "When the campaign was last used (naive, operation time zone)."),
        _text("recycled", "Recycled records."),
        _text("turbo_dial", "Turbo dial setting."),
        _text("skill_id", "Skill the campaign belongs to."),
    ).to_dict()

    def get_records(self, context: Context | None) -> t.Iterable[Record]:
        settings = self.settings
        if settings.check_quota:
            self.warn_if_quota_is_nearly_used()
        if settings.campaign_ids and not self.selected:
            # Only campaign_3 needs this stream, and its campaigns are configured: no call.
            yield from ({"campaign_id": campaign_id} for campaign_id in settings.campaign_ids)
            return
        try:
            rows = self.fetch_information("campaigns")
        except CallBudgetReached:
            self.log("max_calls_per_run reached before the campaign list", level=logging.WARNING)
            return
        for row in rows:  # ids go into STATE and URLs: " 101" from the API is 101
            if isinstance(row.get("campaign_id"), str):
                row["campaign_id"] = row["campaign_id"].strip()
        self.add_new_properties({key for row in rows for key in row})
        listed = {row.get("campaign_id") for row in rows}
        if missing := [c for c in settings.campaign_ids if c not in listed]:
            self.log(
                "Configured campaigns not in the operation's campaign list, not extracted this run "
                "(their bookmarks are kept): %s",
                missing,
                level=logging.WARNING,
            )
        if self.selected:
            self.usage.rows += len(rows)
        yield from rows

    def generate_child_contexts(self, record: Record, context: Context | None) -> t.Iterable[Context | None]:
        if not self.is_extracted(record):
            return
        campaign_id = record.get("campaign_id")
        if isinstance(campaign_id, str) and campaign_id.isdigit():
            yield {"campaign_id": campaign_id}
        else:
            self.log("A campaign of the list has no digit campaign_id: skipped", level=logging.WARNING)

    def is_extracted(self, campaign: Record) -> bool:
        """Whether campaign_3 is read for this campaign."""
        settings = self.settings
        if settings.campaign_ids:
            return campaign.get("campaign_id") in settings.campaign_ids
        if campaign.get("type_campaign") != "predictive":
            return False
        return settings.include_stopped_campaigns or campaign.get("status") != "Stopped"

    def warn_if_quota_is_nearly_used(self) -> None:
        """`check_quota`: one `token_info` call; a warning when today's use is near the limit."""
        try:
            rows = self.fetch_information("token_info")
        except (WolkvoxAPIError, CallBudgetReached) as exc:
            self.log("Could not read token_info: %s", exc, level=logging.WARNING)
            return
        info = rows[0] if rows else {}
        if warning := near_limit(info):
            self.log("%s", warning, level=logging.WARNING)
        else:
            self.log(
                "Daily call quota: %s of %s used today", info.get("all_token_today"), info.get("token_limit")
            )


def date_time(name: str, description: str) -> tuple[th.Property, th.Property]:
    """A report's date-time field, in UTC, and `<name>_local`, its text as the API sent it."""
    return (
        th.Property(
            name,
            th.DateTimeType,
            description=f"{description} In UTC (RFC 3339), from the operation's naive local time; "
            "null if the API sent a value that cannot be parsed.",
        ),
        _text(f"{name}_local", f"{description} Exactly as the API sent it (naive, operation time zone)."),
    )


class Campaign3Stream(WolkvoxReportStream):
    """`campaign_3`: the phone-by-phone result of predictive outbound campaigns.

    Primary key: the same attempt re-read (lookback, retry, resume) has the same
    campaign, call id, phone and second, so it upserts onto itself; two different
    attempts never share all four. `date_local` is in the key rather than `date`
    because it is never null, even when the API sends a date that cannot be parsed.
    """

    name = "campaign_3"
    api = "campaign_3"
    partition_param = "campaign_id"
    primary_keys = ("campaign_id", "conn_id", "telephone", "date_local")

    schema = th.PropertiesList(
        _text("campaign_id", "Campaign identification number."),
        _text("customer_name", "Customer's first name."),
        _text("customer_last_name", "Customer's last name."),
        _text("id_type", "Type of identification."),
        _text("customer_id", "Customer's identification number."),
        *date_time("date", "When the number was dialled."),
        _text("telephone", "Telephone number the call was placed to."),
        _text("result", "Result of the interaction, e.g. ANSWER, NO-ANSWER, BUSY (as sent)."),
        *(_text(opt, "Field of the campaign database (customer contact information).") for opt in OPT_FIELDS),
        _text("conn_id", "Call identification number."),
    ).to_dict()


class Cdr1Stream(WolkvoxReportStream):
    """`cdr_1`: call detail, one row per call leg, every call of the operation.

    Primary key: call id, agent and second. A re-read row has all three; a call
    transferred to another agent is another row. Two rows share the key only if one call
    reaches the same agent twice within one second: the target keeps the later row.
    """

    name = "cdr_1"
    api = "cdr_1"
    primary_keys = ("conn_id", "agent_id", "date_local")
    schema = th.PropertiesList(
        *date_time("date", "When the call started."),
        _text("conn_id", "Call identification number."),
        _text("agent_id", "Agent id."),
        _text("agent_name", "Agent name."),
        _text("destiny", "Call destination."),
        _text("telephone", "Telephone number."),
        _text("cost", "Price of the call."),
        _text("time_seg", "Duration in seconds."),
        _text("time_min", "Duration in minutes."),
        _text("cod_act", "Activity code 1; `TIMEOUTACW` when the agent missed the coding deadline."),
        _text("description_cod_act", "Description of activity code 1."),
        _text("cod_act_2", "Activity code 2; may be `TIMEOUTACW`."),
        _text("description_cod_act_2", "Description of activity code 2."),
        _text("type_interaction", "Call type."),
        _text("customer_id", "Customer id."),
        _text("hang_up", "Who ended the call."),
        _text("campaign_id", "Campaign."),
        _text("skill_id", "Skill id."),
        _text("skill_name", "Skill name."),
        _text("comment", "Agent comment."),
    ).to_dict()
