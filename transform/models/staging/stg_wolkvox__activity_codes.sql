{%- set relation = source('wolkvox', 'activity_codes') -%}
{%- set types = wolkvox.column_types(relation) -%}
with latest as (
    {{ wolkvox.latest_rows(relation, ['cod_act', 'type_code'], types) }}
)

select
    {{ wolkvox.activity_code('cod_act') }} as cod_act,
    lower(trim(type_code)) as type_code,
    nullif(trim(description_cod_act), '') as description,
    coalesce({{ wolkvox.yes_no('hit') }}, false) as is_hit,
    coalesce({{ wolkvox.yes_no('rpc') }}, false) as is_rpc,
    {{ wolkvox.yes_no('voice') }} as for_voice,
    {{ wolkvox.yes_no('chat') }} as for_chat
from latest
where {{ wolkvox.activity_code('cod_act') }} is not null
