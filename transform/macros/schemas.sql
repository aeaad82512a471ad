{#- Where models go. The marts are a contract: `analytics` on DuckDB (one operation per file), else
    `<load schema>_analytics`, next to the schema the loader wrote (one schema per operation).
    Staging models go to `<load schema>_staging`. The target's schema is the load schema. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif custom_schema_name | trim == 'analytics' and target.type == 'duckdb' -%}
        analytics
    {%- else -%}
        {{ target.schema }}_{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
