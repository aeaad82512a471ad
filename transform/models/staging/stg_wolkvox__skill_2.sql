{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['skill_id', 'conn_id', 'date_text'],
    on_schema_change='append_new_columns',
) }}
{%- set relation = source('wolkvox', 'skill_2') -%}
{%- set types = wolkvox.column_types(relation) -%}
with latest as (
    {{ wolkvox.latest_rows(relation, ['skill_id', 'conn_id', 'date_local'], types, wolkvox.reread_window('date', types, 'entered_at_utc')) }}
)

select
    trim(skill_id) as skill_id,
    nullif(trim(skill_name), '') as skill_name,
    trim(conn_id) as conn_id,
    date_local as date_text,
    {{ wolkvox.utc_and_local('date', types, 'entered_at') }},
    {{ wolkvox.duration_seconds('abandon_time') }} as abandon_seconds,
    nullif(trim(type_interaction), '') as type_interaction
from latest
