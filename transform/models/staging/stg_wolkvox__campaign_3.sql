{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key=['campaign_id', 'conn_id', 'telephone', 'date_text'],
    on_schema_change='append_new_columns',
) }}
{%- set relation = source('wolkvox', 'campaign_3') -%}
{%- set types = wolkvox.column_types(relation) -%}
with latest as (
    {{ wolkvox.latest_rows(relation, ['campaign_id', 'conn_id', 'telephone', 'date_local'], types, wolkvox.reread_window('date', types, 'dialled_at_utc')) }}
),

typed as (
    select
        trim(campaign_id) as campaign_id,
        trim(conn_id) as conn_id,
        trim(telephone) as telephone,
        date_local as date_text,
        {{ wolkvox.utc_and_local('date', types, 'dialled_at') }},
        coalesce(nullif(trim(result), ''), '(empty)') as result
    from latest
)

select typed.*, cast(dialled_at_local as date) as local_date
from typed
