-- One row per local date and hour: calls by call time (cdr_1 `date`), chats by close time
-- (chat_1 `date_close`, the field the API selects chats by).
with calls as (
    select local_date, extract(hour from started_at_local) as local_hour, count(*) as calls
    from {{ ref('stg_wolkvox__cdr_1') }}
    where local_date is not null
    group by local_date, extract(hour from started_at_local)
),

chats as (
    select local_date, extract(hour from closed_at_local) as local_hour, count(*) as chats
    from {{ ref('stg_wolkvox__chat_1') }}
    where local_date is not null
    group by local_date, extract(hour from closed_at_local)
)

select
    coalesce(calls.local_date, chats.local_date) as local_date,
    {{ wolkvox.as_bigint('coalesce(calls.local_hour, chats.local_hour)') }} as local_hour,
    {{ wolkvox.as_bigint('coalesce(calls.calls, 0)') }} as calls,
    {{ wolkvox.as_bigint('coalesce(chats.chats, 0)') }} as chats
from calls
full outer join chats on chats.local_date = calls.local_date and chats.local_hour = calls.local_hour
