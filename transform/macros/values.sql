{#- Typed values from the tap's text columns, the same on DuckDB, PostgreSQL and Snowflake. -#}

{#- A number from text; null when the text is not a plain decimal number (the API sends text). -#}
{% macro to_number(expression) -%}
    {{ return(adapter.dispatch('to_number', 'wolkvox')(expression)) }}
{%- endmacro %}

{% macro default__to_number(expression) -%}
    case when trim({{ expression }}) ~ '^[-+]?[0-9]+([.][0-9]+)?$'
         then cast(trim({{ expression }}) as {{ dbt.type_numeric() }}) end
{%- endmacro %}

{% macro duckdb__to_number(expression) -%}
    try_cast(trim({{ expression }}) as {{ dbt.type_numeric() }})
{%- endmacro %}

{% macro snowflake__to_number(expression) -%}
    try_to_decimal(trim({{ expression }}), 38, 6)
{%- endmacro %}

{#- Seconds from a duration sent as `h:mm:ss` (hours may pass 24), `mm:ss`, or seconds. -#}
{% macro duration_seconds(expression) -%}
    case
        when {{ expression }} is null or trim({{ expression }}) = '' then null
        when {{ expression }} like '%:%:%' then
            {{ wolkvox.to_number(dbt.split_part(expression, "':'", 1)) }} * 3600
            + {{ wolkvox.to_number(dbt.split_part(expression, "':'", 2)) }} * 60
            + {{ wolkvox.to_number(dbt.split_part(expression, "':'", 3)) }}
        when {{ expression }} like '%:%' then
            {{ wolkvox.to_number(dbt.split_part(expression, "':'", 1)) }} * 60
            + {{ wolkvox.to_number(dbt.split_part(expression, "':'", 2)) }}
        else {{ wolkvox.to_number(expression) }}
    end
{%- endmacro %}

{#- `yes` / `no` (any case, blanks around) as a boolean; anything else null. -#}
{% macro yes_no(expression) -%}
    case lower(trim({{ expression }})) when 'yes' then true when 'no' then false end
{%- endmacro %}

{#- An activity code as matched against `activity_codes`: trimmed, upper case; null when blank. -#}
{% macro activity_code(expression) -%}
    nullif(upper(trim({{ expression }})), '')
{%- endmacro %}

{#- Work left uncoded: no code, or a code the platform set on a missed deadline (TIMEOUTACW, TIMEOUTCHAT). -#}
{% macro is_uncoded(code) -%}
    ({{ code }} is null or {{ code }} like 'TIMEOUT%')
{%- endmacro %}

{#- A ratio as a float; null when the denominator is 0 or null. -#}
{% macro ratio(numerator, denominator) -%}
    cast({{ numerator }} as {{ wolkvox.type_double() }}) / nullif({{ denominator }}, 0)
{%- endmacro %}

{#- A double-precision float (wolkvox.type_double() is 4-byte `float` on DuckDB). -#}
{% macro type_double() -%}
    {%- if target.type == 'duckdb' -%} double {%- else -%} {{ dbt.type_float() }} {%- endif -%}
{%- endmacro %}

{#- A count or a sum of seconds, as a 64-bit integer on every adapter (DuckDB sums to HUGEINT). -#}
{% macro as_bigint(expression) -%}
    cast({{ expression }} as {{ dbt.type_bigint() }})
{%- endmacro %}

{#- The var `service_level_seconds`, checked: a whole number of seconds, 0 or more. -#}
{% macro service_level_seconds() -%}
    {%- set value = var('service_level_seconds') | string | trim -%}
    {%- if not value.isdigit() -%}
        {{ exceptions.raise_compiler_error(
            "The dbt var service_level_seconds must be a whole number of seconds (e.g. 20), not '"
            ~ value ~ "'. Set it in transform/dbt_project.yml or with --vars.") }}
    {%- endif -%}
    {{ return(value | int) }}
{%- endmacro %}
