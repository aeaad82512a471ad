{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['conn_id', 'agent_id', 'date_text'],
    on_schema_change='append_new_columns',
) }}
{%- set relation = source('wolkvox', 'cdr_1') -%}
{%- set types = wolkvox.column_types(relation) -%}
with latest as (
    {{ wolkvox.latest_rows(relation, ['conn_id', 'agent_id', 'date_local'], types, wolkvox.reread_window('date', types, 'started_at_utc')) }}
),

typed as (
    select
        trim(conn_id) as conn_id,
        trim(agent_id) as agent_id,
        nullif(trim(agent_name), '') as agent_name,
        date_local as date_text,
        {{ wolkvox.utc_and_local('date', types, 'started_at') }},
        {{ wolkvox.to_number('time_seg') }} as duration_seconds,
        {{ wolkvox.to_number('cost') }} as cost,
        {{ wolkvox.activity_code('cod_act') }} as cod_act,
        {{ wolkvox.activity_code('cod_act_2') }} as cod_act_2,
        nullif(trim(type_interaction), '') as type_interaction,
        nullif(trim(hang_up), '') as hang_up,
        nullif(trim(campaign_id), '') as campaign_id,
        nullif(nullif(trim(skill_id), ''), '-') as skill_id
    from latest
)

select
    typed.*,
    cast(started_at_local as date) as local_date,
    {{ wolkvox.is_uncoded('cod_act') }} as is_uncoded
from typed
