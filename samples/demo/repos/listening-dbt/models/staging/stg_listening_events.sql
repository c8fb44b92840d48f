-- Staging view over listening_events.
-- Note: user_id_hash in the marketing export is another column, and legacy_flag was never
-- read here; neither is part of this model.
with source as (
    select * from {{ source('events', 'listening_v3') }}
),

renamed as (
    select
        user_id,
        track_id,
        ts as played_at_ms,
        duration_ms
    from source
    where user_id is not null
)

select * from renamed
