{#- Reading the loader's tables. -#}

{#- The source's column types by lower-case name, read from the warehouse; {} while parsing, or when
    the var `introspect_sources` is false (compiling without a connection): then no `_sdc_` column
    is assumed and UTC columns are taken as timestamps without time zone. -#}
{% macro column_types(relation) -%}
    {%- set types = {} -%}
    {%- if execute and var('introspect_sources', true) -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- do types.update({column.name | lower: column.data_type}) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(types) }}
{%- endmacro %}

{#- One row per primary key. An upserting loader already keeps one; an append-only one keeps every
    copy, with the Singer metadata columns (`_sdc_extracted_at`, ...): the latest extraction wins. -#}
{% macro latest_rows(relation, keys, types) -%}
    {%- set order = [] -%}
    {%- for column in ['_sdc_extracted_at', '_sdc_batched_at', '_sdc_sequence'] if column in types -%}
        {%- do order.append(column ~ ' desc') -%}
    {%- endfor -%}
    select * from (
        select source_rows.*,
            row_number() over (
                partition by {{ keys | join(', ') }}
                order by {{ (order or keys) | join(', ') }}
            ) as row_of_key
        from {{ relation }} as source_rows
    ) as ranked
    where row_of_key = 1
{%- endmacro %}

{#- A report's date-time `name`: `<name>_utc` and `<name>_local` (the operation's wall-clock time, var
    `timezone`) as timestamps, from the tap's UTC column. -#}
{% macro utc_and_local(name, types, alias=none) -%}
    {%- set utc = wolkvox.utc_timestamp(name, types.get(name)) -%}
    {{ utc }} as {{ alias or name }}_utc,
    {{ wolkvox.to_local(utc) }} as {{ alias or name }}_local
{%- endmacro %}
