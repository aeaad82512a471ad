"""The streams: short declarations on `InformationStream` (dimension lists) and `WolkvoxReportStream`."""

from __future__ import annotations

import datetime as dt
import logging
import typing as t

from singer_sdk import typing as th
from typing_extensions import override

from tap_wolkvox.client import INFORMATION_PATH, WolkvoxStream
from tap_wolkvox.records import fill_keys
from tap_wolkvox.report import WolkvoxReportStream
from tap_wolkvox.usage import CallBudgetReached

if t.TYPE_CHECKING:
    from singer_sdk.helpers.types import Context, Record

OPT_FIELDS = [f"opt{n}" for n in range(1, 13)]


def _text(name: str, description: str) -> th.Property:
    return th.Property(name, th.StringType, description=description)


def _texts(*names_and_descriptions: tuple[str, str]) -> list[th.Property]:
    return [_text(name, description) for name, description in names_and_descriptions]


# -- dimension lists (information.php), full table ----------------------------------------


class InformationStream(WolkvoxStream):
    """`information.php?api=...`: a list read whole, one call per run when selected.

    Key fields follow the reports' rule (`records.NO_KEY`): never null or empty, which
    every target refuses in a key.
    """

    info_api: t.ClassVar[str]
    members_of: t.ClassVar[str | None] = None
    """The partition parameter (`campaign_id`, `skill_id`) whose values this list's rows are."""
    type_field: t.ClassVar[str | None] = None
    """The field of a row that says its member's type (`type_campaign`), if any."""
    path = INFORMATION_PATH

    @override
    def get_records(self, context: Context | None) -> t.Iterable[Record]:
        try:
            rows = self.fetch_information(self.info_api)
        except CallBudgetReached:
            self.log("max_calls_per_run reached before %s", self.info_api, level=logging.WARNING)
            return
        self.add_new_properties({key for row in rows for key in row})
        if null_keys := sum(fill_keys(self.tidy(row), self.primary_keys) for row in rows):
            self.log(
                "%s: %d row(s) have a null or missing key field (%s): emitted with `(none)` in it",
                self.info_api,
                null_keys,
                ", ".join(self.primary_keys),
                level=logging.WARNING,
            )
        if self.selected:
            self.usage.rows += len(rows)
        yield from rows

    def tidy(self, row: Record) -> Record:
        """A row as read, before the key rule; subclasses clean their fields here."""
        return row


class AgentsStream(InformationStream):
    """`agents`: the operation's agents. Key: `agent_id` (the extension)."""

    name = "agents"
    info_api = "agents"
    primary_keys = ("agent_id",)
    schema = th.PropertiesList(
        *_texts(
            ("agent_id", "Agent id: the agent's extension."),
            ("agent_name", "Agent name."),
            ("agent_dni", "Agent's identification number."),
            ("agent_status", "Agent status when the list was read."),
            ("last_use", "Last connection (naive, operation time zone)."),
            ("agent_sso", "Single sign-on network user."),
            ("enabled", "`yes` or `no`."),
        )
    ).to_dict()


class SkillsStream(InformationStream):
    """`skills`: the operation's skills (queues). Key: `skill_id`."""

    name = "skills"
    info_api = "skills"
    members_of = "skill_id"
    primary_keys = ("skill_id",)
    schema = th.PropertiesList(
        *_texts(
            ("skill_id", "Skill id."),
            ("skill_name", "Skill name."),
            ("skill_description", "Skill description."),
            ("last_use", "When the skill was last used (naive, operation time zone)."),
        )
    ).to_dict()


