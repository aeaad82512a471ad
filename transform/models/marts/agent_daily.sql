-- One row per agent and local day with any state (agent_14), call (cdr_1, by `date`) or chat (chat_1, by
-- `date_close`). Codes are matched trimmed and upper case against activity_codes of type_code cod_act1.
with states as (
    select
        agent_id,
        local_date,
        {{ wolkvox.as_bigint("sum(seconds)") }} as logged_seconds,
        {{ wolkvox.as_bigint("sum(case when upper(agent_status) = 'READY' then seconds else 0 end)") }} as ready_seconds,
        {{ wolkvox.as_bigint("sum(case when upper(agent_status) = 'TALK' then seconds else 0 end)") }} as talk_seconds,
        {{ wolkvox.as_bigint("sum(case when upper(agent_status) = 'ACW' then seconds else 0 end)") }} as acw_seconds,
        {{ wolkvox.as_bigint("sum(case when upper(agent_status) = 'RING' then seconds else 0 end)") }} as ring_seconds,
        {{ wolkvox.as_bigint(
            "sum(case when upper(agent_status) not in ('READY', 'TALK', 'ACW', 'RING') then seconds else 0 end)"
        ) }} as aux_seconds
    from {{ ref('agent_status_daily') }}
    group by agent_id, local_date
),

codes as (
    select cod_act, is_hit, is_rpc
    from {{ ref('stg_wolkvox__activity_codes') }}
    where type_code = 'cod_act1'
),

calls as (
    select
        cdr.agent_id,
        cdr.local_date,
        {{ wolkvox.as_bigint("count(*)") }} as calls,
        {{ wolkvox.as_bigint("sum(case when cdr.is_uncoded then 1 else 0 end)") }} as calls_uncoded,
        {{ wolkvox.as_bigint("sum(case when not cdr.is_uncoded and codes.is_rpc then 1 else 0 end)") }} as calls_contact,
        {{ wolkvox.as_bigint("sum(case when not cdr.is_uncoded and codes.is_hit then 1 else 0 end)") }} as calls_effective
    from {{ ref('stg_wolkvox__cdr_1') }} as cdr
    left join codes on codes.cod_act = cdr.cod_act
    where cdr.local_date is not null
    group by cdr.agent_id, cdr.local_date
),

chats as (
    select
        chat.agent_id,
        chat.local_date,
        {{ wolkvox.as_bigint("count(*)") }} as chats,
        {{ wolkvox.as_bigint("sum(case when chat.is_uncoded then 1 else 0 end)") }} as chats_uncoded,
        {{ wolkvox.as_bigint("sum(case when not chat.is_uncoded and codes.is_hit then 1 else 0 end)") }} as chats_effective
    from {{ ref('stg_wolkvox__chat_1') }} as chat
    left join codes on codes.cod_act = chat.cod_act
    where chat.agent_id is not null and chat.local_date is not null
    group by chat.agent_id, chat.local_date
),

agent_days as (
    select agent_id, local_date from states
    union
    select agent_id, local_date from calls
    union
    select agent_id, local_date from chats
),

names as (
    -- The agents list first; else the latest name the reports gave.
    select agent_id, max(agent_name) as agent_name
    from (
        select agent_id, agent_name from {{ ref('stg_wolkvox__agent_14') }}
        union all
        select agent_id, agent_name from {{ ref('stg_wolkvox__cdr_1') }}
    ) as named
    where agent_name is not null
    group by agent_id
)

select
    agent_days.agent_id,
    coalesce(agents.agent_name, names.agent_name) as agent_name,
    agent_days.local_date,
    coalesce(states.logged_seconds, 0) as logged_seconds,
    coalesce(states.ready_seconds, 0) as ready_seconds,
    coalesce(states.talk_seconds, 0) as talk_seconds,
    coalesce(states.acw_seconds, 0) as acw_seconds,
    coalesce(states.ring_seconds, 0) as ring_seconds,
    coalesce(states.aux_seconds, 0) as aux_seconds,
    {{ wolkvox.ratio('states.talk_seconds + states.acw_seconds',
                     'states.talk_seconds + states.acw_seconds + states.ready_seconds') }} as occupancy,
    coalesce(calls.calls, 0) as calls,
    coalesce(calls.calls_uncoded, 0) as calls_uncoded,
    coalesce(calls.calls_contact, 0) as calls_contact,
    coalesce(calls.calls_effective, 0) as calls_effective,
    {{ wolkvox.ratio('calls.calls_effective', 'calls.calls_contact') }} as voice_effectiveness,
    coalesce(chats.chats, 0) as chats,
    coalesce(chats.chats_uncoded, 0) as chats_uncoded,
    coalesce(chats.chats_effective, 0) as chats_effective,
    {{ wolkvox.ratio('chats.chats_effective', 'chats.chats - chats.chats_uncoded') }} as digital_effectiveness,
    {{ wolkvox.ratio('states.ready_seconds', 'states.logged_seconds') }} as ready_share,
    {{ wolkvox.ratio('states.aux_seconds', 'states.logged_seconds') }} as aux_share,
    {{ wolkvox.ratio('calls.calls_uncoded', 'calls.calls') }} as calls_uncoded_share,
    {{ wolkvox.ratio('chats.chats_uncoded', 'chats.chats') }} as chats_uncoded_share
from agent_days
left join states on states.agent_id = agent_days.agent_id and states.local_date = agent_days.local_date
left join calls on calls.agent_id = agent_days.agent_id and calls.local_date = agent_days.local_date
left join chats on chats.agent_id = agent_days.agent_id and chats.local_date = agent_days.local_date
left join {{ ref('stg_wolkvox__agents') }} as agents on agents.agent_id = agent_days.agent_id
left join names on names.agent_id = agent_days.agent_id
