-- One row per campaign, local day of dialling and result, as the API wrote the result.
select
    campaign_id,
    local_date,
    result,
    {{ wolkvox.as_bigint("count(*)") }} as attempts
from {{ ref('stg_wolkvox__campaign_3') }}
where local_date is not null
group by campaign_id, local_date, result
