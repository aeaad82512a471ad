-- The operation's day, for "today against yesterday": each ratio over the day's summed counts,
-- never an average of per-agent or per-interval ratios.
with inbound as (
    select
        cast(interval_start_local as date) as local_date,
        sum(offered) as offered,
        sum(answered) as answered,
        sum(abandoned) as abandoned,
        sum(answered_within_sl) as answered_within_sl
    from {{ ref('inbound_interval') }}
    group by cast(interval_start_local as date)
),

answer_times as (
    select cast(entered_at_local as date) as local_date, avg(answer_seconds) as asa_seconds
    from {{ ref('stg_wolkvox__skill_10') }}
    where entered_at_local is not null
    group by cast(entered_at_local as date)
),

agents as (
    select
        local_date,
        sum(talk_seconds) + sum(acw_seconds) as busy_seconds,
        sum(ready_seconds) as ready_seconds,
        sum(calls_contact) as calls_contact,
        sum(calls_effective) as calls_effective,
        sum(chats) - sum(chats_uncoded) as chats_coded,
        sum(chats_effective) as chats_effective
    from {{ ref('agent_daily') }}
    group by local_date
),

outbound as (
    select local_date, sum(attempts) as attempts
    from {{ ref('campaign_daily') }}
    group by local_date
),

days as (
    select local_date from inbound
    union
    select local_date from agents
    union
    select local_date from outbound
)

select
    days.local_date,
    {{ wolkvox.as_bigint('coalesce(inbound.offered, 0)') }} as offered,
    {{ wolkvox.as_bigint('coalesce(inbound.answered, 0)') }} as answered,
    {{ wolkvox.as_bigint('coalesce(inbound.abandoned, 0)') }} as abandoned,
    {{ wolkvox.as_bigint('coalesce(inbound.answered_within_sl, 0)') }} as answered_within_sl,
    {{ wolkvox.ratio('inbound.answered_within_sl', 'inbound.offered') }} as service_level,
    cast(answer_times.asa_seconds as {{ wolkvox.type_double() }}) as asa_seconds,
    {{ wolkvox.ratio('inbound.abandoned', 'inbound.offered') }} as abandon_rate,
    {{ wolkvox.ratio('agents.busy_seconds', 'agents.busy_seconds + agents.ready_seconds') }} as occupancy,
    {{ wolkvox.ratio('agents.calls_effective', 'agents.calls_contact') }} as voice_effectiveness,
    {{ wolkvox.ratio('agents.chats_effective', 'agents.chats_coded') }} as digital_effectiveness,
    {{ wolkvox.as_bigint('coalesce(outbound.attempts, 0)') }} as attempts
from days
left join inbound on inbound.local_date = days.local_date
left join answer_times on answer_times.local_date = days.local_date
left join agents on agents.local_date = days.local_date
left join outbound on outbound.local_date = days.local_date
