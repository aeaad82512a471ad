{%- set relation = source('wolkvox', 'agents') -%}
{%- set types = wolkvox.column_types(relation) -%}
with latest as (
    {{ wolkvox.latest_rows(relation, ['agent_id'], types) }}
)

select
    trim(agent_id) as agent_id,
    nullif(trim(agent_name), '') as agent_name,
    {{ wolkvox.yes_no('enabled') }} as is_enabled
from latest
