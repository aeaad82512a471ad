"""Report streams: each declares its `api`, schema and keys; `WolkvoxReportStream` does the rest."""

from __future__ import annotations

from singer_sdk import typing as th

from tap_wolkvox.client import WolkvoxReportStream

OPT_FIELDS = [f"opt{n}" for n in range(1, 13)]


def _text(name: str, description: str) -> th.Property:
    return th.Property(name, th.StringType, description=description)


class Campaign3Stream(WolkvoxReportStream):
    """`campaign_3`: the phone-by-phone result of predictive outbound campaigns.

    Primary key: the same attempt re-read (lookback, retry, resume) has the same
    campaign, call id, phone and second, so it upserts onto itself; two different
    attempts never share all four. `date_local` is in the key rather than `date`
    because it is never null, even when the API sends a date that cannot be parsed.
    """

    name = "campaign_3"
    api = "campaign_3"
    primary_keys = ("campaign_id", "conn_id", "telephone", "date_local")

    schema = th.PropertiesList(
        _text("campaign_id", "Campaign identification number."),
        _text("customer_name", "Customer's first name."),
        _text("customer_last_name", "Customer's last name."),
        _text("id_type", "Type of identification."),
        _text("customer_id", "Customer's identification number."),
        th.Property(
            "date",
            th.DateTimeType,
            description="Attempt date in UTC (RFC 3339), converted from the operation's "
            "naive local time; null if the API sent a date that cannot be parsed.",
        ),
        _text("date_local", "Attempt date exactly as the API sent it (naive, operation time zone)."),
        _text("telephone", "Telephone number the call was placed to."),
        _text("result", "Result of the interaction, e.g. ANSWER, NO-ANSWER, BUSY (as sent)."),
        *(_text(opt, "Field of the campaign database (customer contact information).") for opt in OPT_FIELDS),
        _text("conn_id", "Call identification number."),
    ).to_dict()
