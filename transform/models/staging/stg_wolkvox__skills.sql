{%- set relation = source('wolkvox', 'skills') -%}
{%- set types = wolkvox.column_types(relation) -%}
with latest as (
    {{ wolkvox.latest_rows(relation, ['skill_id'], types) }}
)

select
    trim(skill_id) as skill_id,
    nullif(trim(skill_name), '') as skill_name
from latest
