{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['conn_id'],
    on_schema_change='append_new_columns',
) }}
{%- set relation = source('wolkvox', 'chat_1') -%}
{%- set types = wolkvox.column_types(relation) -%}
with latest as (
    {{ wolkvox.latest_rows(relation, ['conn_id'], types, wolkvox.reread_window('date_close', types, 'closed_at_utc')) }}
),

typed as (
    select
        trim(conn_id) as conn_id,
        coalesce(nullif(lower(trim(channel)), ''), 'unknown') as channel,
        nullif(trim(agent_id), '') as agent_id,
        nullif(trim(agent_name), '') as agent_name,
        {{ wolkvox.utc_and_local('date', types, 'started_at') }},
        {{ wolkvox.utc_and_local('date_close', types, 'closed_at') }},
        {{ wolkvox.duration_seconds('chat_duration') }} as duration_seconds,
        {{ wolkvox.duration_seconds('time_on_agent') }} as time_on_agent_seconds,
        {{ wolkvox.duration_seconds('asa') }} as asa_seconds,
        {{ wolkvox.activity_code('cod_act') }} as cod_act,
        nullif(trim(skill_id), '') as skill_id
    from latest
)

select
    typed.*,
    cast(closed_at_local as date) as local_date,
    {{ wolkvox.is_uncoded('cod_act') }} as is_uncoded
from typed