class ActivityCodesStream(InformationStream):
    """`activity_codes`. Key: `cod_act` and `type_code`: codes 1 and 2 are separate code spaces."""

    name = "activity_codes"
    info_api = "activity_codes"
    primary_keys = ("cod_act", "type_code")
    schema = th.PropertiesList(
        *_texts(
            ("cod_act", "Activity code (the doc's table calls it `code_act`)."),
            ("description_cod_act", "Its description."),
            ("hit", "`yes` or `no`."),
            ("rpc", "Right party contact: `yes` or `no`."),
            ("chat", "Used in chats: `yes` or `no`."),
            ("studio", "Used in Studio: `yes` or `no`."),
            ("voice", "Used in calls: `yes` or `no`."),
            ("interactions", "Used in interactions: `yes` or `no`."),
            ("type_code", "`cod_act1` or `cod_act2`."),
        )
    ).to_dict()


class CampaignsStream(InformationStream):
    """`campaigns`: the operation's campaigns. Key: `campaign_id`.

    Under `campaign_calls: each` it is also the parent of the campaign reports: each
    campaign to extract becomes one partition (context `{"campaign_id": ...}`) of each.
    """

    name = "campaigns"
    info_api = "campaigns"
    members_of = "campaign_id"
    type_field = "type_campaign"
    primary_keys = ("campaign_id",)
    schema = th.PropertiesList(
        *_texts(
            ("campaign_id", "Campaign identification number."),
            ("campaign_name", "Campaign name."),
            ("campaign_description", "Campaign description."),
            ("type_campaign", "`predictive` or `preview`."),
            ("status", "`Started` or `Stopped`."),
            ("records", "Records (phone numbers) in the campaign's database."),
            ("speed", "Dialling speed."),
            ("dial_mode", "Dial mode."),
            ("last_use", "When the campaign was last used (naive, operation time zone)."),
            ("recycled", "Recycled records."),
            ("turbo_dial", "Turbo dial setting."),
            ("skill_id", "Skill the campaign belongs to."),
        )
    ).to_dict()

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self.listed: dict[str, Record] = {}
        """The campaign list as read this run, by id (empty when it was not read)."""
        self.types_asked = False

    @override
    def get_records(self, context: Context | None) -> t.Iterable[Record]:
        settings = self.settings
        if settings.campaign_ids and not self.selected and not self.types_needed:
            # Only the campaign reports need this stream, and the campaigns are listed: no call.
            yield from ({"campaign_id": campaign_id} for campaign_id in settings.campaign_ids)
            return
        for row in super().get_records(context):
            self.listed[str(row["campaign_id"])] = row
            yield row
        if missing := [c for c in settings.campaign_ids if c not in self.listed]:
            self.log(
                "Configured campaigns not in the operation's campaign list, not extracted this run "
                "(their bookmarks are kept): %s",
                missing,
                level=logging.WARNING,
            )

    @property
    def types_needed(self) -> bool:
        """Whether the selected campaign reports are of more than one campaign type.

        Then the list is read for the types, so that each report is called only for
        campaigns of its own: one call a run instead of one per campaign of the other
        type per window, each answered 404. With reports of one type, the listed
        campaigns are taken to be of it, at no call.
        """
        kinds = {getattr(child, "campaign_type", None) for child in self.child_streams if child.selected}
        return len(kinds - {None}) > 1

    def learn_types(self) -> dict[str, Record]:
        """The campaign list by id: as read this run, else read now, once (for the types)."""
        if not self.listed and not self.types_asked:
            self.types_asked = True
            try:
                rows = self.fetch_information(self.info_api)
            except CallBudgetReached:
                return self.listed
            for row in rows:
                self.listed[str(self.tidy(row).get("campaign_id"))] = row
        return self.listed

    @override
    def tidy(self, row: Record) -> Record:
        if isinstance(row.get("campaign_id"), str):  # ids go into STATE and URLs: " 101" is 101
            row["campaign_id"] = row["campaign_id"].strip()
        return row

    @override
    def generate_child_contexts(self, record: Record, context: Context | None) -> t.Iterable[Context | None]:
        if not self.is_extracted(record):
            return
        campaign_id = record.get("campaign_id")
        if isinstance(campaign_id, str) and campaign_id.isdigit():
            yield {"campaign_id": campaign_id}
        else:
            self.log("A campaign of the list has no digit campaign_id: skipped", level=logging.WARNING)

    def is_extracted(self, campaign: Record) -> bool:
        """Whether a child report reads this campaign (each child also checks its campaign type)."""
        settings = self.settings
        if settings.campaign_ids:
            return campaign.get("campaign_id") in settings.campaign_ids
        return settings.include_stopped_campaigns or campaign.get("status") != "Stopped"


