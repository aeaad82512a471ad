-- One row per channel and local day of closing (chat_1 `date_close`, what the API selects chats by).
with codes as (
    select cod_act, is_hit
    from {{ ref('stg_wolkvox__activity_codes') }}
    where type_code = 'cod_act1'
)

select
    chat.channel,
    chat.local_date,
    {{ wolkvox.as_bigint("count(*)") }} as chats,
    {{ wolkvox.as_bigint("sum(case when chat.is_uncoded then 1 else 0 end)") }} as uncoded,
    {{ wolkvox.as_bigint("sum(case when not chat.is_uncoded and codes.is_hit then 1 else 0 end)") }} as effective,
    cast(avg(chat.duration_seconds) as {{ wolkvox.type_double() }}) as avg_duration_seconds,
    cast(avg(chat.asa_seconds) as {{ wolkvox.type_double() }}) as avg_asa_seconds
from {{ ref('stg_wolkvox__chat_1') }} as chat
left join codes on codes.cod_act = chat.cod_act
where chat.local_date is not null
group by chat.channel, chat.local_date
