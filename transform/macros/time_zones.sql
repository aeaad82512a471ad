{#- Date-times. The tap sends each one in UTC (`date`, ...) and as the API's local text (`date_local`).
    Loaders type the UTC column differently: target-duckdb and target-postgres as a timestamp
    without time zone holding UTC (or `timestamptz` after the README's one-time ALTER), target-snowflake
    as TIMESTAMP_TZ. `utc_timestamp` makes any of these a timestamp without time zone in UTC, whatever the
    session's time zone; `to_local` turns such a UTC timestamp into the operation's local wall-clock time
    (the var `timezone`, an IANA name). -#}

{% macro utc_timestamp(column, data_type) -%}
    {%- set type = (data_type or '') | lower -%}
    {%- if 'with time zone' in type or type in ('timestamptz', 'timestamp_tz', 'timestamp_ltz') -%}
        {{ return(adapter.dispatch('tz_aware_to_utc', 'wolkvox')(column)) }}
    {%- else -%}
        {{ return(column) }}
    {%- endif -%}
{%- endmacro %}

{% macro default__tz_aware_to_utc(column) -%}
    ({{ column }} at time zone 'UTC')
{%- endmacro %}

{% macro duckdb__tz_aware_to_utc(column) -%}
    timezone('UTC', {{ column }})
{%- endmacro %}

{% macro snowflake__tz_aware_to_utc(column) -%}
    convert_timezone('UTC', {{ column }})::timestamp_ntz
{%- endmacro %}

{% macro to_local(utc_column) -%}
    {%- set timezone = var('timezone') | string | trim -%}
    {%- if not modules.re.fullmatch('[A-Za-z][A-Za-z0-9_+/-]*', timezone) -%}
        {{ exceptions.raise_compiler_error(
            "The dbt var timezone must be an IANA time zone name such as America/Bogota, not '"
            ~ timezone ~ "'. Set it in transform/dbt_project.yml or with --vars.") }}
    {%- endif -%}
    {{ return(adapter.dispatch('to_local', 'wolkvox')(utc_column, timezone)) }}
{%- endmacro %}

{% macro default__to_local(utc_column, timezone) -%}
    (({{ utc_column }} at time zone 'UTC') at time zone '{{ timezone }}')
{%- endmacro %}

{% macro duckdb__to_local(utc_column, timezone) -%}
    timezone('{{ timezone }}', timezone('UTC', {{ utc_column }}))
{%- endmacro %}

{% macro snowflake__to_local(utc_column, timezone) -%}
    convert_timezone('UTC', '{{ timezone }}', {{ utc_column }})
{%- endmacro %}

{#- The start of the 30-minute interval a local timestamp falls in. -#}
{% macro half_hour(timestamp) -%}
    {{ dbt.dateadd('minute', 'case when extract(minute from ' ~ timestamp ~ ') >= 30 then 30 else 0 end',
                   dbt.date_trunc('hour', timestamp)) }}
{%- endmacro %}