# -- reports (reports_manager.php), incremental -------------------------------------------


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
    campaign_type = "predictive"
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
    A call is reported once it has ended, as `agent_14` reports its TALK state: the same
    lookback of at least 2 hours.
    """

    name = "cdr_1"
    api = "cdr_1"
    min_lookback = dt.timedelta(hours=2)
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


class Agent14Stream(WolkvoxReportStream):
    """`agent_14`: agent state intervals (ready, talk, ACW, aux...), every agent.

    A state is reported once it is over, so a long state appears up to its length after
    it began: the lookback is at least 2 hours. Key: agent, state and start second; one
    agent's states never start in the same second.
    """

    name = "agent_14"
    api = "agent_14"
    filter_field = "date_ini"
    date_fields = ("date_ini", "date_end")
    min_lookback = dt.timedelta(hours=2)
    primary_keys = ("agent_id", "agent_status", "date_ini_local")
    schema = th.PropertiesList(
        *date_time("date_ini", "When the state began."),
        *date_time("date_end", "When the state ended."),
        *_texts(
            ("agent_id", "Agent id."),
            ("agent_status", "The state, e.g. ready, talk, acw, or an aux reason."),
            ("time", "Its length, HH:MM:SS."),
            ("conn_id", "Call id, for states of a call."),
            ("type_interaction", "Interaction type."),
            ("destinity", "Destination (the API's spelling)."),
            ("telephone", "Telephone number."),
            ("campaign_id", "Campaign."),
            ("agent_dni", "Agent's identification number."),
            ("agent_name", "Agent name."),
        ),
    ).to_dict()


class Chat1Stream(WolkvoxReportStream):
    """`chat_1`: chats, selected by the API by their close time (`date_close`).

    Uncoded chats close about 23 hours after they start, so the stream re-reads at
    least a day. Key: `conn_id`, one chat.
    """

    name = "chat_1"
    api = "chat_1"
    filter_field = "date_close"
    date_fields = ("date", "date_close")
    min_lookback = dt.timedelta(days=1)
    primary_keys = ("conn_id",)
    schema = th.PropertiesList(
        *date_time("date_close", "When the chat closed: what the API selects chats by."),
        *date_time("date", "When the chat started."),
        *_texts(
            ("conn_id", "Chat id."),
            ("channel", "Channel (web, WhatsApp, ...)."),
            ("customer_name", "Customer's name."),
            ("customer_email", "Customer's e-mail."),
            ("customer_phone", "Customer's phone."),
            ("customer_chars", "Characters the customer wrote."),
            ("agent_id", "Agent id."),
            ("agent_name", "Agent name."),
            ("agent_chars", "Characters the agent wrote."),
            ("time_on_agent", "Time with the agent."),
            ("chat_duration", "Duration in seconds."),
            ("cod_act", "Activity code."),
            ("description_cod_act", "Its description."),
            ("comments", "Comments."),
            ("customer_id", "Customer id."),
            ("skill_id", "Skill id."),
            ("asa", "Average speed of answer (the API's `ASA`)."),
            ("last_participant_who_spoke", "Who spoke last."),
            ("extra_field", "Extra field."),
            ("comment", "Agent comment."),
            ("user_id", "User id."),
            ("feeling", "Sentiment."),
            (
                "agent_anwers",
                "Agent answers (the API's `agent_anwers `, with its typo and a trailing blank).",
            ),
            ("agent_average_response_time", "Agent's average response time."),
            ("transfer", "Transfer."),
        ),
    ).to_dict()


class Skill10Stream(WolkvoxReportStream):
    """`skill_10`: answered inbound calls, every skill (`skill_id=all`).

    A call is reported once answered, a few minutes after it entered the queue: the
    lookback is at least 30 minutes. Key: skill, call id and second; a call that enters
    the same skill again later is another row.
    """

    name = "skill_10"
    api = "skill_10"
    partition_param = "skill_id"
    min_lookback = dt.timedelta(minutes=30)
    primary_keys = ("skill_id", "conn_id", "date_local")
    schema = th.PropertiesList(
        *date_time("date", "When the call entered the queue."),
        *_texts(
            ("conn_id", "Call id."),
            ("skill_id", "Skill id."),
            ("skill_name", "Skill name."),
            ("result", "`answered`."),
            ("ani", "Caller's number."),
            ("answer_time", "Seconds until answered."),
            ("agent_id", "Agent id."),
            ("type_interaction", "Interaction type."),
        ),
    ).to_dict()


class Skill2Stream(WolkvoxReportStream):
    """`skill_2`: abandoned inbound calls, every skill (`skill_id=all`). Key and lookback as `skill_10`."""

    name = "skill_2"
    api = "skill_2"
    partition_param = "skill_id"
    min_lookback = dt.timedelta(minutes=30)
    primary_keys = ("skill_id", "conn_id", "date_local")
    schema = th.PropertiesList(
        *date_time("date", "When the call entered the queue."),
        *_texts(
            ("skill_name", "Skill name."),
            ("skill_id", "Skill id."),
            ("conn_id", "Call id."),
            ("result", "`abandoned`."),
            ("ani", "Caller's number."),
            ("abandon_time", "Seconds until the caller hung up."),
            ("type_interaction", "Interaction type."),
            ("customer_id", "Customer id."),
        ),
    ).to_dict()


class Diagram1Stream(WolkvoxReportStream):
    """`diagram_1`: IVR call detail, one row per step of a call in a routing point.

    Key: call id, routing point, menu option and second; a caller pressing the same
    option of the same routing point twice in one second would collide.
    """

    name = "diagram_1"
    api = "diagram_1"
    primary_keys = ("conn_id", "rp_id", "cod_opc_menu", "date_local")
    schema = th.PropertiesList(
        *date_time("date", "When the step ended."),
        *_texts(
            ("rp_id", "Routing point id."),
            ("rp_name", "Routing point name."),
            ("cod_opc_menu", "Menu option (`PULSE` possible)."),
            ("dn_transfer", "Where the call was transferred."),
            ("result", "`ok` or `hung up`."),
            ("ani", "Caller's number."),
            ("time", "Seconds in the step."),
            ("customer_id", "Customer id."),
            ("conn_id", "Call id."),
        ),
    ).to_dict()


class Campaign5Stream(WolkvoxReportStream):
    """`campaign_5`: preview campaign detail: `preview`, `call` and `TOTAL` rows, all kept.

    Key: row type, campaign, customer, call id and second; TOTAL rows have no call id,
    and move when a later call of the record happens, so the stream re-reads a day.
    """

    name = "campaign_5"
    api = "campaign_5"
    partition_param = "campaign_id"
    campaign_type = "preview"
    min_lookback = dt.timedelta(days=1)
    primary_keys = ("type_of_row", "campaign_id", "customer_id", "conn_id", "date_local")
    schema = th.PropertiesList(
        *date_time("date", "When the row's call (or the record's last call) happened."),
        *_texts(
            ("type_of_row", "`preview`, `call` or `TOTAL`."),
            ("campaign_id", "Campaign."),
            ("customer_name", "Customer's first name."),
            ("customer_last_name", "Customer's last name."),
            ("result", "Result."),
            ("last_code_act", "Last activity code."),
            ("comments_customer_reg", "Comments on the customer record."),
            ("customer_id", "Customer id."),
            ("agent_id", "Agent id."),
            ("conn_id", "Call id (empty on TOTAL rows)."),
            ("telephone", "Telephone number."),
            ("hang_up", "Who ended the call."),
            ("type_interaction", "Interaction type."),
            ("call_result", "Call result."),
            ("time", "Seconds (on TOTAL rows, the sum of the record's calls)."),
            ("cod_act", "Activity code."),
            ("comments", "Comments."),
        ),
    ).to_dict()


class Campaign7Stream(WolkvoxReportStream):
    """`campaign_7`: answering-machine detection per dial of predictive campaigns.

    The API gives no id. Key: campaign, customer, phone and second; two dials of the same
    number of the same customer in one second would collide.
    """

    name = "campaign_7"
    api = "campaign_7"
    partition_param = "campaign_id"
    campaign_type = "predictive"
    primary_keys = ("campaign_id", "customer_id", "telephone", "date_local")
    schema = th.PropertiesList(
        *date_time("date", "When the number was dialled."),
        *_texts(
            ("customer_id", "Customer id."),
            ("campaign_id", "Campaign."),
            ("file_name", "Recording file."),
            ("telephone", "Telephone number."),
            ("result", "`machine` or `human`."),
        ),
    ).to_dict()


class Agent7Stream(WolkvoxReportStream):
    """`agent_7`: agent sessions, login to logout, selected by `login`.

    While a session is open its `logout` and `login_time` are provisional, and sessions
    last up to a shift: the stream re-reads a day. Key: agent and login second.
    """

    name = "agent_7"
    api = "agent_7"
    filter_field = "login"
    date_fields = ("login", "logout")
    min_lookback = dt.timedelta(days=1)
    primary_keys = ("agent_id", "login_local")
    schema = th.PropertiesList(
        *date_time("login", "When the session began."),
        *date_time("logout", "When it ended; provisional while the session is open."),
        *_texts(
            ("agent_name", "Agent name."),
            ("agent_id", "Agent id."),
            ("agent_dni", "Agent's identification number."),
            ("date", "The session's day, `YYYY-MM-DD`."),
            ("login_time", "Session length, h:mm:ss."),
        ),
    ).to_dict()


class Quality2Stream(WolkvoxReportStream):
    """`quality_2`: quality evaluations. Key: interaction, survey and second of the evaluation."""

    name = "quality_2"
    api = "quality_2"
    primary_keys = ("conn_id", "survey", "date_local")
    schema = th.PropertiesList(
        *date_time("date", "When the evaluation was made."),
        *_texts(
            ("conn_id", "Evaluated interaction."),
            ("agent_id", "Agent id."),
            ("agent_name", "Agent name."),
            ("comments", "Comments."),
            ("precision_unit_critical_error", "Critical-error precision."),
            ("precision_opportunity_error", "Opportunity-error precision."),
            ("accuracy", "Accuracy, e.g. `92.31 %`."),
            ("survey", "Evaluation form."),
            ("cod_act", "Activity code."),
            ("channel", "Channel."),
            ("feedback", "Feedback."),
            ("skill_id", "Skill id."),
        ),
    ).to_dict()


class Cdr5Stream(WolkvoxReportStream):
    """`cdr_5`: outbound dials that did not connect, with the reason. Key: call id and second.

    A dial is reported once it stops ringing: the lookback is at least 5 minutes.
    """

    name = "cdr_5"
    api = "cdr_5"
    min_lookback = dt.timedelta(minutes=5)
    primary_keys = ("conn_id", "date_local")
    schema = th.PropertiesList(
        *date_time("date", "When the number was dialled."),
        *_texts(
            ("conn_id", "Call id."),
            ("agent_id", "Agent id."),
            ("agent_name", "Agent name."),
            ("destiny", "Call destination."),
            ("telephone", "Number dialled."),
            ("ring_time", "Seconds it rang."),
            ("result", "Why: Cancel, Chanunavail, Congestion, Busy, No answer, Tcpa, Do not call."),
            ("type_interaction", "Call type."),
            ("customer_id", "Customer id."),
            ("campaign_id", "Campaign."),
        ),
    ).to_dict()
