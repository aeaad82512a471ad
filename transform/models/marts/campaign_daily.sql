-- One row per campaign and local day of dialling (campaign_3 `date`).
select
    campaign_id,
    local_date,
    {{ wolkvox.as_bigint("count(*)") }} as attempts,
    {{ wolkvox.as_bigint("count(distinct telephone)") }} as distinct_telephones
from {{ ref('stg_wolkvox__campaign_3') }}
where local_date is not null
group by campaign_id, local_date
