{{ config(materialized='table', tags=["a", 'b']) }}
{% set cols = ['user_id', "ts"] %}
with src as (
  select * from {{ source('events', 'listening_v3') }}
), r as (select user_id, {{ dbt_utils.star(ref('stg_listening'), except=["legacy_flag"]) }} from {{ ref("stg_listening") }})
{# comment {{ user_id }} #}
select {% for c in cols %}{{ c }}{% if not loop.last %},{% endif %}{% endfor %}, ts::timestamp
from src {%- if is_incremental() %} where ts > (select max(ts) from {{ this }}) {% endif -%}
