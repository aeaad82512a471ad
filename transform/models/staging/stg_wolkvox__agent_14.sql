{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['agent_id', 'agent_status', 'date_ini_text'],
    on_schema_change='append_new_columns',
) }}
{%- set relation = source('wolkvox', 'agent_14') -%}
{%- set types = wolkvox.column_types(relation) -%}
with latest as (
    {{ wolkvox.latest_rows(relation, ['agent_id', 'agent_status', 'date_ini_local'], types, wolkvox.reread_window('date_ini', types, 'started_at_utc')) }}
),

typed as (
    select
        trim(agent_id) as agent_id,
        nullif(trim(agent_name), '') as agent_name,
        trim(agent_status) as agent_status,
        date_ini_local as date_ini_text,
        {{ wolkvox.utc_and_local('date_ini', types, 'started_at') }},
        {{ wolkvox.utc_and_local('date_end', types, 'ended_at') }},
        {{ wolkvox.duration_seconds('time') }} as time_seconds,
        nullif(trim(conn_id), '') as conn_id,
        nullif(trim(type_interaction), '') as type_interaction,
        nullif(trim(campaign_id), '') as campaign_id
    from latest
)

select
    typed.*,
    cast(started_at_local as date) as local_date,
    {{ dbt.datediff('started_at_utc', 'ended_at_utc', 'second') }} as seconds
from typed
