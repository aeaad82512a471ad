-- One row per skill and 30-minute local interval with an inbound call: answered ones from skill_10,
-- abandoned ones from skill_2, each in the interval its local `date` (queue entry) falls in.
with calls as (
    select
        skill_id,
        skill_name,
        {{ wolkvox.half_hour('entered_at_local') }} as interval_start_local,
        1 as answered,
        0 as abandoned,
        answer_seconds
    from {{ ref('stg_wolkvox__skill_10') }}
    union all
    select
        skill_id,
        skill_name,
        {{ wolkvox.half_hour('entered_at_local') }} as interval_start_local,
        0 as answered,
        1 as abandoned,
        null as answer_seconds
    from {{ ref('stg_wolkvox__skill_2') }}
),

intervals as (
    select
        skill_id,
        max(skill_name) as skill_name,
        interval_start_local,
        {{ wolkvox.as_bigint("sum(answered) + sum(abandoned)") }} as offered,
        {{ wolkvox.as_bigint("sum(answered)") }} as answered,
        {{ wolkvox.as_bigint("sum(abandoned)") }} as abandoned,
        {{ wolkvox.as_bigint(
            "sum(case when answered = 1 and answer_seconds <= " ~ wolkvox.service_level_seconds() ~ " then 1 else 0 end)"
        ) }} as answered_within_sl,
        avg(case when answered = 1 then answer_seconds end) as asa_seconds
    from calls
    where interval_start_local is not null
    group by skill_id, interval_start_local
)

select
    intervals.skill_id,
    coalesce(skills.skill_name, intervals.skill_name) as skill_name,
    intervals.interval_start_local,
    intervals.offered,
    intervals.answered,
    intervals.abandoned,
    intervals.answered_within_sl,
    {{ wolkvox.ratio('intervals.answered_within_sl', 'intervals.offered') }} as service_level,
    cast(intervals.asa_seconds as {{ wolkvox.type_double() }}) as asa_seconds,
    {{ wolkvox.ratio('intervals.abandoned', 'intervals.offered') }} as abandon_rate
from intervals
left join {{ ref('stg_wolkvox__skills') }} as skills on skills.skill_id = intervals.skill_id
