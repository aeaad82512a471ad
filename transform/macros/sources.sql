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
{% macro latest_rows(relation, keys, types, where=none) -%}
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
        {% if where %}where {{ where }}{% endif %}
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

{#- In an incremental run, the source rows an incremental staging model reads again: those whose UTC
    `column` is at most the var `reread_days` before the newest `staged` value the model holds (plus
    rows whose date-time could not be parsed). The streams re-read their own lookback (agent_14 2 hours,
    chat_1 1 day, the tap's `lookback_minutes`), so a row can land late, but never earlier than that
    before the newest one: `reread_days` must cover the longest lookback. Every row (re)loaded in that
    window replaces its key's row (delete+insert on the model's unique key). A backfill of older dates
    needs `dbt build --full-refresh`. -#}
{% macro reread_window(column, types, staged) -%}
    {#- Without introspection (compiling with no connection) the var `assume_incremental` chooses. -#}
    {%- set incremental = is_incremental() if var('introspect_sources', true) else var('assume_incremental', false) -%}
    {%- if incremental -%}
        {%- set days = var('reread_days') | string | trim -%}
        {%- if not days.isdigit() or days | int < 1 -%}
            {{ exceptions.raise_compiler_error(
                "The dbt var reread_days must be a whole number of days, at least 1, not '" ~ days ~ "'.") }}
        {%- endif -%}
        {%- set utc = wolkvox.utc_timestamp(column, types.get(column)) -%}
        ({{ utc }} is null or {{ utc }} >= (
            select {{ dbt.dateadd('day', -(days | int), 'max(' ~ staged ~ ')') }} from {{ this }}
        ))
    {%- endif -%}
{%- endmacro %}
