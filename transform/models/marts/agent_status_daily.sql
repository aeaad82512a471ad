-- One row per agent, local day and state, from agent_14: a state counts on the local date its date_ini
-- falls on, for date_end − date_ini seconds.
select
    agent_id,
    local_date,
    agent_status,
    {{ wolkvox.as_bigint("sum(seconds)") }} as seconds,
    {{ wolkvox.as_bigint("count(*)") }} as intervals
from {{ ref('stg_wolkvox__agent_14') }}
where local_date is not null
group by agent_id, local_date, agent_status
